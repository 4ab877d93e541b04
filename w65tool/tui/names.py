"""The names the TUI gives addresses: the chip's own, and the labels of the loaded program.

By default the I/O registers (`PD7`) and the ROM monitor's routines (`PUT_STR`) are named
from the chip's tables. A program adds its labels, and only those: a symbol names an
address the program's image occupies, so an equate such as `ACSR_RXEN = $20` never turns
`adc $20` into `adc ACSR_RXEN`. The names of a replaced program go with it.
"""

from __future__ import annotations

from collections.abc import Mapping

from w65tool.board.monitor import layout
from w65tool.board.registers import BY_ADDRESS
from w65tool.chip import ROM_FIRST, ROM_LAST
from w65tool.image import Image

ROM_ROUTINES: dict[str, int] = {**layout.ROUTINES, **layout.INTERNAL, "IDLE": layout.IDLE}
"""Every ROM routine the emulated monitor knows, by name."""

NEAR = 8
"""Bytes past a routine's entry still said to be in it (the emulated ROM holds only traps)."""


def chip_names() -> dict[str, int]:
    """I/O registers and ROM routines, name -> address."""
    names = {reg.name: reg.address for reg in BY_ADDRESS.values()}
    names.update(layout.ROUTINES)
    return names


def program_labels(symbols: Mapping[str, int], image: Image) -> dict[str, int]:
    """The symbols whose value lies in the image (labels of its code and data)."""
    spans = [(start, start + len(data)) for start, data in image.segments()]
    return {
        name: value for name, value in symbols.items() if any(lo <= value < hi for lo, hi in spans)
    }


def in_rom(address: int) -> bool:
    """True for an address in the monitor's ROM."""
    return ROM_FIRST <= address <= ROM_LAST


def rom_routine(address: int) -> str | None:
    """The ROM routine `address` is in (its entry at most `NEAR` bytes before), or None."""
    best: tuple[int, str] | None = None
    for name, entry in ROM_ROUTINES.items():
        if entry <= address < entry + NEAR and (best is None or entry > best[0]):
            best = (entry, name)
    return None if best is None else best[1]

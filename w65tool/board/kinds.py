"""The two boards around the W65C265S: what memory they add and where their lamps are.

- `mensch`: the Mensch Microcomputer (the $18 W65C265SQBX board). On-chip RAM only; eight
  LEDs on P70-P77, lit when the pin is high (believed from the schematic: PD7 bit = 1 lights
  the LED once PCS7 makes the pin a plain output); plus two LEDs a user wires to P00 and P01
  (the extension of the well-known blog post), lit when the pin is an output and high.
- `sxb`: the W65C265SXB. 32 KB SRAM at $0200-$7FFF on the external bus; one user LED on
  P72, active low (PD7 bit 2 = 0 lights it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lamp:
    """An LED on a port pin."""

    name: str  # the pin, "P72"
    port: int
    bit: int
    active_high: bool


@dataclass(frozen=True)
class BoardKind:
    """What a board adds to the chip."""

    name: str
    title: str
    external_ram: tuple[int, int] | None
    lamps: tuple[Lamp, ...]

    @property
    def lamp_ports(self) -> frozenset[int]:
        """The ports that carry lamps."""
        return frozenset(lamp.port for lamp in self.lamps)


KINDS: dict[str, BoardKind] = {
    "mensch": BoardKind(
        "mensch",
        "Mensch Microcomputer",
        None,
        (
            *(Lamp(f"P7{n}", 7, n, True) for n in range(8)),
            Lamp("P00", 0, 0, True),
            Lamp("P01", 0, 1, True),
        ),
    ),
    "sxb": BoardKind("sxb", "W65C265SXB", (0x0200, 0x7FFF), (Lamp("P72", 7, 2, False),)),
}

DEFAULT_BOARD = "sxb"
"""The board every command and API emulates unless told otherwise: the W65C265SXB, the
board most users own (WDC's evaluation board, USB serial on board). The Mensch board is one
`--board mensch` (or `board = "mensch"` in [tool.w65]) away."""

"""Where a program may be loaded on each board, and what is in the way everywhere else.

The facts behind every load (the emulator's, `w65 sim`'s and a real board's through the
monitor): the monitor's own RAM in pages 0 and 1 and at $DF80, the I/O registers, the ROM,
and memory the board does not have. A program loaded over the monitor's RAM breaks the
monitor (its ring pointers, its BRK/NMI and clock slots, its stack) or is overwritten by it
(the saved context, which `G` and `|` write); the ROM and unmapped space keep nothing; an
S28 record into I/O is refused by the loader after many tries. `check_image` finds the
first byte of an image that lands in such a place, before anything is sent.

Addresses are from the monitor's layout (`w65tool.board.monitor.layout`) and the chip's map
(`w65tool.board.bus`); docs/monitor.md shows the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

from w65tool.addresses import format_address
from w65tool.board.kinds import KINDS
from w65tool.chip import IO_FIRST, IO_LAST, ROM_FIRST, ROM_LAST
from w65tool.errors import W65Error
from w65tool.image import Image


@dataclass(frozen=True)
class Region:
    """A named range of bank-0 (or wider) addresses a program must not be loaded into."""

    first: int
    last: int
    name: str  # "the monitor's BRK and NMI slots"

    def __contains__(self, address: int) -> bool:
        return self.first <= address <= self.last

    def span(self) -> str:
        """`$00:0100-$00:0107`."""
        return f"{_addr(self.first)}-{_addr(self.last)}"


MONITOR_PAGE0 = Region(0x0000, 0x00B4, "the monitor's page-0 variables (serial ring pointers)")
BRK_NMI_SLOTS = Region(0x0100, 0x0107, "the monitor's BRK and NMI slots")
IRQ_SLOTS = Region(0x0108, 0x011F, "the monitor's interrupt slots (IRQB to T7)")
CLOCK_SLOTS = Region(0x0120, 0x0127, "the monitor's timer-2 and clock slots")
USER_SLOTS = Region(0x0128, 0x0138, "the monitor's T0, U, restart and alarm slots")
SERIAL_RINGS = Region(0x0139, 0x0188, "the monitor's serial rings")
STRING_BUFFER = Region(0x0189, 0x01BF, "the monitor's string buffer")
MONITOR_STACK = Region(0x01C0, 0x01FF, "the monitor's stack")
IO_REGISTERS = Region(IO_FIRST, IO_LAST, "the I/O registers")
SAVED_CONTEXT = Region(0xDF80, 0xDF8F, "the monitor's saved register context")
CLOCK_RAM = Region(0xDF90, 0xDFBF, "the monitor's clock, alarm and flags")
EXPANSION = Region(0xDFC0, 0xDFFF, "the expansion chip select (no memory)")
ROM = Region(ROM_FIRST, ROM_LAST, "the monitor's ROM")

MONITOR_REGIONS: tuple[Region, ...] = (
    MONITOR_PAGE0,
    BRK_NMI_SLOTS,
    IRQ_SLOTS,
    CLOCK_SLOTS,
    USER_SLOTS,
    SERIAL_RINGS,
    STRING_BUFFER,
    MONITOR_STACK,
    IO_REGISTERS,
    SAVED_CONTEXT,
    CLOCK_RAM,
    EXPANSION,
    ROM,
)
"""Every bank-0 range a program must keep out of while the ROM monitor runs the board."""

ON_CHIP_RAM = ((0x0000, 0x01FF), (0xDF80, 0xDFBF))
"""The chip's own RAM (bank 0)."""


def ram_ranges(kind: str) -> tuple[tuple[int, int], ...]:
    """The RAM a board has, as (first, last) address pairs: on-chip RAM and its SRAM."""
    extra = KINDS[kind].external_ram
    return ON_CHIP_RAM + ((extra,) if extra is not None else ())


def free_ranges(kind: str) -> tuple[tuple[int, int], ...]:
    """The RAM a program may be loaded into while the monitor runs the board."""
    free: list[tuple[int, int]] = []
    for first, last in ram_ranges(kind):
        at = first
        for region in sorted(MONITOR_REGIONS, key=lambda r: r.first):
            if region.last < at or region.first > last:
                continue
            if region.first > at:
                free.append((at, region.first - 1))
            at = max(at, region.last + 1)
        if at <= last:
            free.append((at, last))
    return tuple(free)


def region_at(address: int, kind: str, monitor: bool = True) -> Region | None:
    """The region a program byte at `address` must not go to, or None where it may.

    With `monitor=False` (a bare chip, no ROM monitor) all RAM, the I/O registers and the
    ROM space (standing for the ROM's contents) are loadable; only missing memory is not."""
    if monitor:
        for region in MONITOR_REGIONS:
            if address in region:
                return region
    elif address <= 0xFFFF and (address in IO_REGISTERS or address in ROM):
        return None
    if any(first <= address <= last for first, last in ram_ranges(kind)):
        return None
    return Region(address, address, f"memory the {KINDS[kind].title} does not have")


def first_conflict(image: Image, kind: str, monitor: bool = True) -> tuple[int, Region] | None:
    """The lowest address of `image` that lands where a program must not go, with its region."""
    if kind not in KINDS:
        raise W65Error(f"unknown board {kind!r} (choose {' or '.join(KINDS)})")
    for start, data in image.segments():
        address = start
        end = start + len(data)
        while address < end:
            region = region_at(address, kind, monitor)
            if region is not None:
                return address, region
            address = _next_boundary(address, kind, end)
    return None


def _next_boundary(address: int, kind: str, end: int) -> int:
    """The next address at which `region_at` may answer differently (ranges, not bytes)."""
    edges = [end]
    for region in MONITOR_REGIONS:
        edges += [region.first, region.last + 1]
    for first, last in ram_ranges(kind):
        edges += [first, last + 1]
    return min(e for e in edges if e > address)


class MemoryMapError(W65Error):
    """A program image would land where the board has no memory for it, or the monitor's."""


def check_image(image: Image, kind: str, monitor: bool = True) -> None:
    """Raise `MemoryMapError` naming the region and the first address an image must not
    reach on board `kind`; return quietly when every byte goes to free RAM."""
    conflict = first_conflict(image, kind, monitor)
    if conflict is None:
        return
    address, region = conflict
    where = "" if region.first == region.last else f" ({region.span()})"
    free = ", ".join(f"{_addr(a)}-{_addr(b)}" for a, b in _free_for(kind, monitor))
    raise MemoryMapError(
        f"the program writes {_addr(address)}, in {region.name}{where}",
        hint=f"free RAM on the {KINDS[kind].title}: {free}",
    )


def _free_for(kind: str, monitor: bool) -> tuple[tuple[int, int], ...]:
    return free_ranges(kind) if monitor else ram_ranges(kind)


def _addr(address: int) -> str:
    return "$" + format_address(address)

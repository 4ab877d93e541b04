"""Did a load damage the monitor's own RAM? A checked snapshot before, a comparison after.

The ROM's S28 loader stores a record's bytes before it checks the record's checksum, so a
damaged address digit on the line writes the record elsewhere, possibly over the monitor's
page-0 variables or its page-1 `JML` slots; `--verify` reads back only the image and cannot
see it. So the bytes of pages 0 and 1 of bank 0 that the monitor keeps unchanged while it
works are read (through `W`'s checksummed dump lines) before the load and again after it.

Checked: the monitor's page-0 variables $0000-$0082 and page 1 $0100-$017E, except the
bytes in `VOLATILE`, which the monitor changes itself while it reads a load or answers a
dump, so a difference there means nothing. Not checked at all: the free page-0 RAM
$00B5-$00FF (the user's), and $0083-$00B4, $017F-$01FF (see `VOLATILE`).
"""

from __future__ import annotations

from w65tool.image import Image
from w65tool.target.base import TargetError

SPANS = ((0x0000, 0x0082), (0x0100, 0x017E))
"""The (first, last) addresses read for the snapshot; each is one checksummed dump."""

VOLATILE: tuple[tuple[int, int, str], ...] = (
    (0x0018, 0x001B, "UART3's input ring indices: move with every character received"),
    (0x001E, 0x001F, "UART3's input ring count"),
    (0x0038, 0x003B, "UART3's output ring indices: move with every character sent"),
    (0x003E, 0x003F, "UART3's output ring count"),
    (0x0043, 0x0043, "SFLAG3, the console's XON/XOFF and data-waiting flags"),
    (0x0047, 0x0047, "SDATA_SI3, the last character received"),
    (0x004B, 0x004B, "STATUS_S3, the console UART's overrun flags"),
    (0x0057, 0x0072, "temporaries of every command: the loader's and dump's addresses, counts"),
    (0x0083, 0x00B4, "T_TIME, dump flags, the output line buffer, line and byte counters"),
    (0x0138, 0x0138, "the clock's flags, set by the time-of-day interrupt every second"),
    (0x0157, 0x0160, "UART3's input ring"),
    (0x017F, 0x0188, "UART3's output ring"),
    (0x0189, 0x01BF, "the string buffer, where commands read their addresses"),
    (0x01C0, 0x01FF, "the stack"),
)
"""(first, last, why) of the monitor bytes left out of the comparison."""


def checked_addresses() -> list[int]:
    """Every address the snapshot compares, in order."""
    return [
        address
        for first, last in SPANS
        for address in range(first, last + 1)
        if not any(a <= address <= b for a, b, _ in VOLATILE)
    ]


class MonitorRamDamaged(TargetError):
    """The monitor's RAM read differently after a load than before it."""


READS = 6
"""Most dumps of one span `snapshot` makes while waiting for two that agree."""


def snapshot(read_memory, agreeing: bool = True) -> dict[int, int]:
    """The checked bytes of the monitor's RAM, read with `read_memory(address, length)`
    (`MonitorClient.read_memory`: dump lines with checksums). The checksum is an 8-bit sum,
    which two damaged digits can leave intact (one bit set, the same bit cleared elsewhere
    in the line), so with `agreeing` each span is read until two reads in a row agree."""
    values: dict[int, int] = {}
    for first, last in SPANS:
        values |= _read(read_memory, first, last, agreeing)
    return values


def _read(read_memory, first: int, last: int, agreeing: bool) -> dict[int, int]:
    """The checked bytes of one span (the others change between reads by themselves)."""
    wanted = set(checked_addresses())

    def once() -> dict[int, int]:
        data = read_memory(first, last - first + 1)
        return {first + i: v for i, v in enumerate(data) if first + i in wanted}

    previous = once()
    if not agreeing:
        return previous
    for _ in range(READS - 1):
        values = once()
        if values == previous:
            return values
        previous = values
    raise TargetError(
        f"Failed to read the monitor's RAM ${first:04X}-${last:04X}: no two of {READS} "
        "reads agreed",
        hint="the line is noisy: check the cable, or try a lower --baud",
    )


def check_after(read_memory, before: dict[int, int], image: Image) -> None:
    """Compare the monitor's RAM with `before` (see `compare`). One read that matches is
    enough (damage on the line would have to undo the board's damage exactly); a read that
    differs is confirmed by two agreeing reads first."""
    after = snapshot(read_memory, agreeing=False)
    if all(after.get(a) == v or image.get(a) is not None for a, v in before.items()):
        return
    compare(before, snapshot(read_memory), image)


def compare(before: dict[int, int], after: dict[int, int], image: Image) -> None:
    """Raise `MonitorRamDamaged` at the first checked byte that changed, unless the image
    itself put it there (a load forced over the monitor's RAM)."""
    changed = [
        address
        for address, value in before.items()
        if after.get(address) != value and image.get(address) is None
    ]
    if not changed:
        return
    first = changed[0]
    more = f" (and {len(changed) - 1} more bytes)" if len(changed) > 1 else ""
    raise MonitorRamDamaged(
        f"monitor RAM at ${first:04X} changed during the load{more}: reset the board",
        hint=f"${first:04X} was ${before[first]:02X}, now ${after[first]:02X}: a record damaged "
        "on the line was stored at a wrong address; the monitor may misbehave until a reset",
    )

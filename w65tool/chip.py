"""Facts of the W65C265S on the SXB that several rooms need: the clock, the I/O window, the ROM.

A leaf module (it imports nothing), so the disassembler, the board, the targets, the commands
and the TUI read one value each. The registers inside the I/O window are named in
`board/registers.py`; the ROM's contents are in `board/monitor/layout.py`.
`tests/test_chip_facts.py` fails if a copy of one of these numbers appears elsewhere.
"""

from __future__ import annotations

FCLK_HZ = 3_686_400
"""The SXB's crystal, FCLK (3.6864 MHz): the CPU clock, so one CPU cycle is 1 / FCLK_HZ s."""

IO_FIRST = 0x00DF00
IO_LAST = 0x00DF7F
"""The on-chip I/O registers, $00:DF00-$00:DF7F inclusive: read through the board's Python
handlers, and never read by the disassembler or the TUI (a read can clear a flag)."""

ROM_FIRST = 0x00E000
ROM_LAST = 0x00FFFF
"""The ROM monitor, $00:E000-$00:FFFF inclusive."""


def baud(char_cycles: int) -> int:
    """The baud rate of a UART that takes `char_cycles` FCLK cycles a character (10 bits)."""
    return round(FCLK_HZ * 10 / char_cycles)

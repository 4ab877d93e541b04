"""The emulated monitor against WDC's source, one finding at a time.

Each test names the source file and label whose behaviour it pins down (the repository
WesternDesignCenter/W65C265S-Internal-ROM-Monitor, monitor version 2.07).
"""

from __future__ import annotations

import pytest
from test_monitor_protocol import READY, Host

from w65tool.board.monitor import layout as L


@pytest.fixture
def host() -> Host:
    return Host()


def pointer(host: Host) -> int:
    return host.board.monitor.commands.r24(L.TMP0)


# -- R_SBREAK.ASM: DUMPREGS, ALTER_REGS --------------------------------------------------------


def test_register_display_leaves_the_pointer_at_the_pc_in_bank_0(host):
    """DUMPREGS: WR_PC copies the PC into TMP0, then REGTTL2 and DISP_FLAGS `STZ <TMP0+2`."""
    host.type(b"|P01:2345")
    host.type(b"R", settle=0.4)
    assert pointer(host) == 0x002345
    assert host.type(b"/\r") == b"/  00:2345" + READY


def test_alter_registers_moves_the_pointer_to_the_pc(host):
    """ALTER_REGS: REGTTL1 and WR_PC set TMP0 to the PC before any key is read."""
    host.type(b"/0300 ")
    host.type(b"|P01:2345")
    host.type(b"A", settle=0.3)
    host.type(b"\x1b")
    assert pointer(host) == 0x012345  # ended before REG_IN_II could clear the bank


def test_alter_registers_run_to_the_end_leaves_the_pointer_in_bank_0(host):
    """ALTER_REGS: REG_IN_II clears TMP0's bank (`STZ <TMP0+2`)."""
    host.type(b"|P01:2345")
    host.type(b"A", settle=0.3)
    host.type(b" " * 15, settle=0.3)
    assert pointer(host) == 0x002345


def test_alter_registers_space_as_second_digit_keeps_the_value(host):
    """GET_BYTE / ASCBIN (R_UTILS.ASM): a bad digit stays in A, upper-cased by HEXIN; the
    caller's `CMP #' '` then takes a SPACE typed second for a SPACE: the byte is kept."""
    host.type(b"|P01:2345")
    host.type(b"A", settle=0.3)
    assert host.type(b"7 ") == b"7 01:"
    assert host.type(b"\x1b") == READY
    assert host.board.bus.read(L.TPBR) == 0x01


def test_alter_registers_other_bad_digit_ends_the_command(host):
    """GET_BYTE: any other bad digit leaves carry set and A not a SPACE: ALTER_ERR."""
    host.type(b"A", settle=0.3)
    assert host.type(b"7G") == b"7G" + READY
    assert host.type(b"A", settle=0.3).endswith(b"\r")
    assert host.type(b"G7") == b"G7" + READY

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


# -- R_DEBUG.ASM: XS28OUT, P_HEADER, XS28ROM, FILL_Memory ---------------------------------------


def test_dump_keeps_its_format_and_line_count_in_ram(host):
    """G_XS28OUT stores DUMP_FLGS and LINE_MAX; XS28OUT clears LINE_CNT (`STX`, 16 bits)
    and XWH5 counts each line there."""
    bus = host.board.bus
    host.type(b"D000300000320", settle=0.3)
    host.type(b" ")
    assert bus.read(L.DUMP_FLGS) == 0x04  # Flag3: spaces and headers
    assert bus.read(L.LINE_MAX) | bus.read(L.LINE_MAX + 1) << 8 == 60
    assert bus.read(L.LINE_CNT) | bus.read(L.LINE_CNT + 1) << 8 == 2  # 3 lines, the last uncounted


def test_dump_it_goes_on_from_the_line_count_in_ram():
    """Dump_It enters P_HEADER without clearing LINE_CNT: a page ends LINE_MAX - LINE_CNT
    lines in (here after 1 line, then a form feed and the header again)."""
    from test_monitor_routines import start

    board = start(
        " ldx #$0300\n stx $5D\n stz $5F\n ldx #$031F\n stx $63\n stz $65\n"
        " ldx #1\n stx $AF\n lda #$04\n ldx #2\n jsl Dump_It\n brk #0\n"
    )
    out = board.uart3.host_receive()
    assert out.startswith(b"Address ")
    assert out.count(b"\x0cAddress ") == 1
    assert out.index(b"\x0c") > out.index(b"00:0300 ")
    assert out.index(b"\x0c") < out.index(b"00:0310 ")


def test_s28_load_clears_the_record_count_first(host):
    """XS28ROM: `STX <COUNT` with X = 0 before the first record."""
    bus = host.board.bus
    host.type(b"S1" + b"S2060003000102039E\r" + b"S804000000FB\r")
    assert bus.read(L.COUNT) == 0x01
    assert host.type(b"S804000000FB\r") == b"S  " + READY
    assert bus.read(L.COUNT) == 0x00


def test_s28_error_count_lives_in_ram_as_it_goes(host):
    """XLSS: `INC <ERRORS` acts on RAM: a record that writes over ERRORS ($6F) changes the
    count the loader goes on from (here the byte written is $00 and the record is good, so
    the count stays at -1 and the load ends with carry set)."""
    bus = host.board.bus
    from w65tool.image import srec_record

    record = srec_record(2, L.ERRORS, b"\x00")
    host.type(f"{record}\r".encode())
    assert bus.read(L.ERRORS) == 0xFF
    assert host.type(b"S804000000FB\r") == READY
    assert bus.read(L.ERRORS) == 0xFF


def test_fill_keeps_the_high_digit_in_temp_when_the_low_one_is_bad(host):
    """FILL_Memory: `STA <TEMP` after the first digit, before the second is read."""
    host.type(b"F000300000301", settle=0.2)
    host.type(b"7G")
    assert host.board.bus.read(L.TEMP) == 0x70


def test_register_display_leaves_its_table_length_in_tmpc(host):
    """DISP_REGS: `LDA #EBIT-DIRREG` / `STA <TMPC` / `STZ <TMPC+1` before the second REG_OUT."""
    host.type(b"R", settle=0.4)
    assert host.board.monitor.commands.r16(L.TMPC) == 4


def test_bad_first_digit_still_leaves_the_second_in_tmp6(host):
    """ASCBIN converts the second digit first and stores it in TMP6 before the first fails."""
    host.type(b"A", settle=0.3)
    host.type(b"G5")
    assert host.board.bus.read(L.TMP6) == 5

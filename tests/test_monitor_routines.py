"""ROM routines a program calls with JSL, run on the emulated board through asm/monitor.inc."""

from __future__ import annotations

import pytest

from w65tool.asm import assemble_source
from w65tool.board.board import Board
from w65tool.board.monitor import MonitorError
from w65tool.board.monitor import include as inc
from w65tool.board.monitor import layout as L

READY = b"\rREADY\r>"


def start(source: str, kind: str = "sxb", settle: float = 0.3) -> Board:
    """A board past its banner running `source` (assembled at $0300 with monitor.inc)."""
    board = Board(kind)
    board.run(seconds=0.3)
    board.uart3.host_receive()
    text = f' .include "monitor.inc"\n .org $0300\n .a8\n .i16\n{source}'
    board.load(assemble_source(text, include_dirs=("asm",)).image)
    board.go(0x0300)
    board.run(seconds=settle)
    return board


def saved(board: Board) -> dict[str, int]:
    """The registers the monitor saved at the program's BRK."""
    r16 = board.monitor.commands.r16
    return {
        "a": r16(L.ACC),
        "x": r16(L.XREG),
        "y": r16(L.YREG),
        "p": board.bus.read(L.FLGS),
        "pc": board.monitor.commands.r24(L.PCL),
    }


def test_monitor_inc_is_generated_from_the_routine_table():
    assert inc.INC_PATH.read_text() == inc.render()


def test_jump_table_addresses_are_the_roms():
    assert L.ROUTINES["GET_CHR"] == 0xE036
    assert L.ROUTINES["PUT_STR"] == 0xE04E
    assert L.ROUTINES["SELECT_COMMON_BAUD_RATE"] == 0xE060
    assert L.ROUTINES["RESET"] == 0xE084
    assert L.ROUTINES["ASCBIN"] == 0xE087
    assert L.ROUTINES["UPPER_CASE"] == 0xE0A3


def test_put_chr_and_send_hex_out_print():
    board = start(" lda #'>'\n jsl PUT_CHR\n lda #$A7\n jsl SEND_HEX_OUT\n jsl SEND_CR\n brk #0\n")
    assert board.uart3.host_receive().startswith(b">A7\r\r\rPCntr")


def test_put_str_prints_up_to_the_nul():
    board = start(' lda #0\n ldx #msg\n jsl PUT_STR\n brk #0\nmsg: .asciiz "hi!"\n')
    assert board.uart3.host_receive().startswith(b"hi!\r\rPCntr")


def test_get_chr_waits_for_a_byte_and_returns_it_in_a():
    board = start("loop: jsl GET_CHR\n inc a\n jsl PUT_CHR\n bra loop\n")
    board.uart3.host_send(b"HAL")
    board.run(seconds=0.05)
    assert board.uart3.host_receive() == b"\x11IBM"


def test_get_byte_from_pc_sets_carry_when_nothing_waits():
    board = start(" jsl GET_BYTE_FROM_PC\n brk #0\n")
    regs = saved(board)
    assert regs["p"] & 1
    assert regs["a"] & 0xFF == 0


def test_get_str_reads_an_echoed_line_into_memory():
    board = start(" lda #0\n ldx #$0400\n jsl GET_STR\n brk #0\n")
    board.uart3.host_send(b"ok\r")
    board.run(seconds=0.3)
    assert board.uart3.host_receive().startswith(b"\x11ok\r")
    assert bytes(board.bus.read(0x0400 + i) for i in range(4)) == b"ok\r\x00"
    assert not saved(board)["p"] & 1


def test_version_points_at_version_and_date_strings():
    board = start(" jsl VERSION\n brk #0\n")
    regs = saved(board)
    assert bytes(board.bus.read(regs["x"] + i) for i in range(4)) == b"2.07"
    assert bytes(board.bus.read(regs["y"] + i) for i in range(3)) == b"Mon"


def test_select_common_baud_rate_refuses_57600():
    board = start(" lda #$0C\n jsl SELECT_COMMON_BAUD_RATE\n brk #0\n")
    assert saved(board)["p"] & 1
    assert board.uart3.char_cycles() == 3840  # still 9600


@pytest.mark.parametrize(
    ("routine", "a_in", "a_out", "carry"),
    [
        ("HEXIN", ord("b"), 0x0B, 0),
        ("HEXIN", ord("g"), ord("G"), 1),
        ("ISHEX", ord("f"), ord("F"), 0),
        ("ISDECIMAL", ord("7"), ord("7"), 0),
        ("ISDECIMAL", ord("A"), ord("A"), 1),
        ("IFASC", 0x7F, 0x7F, 1),
        ("IFASC", ord("~"), ord("~"), 0),
        ("UPPER_CASE", ord("q"), ord("Q"), 1),
        ("BIN2DEC", 99, 0x99, None),
        ("BINASC", 0x3C, ord("C"), 0),
    ],
)
def test_converters(routine, a_in, a_out, carry):
    board = start(f" lda #{a_in}\n jsl {routine}\n brk #0\n")
    regs = saved(board)
    assert regs["a"] & 0xFF == a_out
    if carry is not None:
        assert regs["p"] & 1 == carry


def test_read_time_writes_the_clock_as_text():
    board = start(" ldx #$0400\n jsl READ_TIME\n brk #0\n")
    assert bytes(board.bus.read(0x0400 + i) for i in range(9)) == b"12:00:00\x00"


def test_clock_ticks_once_a_second_with_the_reset_compensation():
    board = start(" ldx #$0400\n jsl READ_TIME\n brk #0\n", settle=0.1)
    board.run(seconds=2.0)
    board.uart3.host_send(b"T\x1b")
    board.run(seconds=0.2)
    # the first tick after reset adds 3 seconds more (RES_COMP)
    assert b"\r12:00:05\r" in board.uart3.host_receive()


def test_set_date_rejects_month_13():
    board = start(' ldx #date\n jsl SET_DATE\n brk #0\ndate: .asciiz "13-01-99"\n')
    assert saved(board)["p"] & 1


def test_dumpregs_prints_the_saved_context_not_the_live_registers():
    board = start(" lda #$55\n jsl DUMPREGS\n brk #0\n")
    out = board.uart3.host_receive()
    # G put $0300 in the saved PC; A was saved as $0000 at reset
    assert out.startswith(b"\r\rPCntr     Acc    Xreg   Yreg   Stack\r00:0300   00 00")


def test_a_routine_called_with_16_bit_a_stops_with_an_error():
    board = Board("sxb")
    board.load(assemble_source(" .org $0300\n rep #$30\n jsl $E036\n").image)
    board.go(0x0300)
    with pytest.raises(MonitorError, match=r"GET_CHR \(\$00:E036\).*SEP #\$20"):
        board.run(seconds=0.1)


def test_put_str_with_8_bit_index_stops_with_an_error():
    board = Board("sxb")
    board.load(assemble_source(" .org $0300\n sep #$30\n jsl $E04E\n").image)
    board.go(0x0300)
    with pytest.raises(MonitorError, match="REP #\\$10"):
        board.run(seconds=0.1)


def test_jumping_into_the_rom_elsewhere_is_an_error():
    board = Board("sxb")
    board.load(assemble_source(" .org $0300\n jml $00E500\n").image)
    board.go(0x0300)
    with pytest.raises(MonitorError, match=r"\$00:E500"):
        board.run(seconds=0.1)


def test_a_programs_own_wdm_is_a_two_byte_nop():
    board = start(" wdm #$12\n lda #$77\n brk #0\n")
    assert saved(board)["a"] & 0xFF == 0x77


def test_rewritten_brk_slot_sends_brk_to_the_program():
    source = (
        " lda #$5C\n sta $0100\n rep #$20\n lda #handler\n sta $0101\n sep #$20\n"
        " stz $0103\n brk #0\n stp\nhandler: cli\n lda #'!'\n jsl PUT_CHR\nhang: bra hang\n"
    )
    board = start(source)
    assert board.uart3.host_receive() == b"!"


def test_nmi_enters_the_monitor_like_brk():
    board = start("loop: bra loop\n", settle=0.05)
    board.cpu.nmi()
    board.run(seconds=0.3)
    out = board.uart3.host_receive()
    assert b"\r00:0300 " in out or b"\r00:0302 " in out
    assert out.endswith(b"\r\r>")


def test_rom_reset_entry_restarts_the_monitor():
    board = start(" jml R_RESET\n")
    assert b"MENSCH ROM Version 2.07" in board.uart3.host_receive()


def test_emulation_mode_brk_restarts_the_monitor():
    board = start(" sec\n xce\n brk #0\n")
    assert b"MENSCH ROM Version 2.07" in board.uart3.host_receive()


def test_wdc_signature_at_0800_autostarts_after_reset():
    board = Board("sxb")
    board.bus.set_external_bus(True)
    board.bus.store(0x0800, b"WDC\x00\xdb")  # 'WDC', pad, STP at $0804
    board.reset()
    board.run(seconds=0.05)
    assert board.cpu.stopped
    assert board.cpu.pc == 0x0805

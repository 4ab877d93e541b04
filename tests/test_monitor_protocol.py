"""The emulated ROM monitor on its serial port, byte for byte.

Expected transcripts come from WDC's monitor source (R_MAIN.ASM, R_DEBUG.ASM, R_SBREAK.ASM,
ROM_IO.ASM) and, for the reset banner, from a raw capture of a real W65C265SXB.
"""

from __future__ import annotations

import pytest

from w65tool.board.board import Board
from w65tool.image import srec_record

READY = b"\rREADY\r>"

REAL_BOARD_RESET = (
    b"\x00\rMENSCH ROM Version 2.07\r (C) Copyright 1995\rAssembled Mon Feb  6 10:03:42 1995"
    b"\r\rPCntr     Acc    Xreg   Yreg   Stack\r00:E358   00 00  E0 B7  00 B3  01 FF  \r"
    b"\r  DirRg  F  DBk\r  00 00  22 00  \r\r\rStatus Reg\rN  V  M  X  D  I  Z  C\r"
    b"0  0  1  0  0  0  1  0  \r\r>"
)
"""What a W65C265SXB sends after reset, captured raw at 9600 baud."""


class Host:
    """The far end of the serial line: types, waits, and collects what the board says."""

    def __init__(self, kind: str = "sxb") -> None:
        self.board = Board(kind)
        self.banner = self.wait(0.3)
        self.wait(0.01)

    def wait(self, seconds: float) -> bytes:
        """Run the board for `seconds` of emulated time; what it sent meanwhile."""
        self.board.run(seconds=seconds)
        return self.board.uart3.host_receive()

    def type(self, text: bytes, settle: float = 0.05) -> bytes:
        """Send one character at a time, each after the board has had 3 ms, then settle."""
        out = bytearray()
        for c in text:
            self.board.uart3.host_send(bytes([c]))
            out += self.wait(0.003)
        return bytes(out + self.wait(settle)).replace(b"\x11", b"", 1)

    def program(self, source: str) -> dict[str, int]:
        """Assemble `source` and place it in memory; its symbols."""
        from w65tool.asm import assemble_source

        result = assemble_source(source, include_dirs=("asm",))
        self.board.load(result.image)
        return dict(result.symbols)


@pytest.fixture
def host() -> Host:
    return Host()


def test_reset_sends_what_a_real_board_sends(host):
    assert host.banner == REAL_BOARD_RESET


def test_mensch_board_sends_the_same_banner():
    assert Host("mensch").banner == REAL_BOARD_RESET


def test_first_byte_read_after_reset_sends_xon_before_the_echo():
    h = Host()
    h.board.uart3.host_send(b"\r")
    assert h.wait(0.05) == b"\x11\r?" + READY


def test_xon_is_sent_only_once_after_reset(host):
    host.type(b"\r")
    host.board.uart3.host_send(b"\r")
    assert host.wait(0.05) == b"\r?" + READY


def test_carriage_return_answers_question_mark_and_ready(host):
    assert host.type(b"\r") == b"\r?" + READY


def test_line_feed_at_the_prompt_is_ignored(host):
    assert host.type(b"\n") == b""


def test_unknown_command_is_echoed_then_question_mark(host):
    assert host.type(b"Q") == b"Q?" + READY


def test_commands_are_case_insensitive(host):
    assert host.type(b"r").startswith(b"r  \r\rPCntr")


def test_pipe_space_returns_the_saved_registers(host):
    assert host.type(b"| ") == b"|  00E358 0000 E0B7 00B3 01FF 0000 22 00 " + READY


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (b"|A1234", b"1234"),
        (b"|X00FF", b"00FF"),
        (b"|Y0102", b"0102"),
        (b"|S01F0", b"01F0"),
        (b"|D0300", b"0300"),
        (b"|F30", b"30"),
        (b"|B7E", b"7E"),
        (b"|P01:2000", b"012000"),
    ],
)
def test_pipe_writes_a_register_acked_unechoed(host, command, field):
    assert host.type(command) == b"|  \x06" + READY
    assert field in host.type(b"| ")


@pytest.mark.parametrize("command", [b"|a1234", b"|Q", b"|A12G4", b"|P012000"])
def test_pipe_bad_input_gets_nak(host, command):
    reply = host.type(command)
    assert reply.startswith(b"|  \x15" + READY)


def test_slash_carriage_return_gives_the_pointer(host):
    # the register display at reset left the pointer at the saved PC
    assert host.type(b"/\r") == b"/  00:E358" + READY


def test_slash_address_space_reads_and_advances(host):
    assert host.type(b"/E0B7 ") == b"/  4D" + READY  # 'M' of the banner
    assert host.type(b"/ ") == b"/  45" + READY
    assert host.type(b"/\r") == b"/  00:E0B9" + READY


def test_slash_bank_address_data_writes_and_reads_back(host):
    assert host.type(b"/00:0300A5") == b"/  A5" + READY
    assert host.board.bus.read(0x0300) == 0xA5
    assert host.type(b"/0300 ") == b"/  A5" + READY


def test_slash_data_space_writes_at_the_pointer(host):
    host.type(b"/0400 ")
    assert host.type(b"/5A ") == b"/  5A" + READY
    assert host.board.bus.read(0x0401) == 0x5A


def test_slash_write_to_rom_reads_back_the_rom(host):
    assert host.type(b"/E0B700") == b"/  4D" + READY


def test_slash_bad_hex_gets_nak(host):
    assert host.type(b"/0G") == b"/  \x15" + READY


def test_space_after_a_slash_write_runs_the_space_command(host):
    # /XXXXYY writes as its last digit arrives: a trailing SPACE reaches the prompt
    assert host.type(b"/03007F ") == b"/  7F" + READY + b"   00:0301 00" + READY


def test_greater_less_and_space_walk_the_pointer(host):
    host.type(b"/0300 ")
    assert host.type(b">") == b">  00:0302 00" + READY
    assert host.type(b"<") == b"<  00:0301 00" + READY


def test_register_display_after_r(host):
    reply = host.type(b"R", settle=0.4)
    assert reply == b"R  " + REAL_BOARD_RESET[REAL_BOARD_RESET.index(b"\r\rPCntr") : -2] + READY


def test_help_lists_the_commands(host):
    reply = host.type(b"?", settle=1.0)
    assert reply.startswith(b"?  \rM      Alter memory\r")
    assert reply.endswith(b"U      USER command\r\r" + READY)


def test_dump_prints_header_and_lines_then_waits_for_a_key(host):
    host.board.bus.store(0x0300, bytes(range(0x20)))
    reply = host.type(b"D000300000310", settle=0.3)
    header = b"Address " + b"".join(b"%X  " % (i & 0xF) for i in range(16))
    line0 = b"00:0300 " + b"".join(b"%02X " % i for i in range(16))
    line1 = b"00:0310 " + b"".join(b"%02X " % i for i in range(16, 32))
    assert reply == (
        b"D  \rEnter Lowest Address   BB:AAAA 00:0300\rEnter Highest Address  BB:AAAA 00:0310"
        b"\r" + header + b"\r\r" + line0 + b"\r" + line1 + b"\r"
    )
    assert host.type(b"x") == READY  # the key is not echoed


def test_address_prompt_escape_aborts(host):
    assert host.type(b"D00\x1b") == b"D  \rEnter Lowest Address   BB:AAAA 00:\x1b" + READY


def test_w_dumps_s28_records_and_an_s8(host):
    host.board.bus.store(0x0300, bytes(range(20)))
    reply = host.type(b"W000300000313", settle=0.3)
    records = (
        srec_record(2, 0x0300, bytes(range(16)))
        + "\r"
        + srec_record(2, 0x0310, bytes(range(16, 20)))
    )
    assert reply.endswith(b"\r" + records.encode() + b"\rS804000000FB")
    assert host.type(b" ") == READY


def test_fill_writes_both_ends(host):
    reply = host.type(b"F00030000030FAA", settle=0.2)
    assert reply.endswith(b"\rEnter Byte in HEX AA" + READY)
    assert host.board.bus.read(0x02FF) == 0
    assert all(host.board.bus.read(a) == 0xAA for a in range(0x0300, 0x0310))
    assert host.board.bus.read(0x0310) == 0


def test_b_writes_brk_at_the_address(host):
    host.board.bus.store(0x0300, b"\xea")
    assert host.type(b"B000300") == b"B  \rEnter Address  BB:AAAA 00:0300" + READY
    assert host.board.bus.read(0x0300) == 0


def test_s28_upload_acknowledges_each_record_by_count(host):
    records = [
        "S00600004844521B",
        srec_record(2, 0x0300, b"\x01\x02\x03"),
        srec_record(2, 0x0310, bytes(range(16))),
        "S804000000FB",
    ]
    reply = host.type("\r".join(records).encode() + b"\r")
    assert reply == b"S  .0001.0002.0003" + READY
    assert [host.board.bus.read(0x0300 + i) for i in range(3)] == [1, 2, 3]
    assert host.board.bus.read(0x031F) == 15


def test_s28_bad_checksum_answers_question_mark_and_goes_on(host):
    bad = srec_record(2, 0x0300, b"\x01\x02")[:-2] + "00"
    good = srec_record(2, 0x0310, b"\x07")
    reply = host.type(f"{bad}\r{good}\rS804000000FB\r".encode())
    assert reply == b"S  ?.0001" + READY


def test_s28_byte_that_does_not_read_back_answers_question_mark(host):
    # the ROM then counts that byte twice: the next digits are taken as the checksum
    record = srec_record(2, 0xE000, bytes(2))
    reply = host.type(f"{record}\rS804000000FB\r".encode())
    assert reply == b"S  ?" + READY


def test_s28_record_in_bank_1_is_stored_there_only_where_memory_exists(host):
    # the SXB has no memory above bank 0: the byte does not read back
    record = srec_record(2, 0x010000, b"UU")
    reply = host.type(f"{record}\rS804000000FB\r".encode())
    assert reply == b"S  ?" + READY


def test_go_starts_a_program_whose_brk_shows_the_registers(host):
    host.program(".org $0300\n sep #$20\n lda #$61\n ldx #$1234\n brk #0\n")
    reply = host.type(b"G000300", settle=0.3)
    assert reply.startswith(b"G  \rEnter Address  BB:AAAA 00:0300\r\rPCntr")
    assert b"\r00:0309   00 61  12 34  00 B3  01 FF  \r" in reply  # PC = BRK + 2
    assert reply.endswith(b"0  0  1  0  0  0  0  0  \r\r>")
    assert host.type(b"| ").startswith(b"|  000309 0061 1234")


def test_g_with_carriage_return_resumes_at_the_saved_pc(host):
    host.program(".org $0300\n brk #0\n nop\n brk #0\n")
    host.type(b"G000300", settle=0.3)
    reply = host.type(b"G\r", settle=0.3)
    assert reply.startswith(b"G  \rEnter Address  BB:AAAA \r\r\rPCntr")
    assert b"\r00:0305 " in reply


def test_jsl_program_returns_through_rtl_to_the_display_and_prompt(host):
    host.program(".org $0300\n rep #$30\n lda #$BEEF\n ldy #$4321\n rtl\n")
    reply = host.type(b"J000300", settle=0.3)
    assert b"\r00:0300   BE EF  E0 B7  43 21  01 FF  \r" in reply  # PC stays the J address
    assert reply.endswith(b"\r\r>")
    assert READY not in reply


def test_user_command_defaults_to_reset(host):
    reply = host.type(b"U", settle=0.4)
    assert reply.endswith(REAL_BOARD_RESET[1:])  # what was still queued is lost


def test_user_command_runs_the_page1_slot_and_returns_to_ready(host):
    host.program(".org $0300\n .a8\n lda #'!'\n jsl $E04B\n rtl\n")
    host.board.bus.store(0x012C, b"\x5c\x00\x03\x00")  # JML $000300
    assert host.type(b"U") == b"U  !" + READY


def test_time_command_shows_the_clock_and_sets_it(host):
    reply = host.type(b"T", settle=0.1)
    assert reply.startswith(b"T  \r12:00:0")
    assert reply.endswith(b"\rENTER NEW TIME  \r")
    assert host.type(b"13:45:10\r").endswith(b"13:45:10\r" + READY)
    assert host.type(b"T\x1b").startswith(b"T  \r13:45:1")


def test_date_command_shows_the_default_date(host):
    reply = host.type(b"N\x1b")
    assert reply == b"N  \r07-01-93\rENTER NEW DATE  \r\x1b" + READY


def test_input_streamed_while_the_monitor_prints_loses_the_oldest_bytes(host):
    # the whole command at once: the address prompt takes 30 ms to print, meanwhile the
    # 10-byte ring (9 usable) keeps only the newest characters
    host.board.uart3.host_send(b"D000300000310")
    reply = host.wait(0.3)
    assert b"00:0300" not in reply


def test_alter_memory_types_bytes_over_a_line(host):
    reply = host.type(b"M000300", settle=0.2)
    assert reply.endswith(b"\r00:0300 ")
    assert host.type(b"12 34\r") == b"12  \x0800 34 \r" + READY
    assert host.board.bus.read(0x0300) == 0x12
    assert host.board.bus.read(0x0302) == 0x34


def test_star_reprints_the_banner(host):
    host.type(b"J000300", settle=0.05)  # nothing there: BRK ($00) at once
    reply = host.type(b"*", settle=0.4)
    assert reply.endswith(
        b"\rMENSCH ROM Version 2.07\r (C) Copyright 1995\rAssembled Mon Feb  6 10:03:42 1995\r>"
    )


@pytest.mark.parametrize("escape", [False, True])
def test_loader_recovery_escapes_a_record_whose_count_went_odd(escape):
    from w65tool.target.link import Link
    from w65tool.target.uart_port import UartPort
    from w65tool.target.upload import _recover

    host = Host()
    link = Link(UartPort(host.board), slack=0.1)
    # Bank 1 has no memory: a pair reads back only as FF (count - 1), any other costs the
    # ROM's count two. 16 - 2 - 2 - 1 - 2 leaves 9, and from an odd count CRs alone step
    # over zero for ever.
    link.write(b"S2140100000102FF03\r")
    link.drain(0.05)
    _recover(link, 9, 45, escape=escape)
    link.write(b"S804000000FB\r")
    ended = READY in link.drain(0.1)
    assert ended is escape


def test_client_releases_output_held_by_a_damaged_byte_that_became_xoff(host):
    from w65tool.target.monitor import MonitorTarget
    from w65tool.target.uart_port import UartPort

    host.board.uart3.host_send(b"\x13")  # `3`, `S` or ESC with one bit flipped
    host.wait(0.01)
    target = MonitorTarget("uart3", serial=UartPort(host.board), timeout=0.1, retries=0)
    assert target.read_registers().pc == 0x00E358


def _run_in_thread(board: Board, seconds: float) -> bool:
    """Run the board for `seconds` of emulated time in a thread; True when it came back."""
    import threading

    thread = threading.Thread(target=board.run, kwargs={"seconds": seconds}, daemon=True)
    thread.start()
    thread.join(timeout=60)
    return not thread.is_alive()


def test_spoilt_ring_pointers_cannot_hold_the_board_in_one_step(host):
    """A program (or a load) that writes over the input ring's pointers makes the ring look
    never empty; the monitor then reads for ever, as the ROM would, but emulated time must go
    on, so `run()` ends and the board can be stopped or reset."""
    from w65tool.board.monitor import layout as L

    bus = host.board.bus
    ring = bus.read(L.SIN_BUF3) | bus.read(L.SIN_BUF3 + 1) << 8
    for i in range(L.RING_SIZE):
        bus.write(ring + i, 0x0A)  # line feeds: the prompt ignores them and reads on
    bus.write(L.SINCNT3, 0)  # a ring of size 0: the taking index never meets the storing one
    host.board.uart3.host_send(b"\n")  # wakes the monitor, which then reads on and on
    before = host.board.cycles
    assert _run_in_thread(host.board, 0.05)
    assert host.board.cycles - before >= 0.05 * 3_686_400
    assert host.board.uart3.host_receive() == b""  # nothing said: the line feeds are ignored
    host.board.reset()
    assert host.wait(0.3).endswith(b">")

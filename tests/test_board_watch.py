"""Watchpoints on the emulated board: a run stops after the instruction that read or wrote
a watched byte, naming it; unwatched pages keep the fast path."""

from __future__ import annotations

import pytest

from w65tool.asm import assemble_source
from w65tool.board.board import Board
from w65tool.board.bus import Watch
from w65tool.target.emulator import EmulatedTarget

PROGRAM = """\
        .org $0200
        .a8
        .i8
start:  lda #$05
        sta $0280       ; $0202: the write
        lda $0281       ; $0205: the read
loop:   inc $0290       ; $0208: other bytes of the same page
        bra loop
"""


@pytest.fixture
def board():
    board = Board()
    board.wait_for_prompt()
    board.load(assemble_source(PROGRAM, "w.asm").image)
    board.go(0x0200)
    return board


def test_a_write_stops_the_run_after_the_instruction_and_names_it(board):
    board.set_watches([Watch(0x0280, 0x0280, "write")])
    assert board.run(seconds=0.1) == "watchpoint"
    hit = board.watch_hit
    assert (hit.address, hit.access, hit.value, hit.pc) == (0x0280, "write", 0x05, 0x0202)
    assert board.cpu.pc == 0x0205  # the sta is done, the lda not yet


def test_a_read_watch_ignores_writes_and_the_instructions_own_bytes(board):
    board.set_watches([Watch(0x0280, 0x0281, "read"), Watch(0x0205, 0x0207, "read")])
    assert board.run(seconds=0.1) == "watchpoint"
    hit = board.watch_hit
    assert (hit.address, hit.access, hit.pc) == (0x0281, "read", 0x0205)


def test_other_bytes_of_a_watched_page_run_on_and_removing_the_watch_unhooks_the_page(board):
    board.set_watches([Watch(0x0270, 0x0270, "access")])
    assert board.run(seconds=0.01) == "cycles"  # the page is hooked, nothing watched is hit
    assert board.bus.ram[0x0290] > 0 and board.watch_hit is None
    board.set_watches([])
    assert board.bus.read_hooks[0x02] == 0 and board.bus.write_hooks[0x02] == 0
    assert not board.cpu.exact


def test_an_io_register_can_be_watched_and_keeps_working(board):
    board.set_watches([Watch(0xDF23, 0xDF23, "write")])  # PD7
    board.load(assemble_source("  .org $0200\n  .a8\n  lda #$0F\n  sta $DF23\n  stp\n", "p").image)
    board.go(0x0200)
    assert board.run(seconds=0.1) == "watchpoint"
    assert board.ports.pin_levels(7) & 0x0F == 0x0F  # the write reached the port


def test_the_debugger_reading_memory_does_not_hit_a_watchpoint(board):
    target = EmulatedTarget(board=board)
    target.set_watchpoints([Watch(0x0280, 0x0281, "access")])
    assert target.read_memory(0x0280, 2) == bytes(board.bus.ram[0x0280:0x0282])
    target.write_memory(0x0281, b"\x07")
    assert target.take_watch_hit() is None
    assert target.run_for(seconds=0.1) == "watchpoint"
    assert target.take_watch_hit().address == 0x0280
    assert target.take_watch_hit() is None  # taken once

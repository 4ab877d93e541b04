"""The TUI's breakpoints, step and continue on `w65 sim`: run control by BRK through the monitor."""

from __future__ import annotations

import os

import pytest
from test_tui_sim import notices, open_tui, type_into, value
from tui_sim_board import BoardProcess
from tui_support import async_test, screen_text, settle, until

from w65tool.tui.widgets.disassembly import DisassemblyView
from w65tool.tui.widgets.status_bar import StatusBar

pytest.importorskip("serial")
pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")

PROGRAM = """\
; counts X to 3, leaves it in RAM, returns to the monitor with BRK
        .org $1000
start:  sep #$30        ; 8-bit A and X (the monitor starts code with 16-bit X)
        .a8
        .i8
        ldx #0
loop:   inx
        cpx #3
        bne loop
        stx $2100
        brk
        .byte 0
"""
"""`start` $1000, `loop` $1004 (INX), CPX at $1005, BNE at $1007, STX at $1009."""

LOOP, CPX, MARK = 0x1004, 0x1005, 0x2100


@async_test
async def test_breakpoint_step_continue_on_the_board_through_the_monitor(tmp_path):
    source = tmp_path / "count.asm"
    source.write_text(PROGRAM)
    with BoardProcess() as board:
        app, _ = open_tui(board.port, str(source))  # uploaded at start
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: value(app, "#address") == "00:1000", "the upload")
            await settle(pilot)
            subtitle = str(app.query_one(DisassemblyView).border_subtitle)
            assert "BRK" in subtitle and "no stop" in subtitle
            text = screen_text(app)  # the saved PC is the sim's ROM, which holds only traps
            assert "wdm #$42" not in text
            assert "ROM_START" in text and "w65 sim" in text
            await type_into(pilot, "#breakpoint", "loop")
            await settle(pilot)
            await pilot.press("f2")  # JML start, the breakpoint written in as it starts
            await until(pilot, lambda: "halted: breakpoint" in notices(app), "the breakpoint")
            await settle(pilot)
            assert value(app, "#reg-pc") == f"00:{LOOP:04X}"
            assert board.peek(LOOP) == b"\xe8"  # INX again, not BRK
            await pilot.press("f7")  # step: a temporary BRK after the INX
            await settle(pilot)
            assert value(app, "#reg-pc") == f"00:{CPX:04X}"
            assert value(app, "#reg-x") == "0001"
            await pilot.press("f5")  # continue: off the step, round the loop to the breakpoint
            at_loop = f"00:{LOOP:04X}"
            await until(pilot, lambda: value(app, "#reg-pc") == at_loop, "the breakpoint again")
            await settle(pilot)
            assert value(app, "#reg-x") == "0001"  # the step's INX, not another one
            await type_into(pilot, "#breakpoint", "clear")
            await settle(pilot)
            await pilot.press("f5")  # on to the program's own BRK
            await until(pilot, lambda: "halted: brk" in notices(app), "the program's BRK")
            await settle(pilot)
            assert board.peek(MARK) == b"\x03" and board.peek(LOOP) == b"\xe8"
            await pilot.press("f6")
            await settle(pilot)
            assert "Stop: " in app.query_one(StatusBar).error
            assert "reset button" in app.query_one(StatusBar).error
            await pilot.press("f12")
            await until(pilot, lambda: "reset wire" in app.query_one(StatusBar).error, "Reset")
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert "Lap: " in app.query_one(StatusBar).error
            await type_into(pilot, "#breakpoint", "w 1000")
            await settle(pilot)
            error = app.query_one(StatusBar).error
            assert "no watchpoints" in error and "data breakpoints" in error
            assert value(app, "#breakpoint") == "w 1000"  # kept, as every refused entry

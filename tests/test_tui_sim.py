"""The TUI on `w65 sim`'s virtual board: the serial target on a real pseudo-terminal.

Each test opens the app the way `w65 tui --port PORT` does and drives it with the pilot;
what reached the board is checked on the board itself (its RAM, the monitor's saved
registers, its lamp), which runs in a child process (`tui_sim_board`).
"""

from __future__ import annotations

import os

import pytest
from textual.widgets import Input, ProgressBar
from tui_sim_board import BoardProcess
from tui_support import async_test, screen_text, settle, type_into, until

from w65tool.cli import build_parser
from w65tool.cli.tui_cmd import build_app
from w65tool.tui.widgets.console import ConsoleView
from w65tool.tui.widgets.status_bar import StatusBar
from w65tool.tui.widgets.upload import UploadPanel

pytest.importorskip("serial")
pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")

PROGRAM = """\
; lights the SXB's lamp, leaves a mark in RAM, returns to the monitor with BRK
        .org $1000
        .a8
        .i8
start:  lda #$04
        trb $DF27       ; PCS7 bit 2 off: P72 is a plain output
        lda #$FB
        sta $DF23       ; P72 low: the SXB's lamp on
        lda #$A5
        sta $2100       ; the mark
        brk
        .byte 0
double: pha             ; for JSL: print '*', then A = 2 * A
        lda #'*'
        jsl $E04B       ; PUT_CHR
        pla
        asl a
        rtl
"""
"""Assembled: 27 bytes at $1000, `start` $1000, the BRK at $100F, `double` $1011."""

START, BRK, DOUBLE, MARK = 0x1000, 0x100F, 0x1011, 0x2100


@pytest.fixture
def board():
    """The virtual SXB on a pty, unpaced (the line is as fast as the emulation)."""
    with BoardProcess() as process:
        yield process


def open_tui(port: str, *options: str):
    """The app and its options, built as `w65 tui --port PORT [options]` builds them."""
    args = build_parser("tui").parse_args(["tui", "--port", port, *options])
    return build_app(args), args


async def upload(pilot, path) -> None:
    """Upload the file through the Upload field and wait for its verify result."""
    await type_into(pilot, "#upload-path", str(path))
    panel = pilot.app.query_one(UploadPanel)
    await until(pilot, lambda: "loaded and verified" in panel.report, "the upload")
    await settle(pilot)


def value(app, selector: str) -> str:
    return app.query_one(selector, Input).value


def notices(app) -> str:
    """The notifications shown so far, one a line."""
    return "\n".join(str(n.message) for n in app._notifications)


class TestRegisters:
    @async_test
    async def test_get_reads_what_the_monitor_saved_and_marks_changes(self, board):
        app, _ = open_tui(board.port)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert value(app, "#reg-pc") == "00:E358" and value(app, "#reg-x") == "E0B7"
            assert "saved by the monitor" in screen_text(app)
            board.save("x", 0xABCD)  # behind the TUI's back
            await pilot.press("f4")
            await settle(pilot)
            assert value(app, "#reg-x") == "ABCD"
            assert app.query_one("#reg-x").has_class("-changed")
            assert not app.query_one("#reg-y").has_class("-changed")

    @async_test
    async def test_an_edited_register_is_set_in_the_monitor_and_read_back(self, board):
        app, _ = open_tui(board.port)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#reg-a", "1234")
            await settle(pilot)
            assert board.saved("a") == 0x1234
            assert value(app, "#reg-a") == "1234"
            assert app.query_one("#reg-a").has_class("-changed")
            assert "A set" in notices(app)

    @async_test
    async def test_a_clicked_flag_is_toggled_in_the_monitor(self, board):
        app, _ = open_tui(board.port)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            before = board.saved("p")
            await pilot.click("#flag-c")
            await settle(pilot)
            assert board.saved("p") == before ^ 0x01
            assert value(app, "#reg-p") == f"{before ^ 0x01:02X}"
            assert app.query_one("#flag-c").has_class("-on") != bool(before & 0x01)
            assert app.query_one("#flag-c").has_class("-changed")


class TestMemory:
    @async_test
    async def test_memory_is_read_and_edited_in_place_through_the_monitor(self, board):
        board.store(0x2000, b"Hello, SXB!")
        app, _ = open_tui(board.port)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#memory-address", "2000")
            await settle(pilot)
            assert "00:2000  48 65 6C 6C 6F 2C 20 53 58 42 21" in screen_text(app)
            assert "Hello, SXB!" in screen_text(app)
            await pilot.press("right", "6", "1")  # 'e' becomes 'a'
            await settle(pilot)
            assert board.peek(0x2000, 5) == b"Hallo"
            assert "00:2000  48 61 6C" in screen_text(app)


class TestProgram:
    @async_test
    async def test_upload_assembles_loads_and_verifies_with_progress(self, board, tmp_path):
        source = tmp_path / "lamp.asm"
        source.write_text(PROGRAM)
        app, _ = open_tui(board.port)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            panel = app.query_one(UploadPanel)
            steps: list[tuple[int, int, str]] = []
            shown = panel.progress

            def progress(done: int, total: int, phase: str = "sending") -> None:
                steps.append((done, total, phase))
                shown(done, total, phase)

            panel.progress = progress
            await upload(pilot, source)
            assert "loaded and verified 27 bytes: 00:1000-00:101A" in panel.report
            sending = [s for s in steps if s[2] == "sending"]
            assert sending[-1] == (27, 27, "sending") and len(sending) >= 2  # two S28 records
            assert steps[-1] == (27, 27, "verifying")  # then the read-back
            bar = app.query_one("#upload-progress", ProgressBar)
            assert bar.percentage == 1.0
            assert value(app, "#address") == "00:1000"  # the entry, ready for F2
            assert app.symbols["double"] == DOUBLE
            assert board.peek(START, 4) == bytes([0xA9, 0x04, 0x1C, 0x27])

    @async_test
    async def test_jml_starts_the_program_which_lights_the_lamp(self, board, tmp_path):
        source = tmp_path / "lamp.asm"
        source.write_text(PROGRAM)
        app, _ = open_tui(board.port, str(source))  # uploaded at start, as FILE does
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: value(app, "#address") == "00:1000", "the upload")
            await settle(pilot)
            assert board.peek(MARK) == b"\x00"
            await pilot.click("#jml")
            await until(pilot, lambda: board.peek(MARK) == b"\xa5", "the program's mark")
            assert board.leds()["P72"] is True
            await settle(pilot)
            assert "JML 00:1000: started" in notices(app)
            # BRK brings the monitor back with its register display, in the console
            console = app.query_one(ConsoleView)
            await until(pilot, lambda: "PCntr" in console.text, "the register display")
            await pilot.press("f4")
            await settle(pilot)
            assert value(app, "#reg-pc") == f"00:{BRK + 2:04X}"
            assert app.query_one(StatusBar).state == "halted"  # at its own BRK

    @async_test
    async def test_jsl_calls_a_routine_and_shows_what_it_returns(self, board, tmp_path):
        source = tmp_path / "lamp.asm"
        source.write_text(PROGRAM)
        app, _ = open_tui(board.port)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await upload(pilot, source)
            await type_into(pilot, "#reg-a", "0021")
            await settle(pilot)
            app.query_one("#address", Input).value = "double"  # a symbol from the upload
            await pilot.press("f3")
            await settle(pilot)
            assert value(app, "#reg-a") == "0042"
            assert board.saved("a") == 0x42
            assert "JSL 00:1011: returned" in notices(app)
            assert "*" in app.query_one(ConsoleView).text  # what the routine printed


class TestConsole:
    @async_test
    async def test_a_typed_line_reaches_the_monitor_and_its_answer_shows(self, board):
        app, _ = open_tui(board.port)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            console = app.query_one(ConsoleView)
            await type_into(pilot, "#console-input", "/00:2000")
            await until(pilot, lambda: "READY" in console.text, "the monitor's answer")
            assert "/" in console.text
            # the monitor still answers the TUI's own commands afterwards
            await type_into(pilot, "#reg-y", "0077")
            await settle(pilot)
            assert board.saved("y") == 0x77


class TestConnection:
    @async_test
    async def test_a_pulled_cable_shows_disconnected_and_ctrl_r_opens_the_port_again(self):
        with BoardProcess() as first, BoardProcess() as second:
            app, _ = open_tui(first.port)
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)
                status = app.query_one(StatusBar)
                assert status.state == "connected"
                first.hang_up()  # the line goes away, as an unplugged USB adapter does
                await until(pilot, lambda: status.state == "disconnected", "disconnected")
                assert "connection lost" in status.error
                await pilot.press("ctrl+r")  # plugged in again, on a new pty: typed in
                await until(pilot, lambda: app.screen.query("#port-path"), "the port dialog")
                app.screen.query_one("#port-path", Input).value = second.port
                await pilot.press("enter")
                await until(pilot, lambda: status.state == "connected", "connected again")
                await settle(pilot)
                assert status.target == f"{second.port} at 9600 baud" and status.error == ""
                await type_into(pilot, "#reg-a", "4321")
                await settle(pilot)
                assert second.saved("a") == 0x4321

"""The emulated board's debugger in the TUI: go to, run to cursor, breakpoints by
file:line and symbol, watchpoints, the watch panel and the stack view."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label
from tui_support import BLINK, async_test, screen_text, settle, type_into, until

from w65tool.target.emulator import EmulatedTarget
from w65tool.tui import make_app
from w65tool.tui.screens.goto import GoToScreen
from w65tool.tui.widgets.disassembly import DisassemblyView

START, LOOP, SUB, DOUBLE = 0x00C0, 0x00C5, 0x00CE, 0x00D0


@pytest.fixture
def blink(tmp_path):
    """BLINK as a source file, for the TUI to assemble and upload (so it has a debug map)."""
    path = tmp_path / "blink.asm"
    path.write_text(BLINK)
    return path


async def loaded(pilot, app) -> None:
    """Wait for the upload given at start, then halt the board at `start`."""
    await until(pilot, lambda: app.debug_map is not None and app.busy is None, "upload")
    await settle(pilot)
    app.session.target.write_cpu_registers(pc=START, p=0x30)
    await pilot.press("f4")
    await settle(pilot)


def app_for(program) -> object:
    target = EmulatedTarget()
    target.board.wait_for_prompt()
    return make_app(target, running=False, program=str(program))


def cursor_row(app) -> str:
    return next(line for line in screen_text(app).splitlines() if "›" in line)


class TestGoTo:
    @async_test
    async def test_g_goes_to_a_symbol_and_a_bad_entry_stays_with_the_reason(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot, app)
            app.query_one(DisassemblyView).focus()
            await pilot.press("g")
            await until(pilot, lambda: isinstance(app.screen, GoToScreen), "the dialog")
            field = app.screen.query_one("#goto-input", Input)
            field.value = "nowhere"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, GoToScreen)  # still open, the text kept
            assert field.value == "nowhere"
            assert "not hex and not a known symbol" in str(
                app.screen.query_one("#goto-error", Label).render()
            )
            field.value = "double"
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, GoToScreen)
            assert app.query_one(DisassemblyView).cursor == DOUBLE
            assert "asl a" in cursor_row(app)

    @async_test
    async def test_g_takes_hex_and_file_line_and_p_goes_back_to_the_pc(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot, app)
            for text, row in (("00:00CE", "sub:    nop"), ("blink.asm:13", "double: asl a")):
                await pilot.press("g")
                await until(pilot, lambda: isinstance(app.screen, GoToScreen), "the dialog")
                app.screen.query_one("#goto-input", Input).value = text
                await pilot.press("enter")
                await settle(pilot)
                assert row in cursor_row(app)
            await pilot.press("p")
            await settle(pilot)
            assert "›" not in screen_text(app)
            assert app.code_anchor is None


class TestRunToCursor:
    @async_test
    async def test_c_runs_to_the_cursor_line_and_the_temporary_breakpoint_goes(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot, app)
            target = app.session.target
            view = app.query_one(DisassemblyView)
            view.focus()
            for _ in range(5):  # start, sta, loop: inc, sta, jsr ... down to `jsr sub`
                await pilot.press("down")
            await pilot.press("down")
            assert view.cursor == SUB
            await pilot.press("c")
            await until(pilot, lambda: not app.session.running and app.busy is None, "halt")
            await settle(pilot)
            assert target.cpu_registers().pc == SUB
            assert target.breakpoints == set()
            assert view.breakpoints == frozenset()
            assert "none" in str(app.query_one("#breakpoint-list").render())
            assert view.cursor is None  # the view follows the PC again

    @async_test
    async def test_a_stop_before_the_cursor_removes_the_temporary_breakpoint(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot, app)
            target = app.session.target
            app.run_to(0x00F0)  # never reached: past the program
            await until(pilot, lambda: app.session.running, "running")
            assert 0x00F0 in target.breakpoints
            assert "00:00F0" not in str(app.query_one("#breakpoint-list").render())
            await pilot.press("f6")
            await until(pilot, lambda: not target.breakpoints, "the breakpoint removed")


async def break_field(pilot, text: str) -> None:
    await type_into(pilot, "#breakpoint", text, click=False)
    await settle(pilot)


def break_list(app) -> str:
    return str(app.query_one("#breakpoint-list").render())


class TestBreakpointPanel:
    @async_test
    async def test_file_line_and_symbol_breakpoints_are_listed_and_managed(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot, app)
            target = app.session.target
            await break_field(pilot, "blink.asm:11")  # sub: nop
            await break_field(pilot, "loop")
            assert target.breakpoints == {SUB, LOOP}
            listed = break_list(app)
            assert "00:00CE sub blink.asm:11" in listed and "00:00C5 loop blink.asm:7" in listed
            await break_field(pilot, "!blink.asm:11")
            assert target.breakpoints == {LOOP} and "(off)" in break_list(app)
            await break_field(pilot, "!sub")  # armed again
            assert target.breakpoints == {SUB, LOOP}
            await break_field(pilot, "-loop")
            assert target.breakpoints == {SUB}
            await break_field(pilot, "blink.asm:2")  # .org makes no code: says so, kept
            assert "line 2 made no code" in app.query_one("#status").error
            assert app.query_one("#breakpoint", Input).value == "blink.asm:2"
            await break_field(pilot, "other.asm:3")
            assert "no source file other.asm (known: blink.asm)" in app.query_one("#status").error
            await break_field(pilot, "00C7")  # the operand of `sta $DF23` at $00C6
            error = app.query_one("#status").error
            assert "00:00C7 is inside the bytes of blink.asm:8, which start at 00:00C6" in error
            assert app.query_one("#breakpoint", Input).value == "00C7"
            assert target.breakpoints == {SUB}
            await break_field(pilot, "clear")
            assert target.breakpoints == set() and "none" in break_list(app)

    @async_test
    async def test_every_breakpoint_is_listed_and_the_list_scrolls(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(pilot, app)
            wanted = [0x0200 + 4 * n for n in range(8)]
            for address in wanted:
                await break_field(pilot, f"{address:04X}")
            assert app.session.target.breakpoints == set(wanted)
            listed = break_list(app).splitlines()
            assert len(listed) == 8
            scroll = app.query_one("#breakpoint-scroll")
            assert scroll.size.height < 8 <= scroll.virtual_size.height
            scroll.scroll_end(animate=False)
            await until(pilot, lambda: "00:021C" in screen_text(app), "the last one shown")


def notices(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


class TestWatchpoints:
    @async_test
    async def test_a_write_watch_stops_the_run_naming_address_access_and_pc(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot, app)
            await break_field(pilot, "w PD7")  # the chip's register name
            assert "◆ write 00:DF23 PD7" in break_list(app)
            await pilot.press("f5")
            await until(pilot, lambda: "watchpoint" in notices(app), "the watchpoint's stop")
            await settle(pilot)
            assert not app.session.running
            assert "watchpoint: write of 00:DF23 ($01) by the instruction at 00:00C6" in notices(
                app
            )
            assert app.session.target.cpu_registers().pc == 0x00C9  # after the sta

    @async_test
    async def test_a_read_range_watch_stops_step_out_and_the_same_command_removes_it(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot, app)
            target = app.session.target
            target.write_cpu_registers(s=0x01FF)
            await break_field(pilot, "rw 01F0-01FF")  # the stack: JSR writes it
            assert target.watchpoints and "◆ access 00:01F0-00:01FF" in break_list(app)
            await pilot.press("f11")  # step out of the main loop: the jsr's push stops it
            await until(pilot, lambda: "watchpoint" in notices(app), "the watchpoint's stop")
            assert "step out stopped: watchpoint: write of 00:01FF ($00)" in notices(app)
            await break_field(pilot, "rw 01F0-01FF")
            assert not target.watchpoints and "◆" not in break_list(app)
            await break_field(pilot, "w 0200-0100")
            assert "the end is before the start" in app.query_one("#status").error


async def watch_field(pilot, text: str) -> None:
    await type_into(pilot, "#watch-input", text, click=False)
    await settle(pilot)


def watch_text(app) -> str:
    return str(app.query_one("#watch-values").render())


def stack_text(app) -> str:
    return str(app.query_one("#stack-view").render())


class TestWatchPanel:
    @async_test
    async def test_expressions_follow_each_step(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot, app)
            target = app.session.target
            target.write_memory(0x0200, b"\x34\x12")
            for text in ("a", "X", "[0200]", "[0200].w", "loop", "PC", "[PD7]"):
                await watch_field(pilot, text)
            shown = watch_text(app)
            assert "[0200] = $34" in shown and "[0200].w = $1234" in shown
            assert "loop = 00:00C5 [$1A]" in shown and "PC = 00:00C0" in shown
            assert "[PD7] = (an I/O register: not read" in shown
            await pilot.press("f7", "f7", "f7")  # lda #0, sta, inc a: A = 1
            await settle(pilot)
            assert "A = $0001" in watch_text(app)
            assert "PC = 00:00C6" in watch_text(app)
            await watch_field(pilot, "[nowhere]")
            assert "not hex and not a known symbol" in app.query_one("#status").error
            assert app.query_one("#watch-input", Input).value == "[nowhere]"
            await watch_field(pilot, "-[0200]")
            assert "[0200] = " not in watch_text(app) and "[0200].w" in watch_text(app)
            await watch_field(pilot, "clear")
            assert "no watch expressions" in watch_text(app)

    @async_test
    async def test_the_stack_names_a_jsr_return_address_by_its_label(self, blink):
        app = app_for(blink)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot, app)
            target = app.session.target
            target.write_cpu_registers(pc=0x00C9, s=0x01FF)  # at `jsr sub`
            await pilot.press("f7")  # into sub: the return address is on the stack
            await settle(pilot)
            stack = stack_text(app)
            assert "Stack (S=01FD)" in stack
            assert "00:01FE  CB 00     return to 00:00CC loop+7 (jsr)" in stack


def test_a_jsl_return_address_is_three_bytes_named_by_the_label_before_it():
    from w65tool.target.base import Registers
    from w65tool.tui.inspect import stack_lines

    memory = bytearray(0x20000)
    memory[0x012000:0x012004] = bytes([0x22, 0x00, 0x30, 0x01])  # jsl $013000
    memory[0x01F0:0x01F4] = bytes([0x03, 0x20, 0x01, 0x77])  # pushed $012003, then a byte
    registers = Registers(pc=0x013000, a=0, x=0, y=0, s=0x01EF, d=0, p=0x30, dbr=0, e=0)
    lines = stack_lines(registers, lambda a, n: bytes(memory[a : a + n]), {0x012000: "main"}, 4)
    assert lines == [
        "00:01F0  03 20 01  return to 01:2004 main+4 (jsl)",
        "00:01F3  77",
    ]

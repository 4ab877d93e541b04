"""The TUI's controls, driven as a person would (pilot clicks and keys), on the emulated board."""

from __future__ import annotations

import time

import pytest
from textual import events
from textual.widgets import Button, Input
from tui_support import (
    async_test,
    blink_image,
    press,
    screen_text,
    settle,
    type_into,
    until,
)

from w65tool.target.emulator import EmulatedTarget
from w65tool.tui import make_app
from w65tool.tui.screens.help import HelpScreen
from w65tool.tui.widgets.console import ConsoleView
from w65tool.tui.widgets.hex_grid import HexGrid
from w65tool.tui.widgets.registers import RegisterPanel
from w65tool.tui.widgets.status_bar import StatusBar
from w65tool.tui.widgets.upload import UploadPanel

START, LOOP, SUB, DOUBLE = 0x00C0, 0x00C5, 0x00CE, 0x00D0


@pytest.fixture
def target():
    """The emulated Mensch board with the blink program loaded, halted at `start`."""
    target = EmulatedTarget("mensch")
    image, _ = blink_image()
    target.load(image)
    target.board.go(START)
    return target


@pytest.fixture
def symbols():
    return blink_image()[1]


def app_for(target, symbols=None, **kwargs):
    return make_app(target, symbols=symbols, running=False, **kwargs)


def pc(target) -> int:
    return target.cpu_registers().pc


class TestJumps:
    @async_test
    async def test_jml_button_starts_the_program_at_the_typed_address(self, target):
        """Typing an address and pressing JML starts the code there, and the board runs."""
        target.board.go(SUB)  # somewhere else first
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.click("#address")
            await pilot.press(*"00:00C0")
            await pilot.click("#jml")
            status = app.query_one(StatusBar)
            await until(pilot, lambda: status.state == "running", "the status says running")
            assert app.session.running
            await press(pilot, "f6")  # stop
            await until(pilot, lambda: not app.session.running, "the board stopped")
            await settle(pilot)
            assert LOOP <= pc(target) <= SUB + 1
            assert target.board.ports.pin_levels(7) != 0xFF  # the program wrote the lamps

    @async_test
    async def test_f2_jumps_to_a_symbol(self, target, symbols):
        """F2 is JML for the Address field, which takes symbol names."""
        target.board.go(SUB)
        app = app_for(target, symbols)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.query_one("#address", Input).value = "start"
            await press(pilot, "f2")
            await until(pilot, lambda: app.session.running, "the board runs")

    @async_test
    async def test_a_bad_address_is_reported_and_nothing_runs(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#address", "nowhere")
            await settle(pilot)
            assert not app.session.running
            error = app.query_one(StatusBar).error
            assert "JML" in error and "'nowhere'" in error and "not hex" in error


class TestRegisters:
    @async_test
    async def test_editing_a_register_sends_it_to_the_target(self, target):
        """A value typed in the A field reaches the halted CPU and the saved registers."""
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#reg-a", "1234")
            await settle(pilot)
            assert target.cpu_registers().a == 0x1234
            assert target.read_registers().a == 0x1234
            assert app.query_one("#reg-a", Input).value == "1234"

    @async_test
    async def test_editing_pc_moves_the_disassembly(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#reg-pc", "0000CE")
            await settle(pilot)
            assert pc(target) == SUB
            assert "▶00:00CE EA" in screen_text(app)

    @async_test
    async def test_what_is_not_hex_is_refused_with_a_reason(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            a = target.cpu_registers().a
            await type_into(pilot, "#reg-a", "$$")
            await settle(pilot)
            assert "A: '$$' is not hex" in app.query_one(StatusBar).error
            assert target.cpu_registers().a == a

    @async_test
    async def test_clicking_a_flag_toggles_it(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            before = target.cpu_registers().p
            await pilot.click("#flag-c")
            await settle(pilot)
            assert target.cpu_registers().p == before ^ 0x01
            assert app.query_one("#flag-c").has_class("-on") == bool(~before & 1)

    @async_test
    async def test_the_m_flag_sets_the_width_the_code_is_read_with(self, target):
        """With M clear, `lda #` takes two bytes: the disassembly follows the flag."""
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert "lda #$00" in screen_text(app)
            await pilot.click("#flag-m")
            await settle(pilot)
            assert not target.cpu_registers().p & 0x20
            assert "▶00:00C0 A9 00 8D    lda #$8D00" in screen_text(app)

    @async_test
    async def test_get_reads_the_registers_again(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            target.board.cpu.x = 0x00AB  # changed behind the TUI's back
            await pilot.click("#get-registers")
            await settle(pilot)
            assert app.query_one("#reg-x", Input).value == "00AB"
            assert app.query_one("#reg-x").has_class("-changed")

    @async_test
    async def test_values_changed_by_a_step_are_highlighted(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("f7")  # lda #$00: changes A's low byte and the flags
            await settle(pilot)
            panel = app.query_one(RegisterPanel)
            assert panel.query_one("#reg-pc").has_class("-changed")
            assert not panel.query_one("#reg-y").has_class("-changed")


class TestRunControl:
    @async_test
    async def test_step_executes_one_instruction(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.click("#step")
            await settle(pilot)
            assert pc(target) == START + 2
            assert app.query_one("#reg-pc", Input).value == "00:00C2"
            assert "▶00:00C2 8D 27 DF" in screen_text(app)

    @async_test
    async def test_step_over_runs_the_subroutine_to_its_return(self, target):
        target.board.go(LOOP + 4)  # at jsr sub
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.click("#step-over")
            await settle(pilot)
            await until(pilot, lambda: pc(target) == LOOP + 7, "the step over ended")
            await settle(pilot)
            assert pc(target) == LOOP + 7  # the bra after the jsr
            assert not app.session.running
            assert target.breakpoints == set()  # the step over's own breakpoint is gone

    @async_test
    async def test_step_over_an_ordinary_instruction_is_a_step(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("f8")
            await settle(pilot)
            assert pc(target) == START + 2

    @async_test
    async def test_run_then_stop_halts_where_the_program_is(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.click("#run")
            await until(pilot, lambda: app.session.running, "the board runs")
            assert app.query_one("#run").disabled and not app.query_one("#stop").disabled
            # pressed, not clicked: a click waits for an idle process, which a running board
            # never is (see tui_support.press)
            app.query_one("#stop", Button).press()
            status = app.query_one(StatusBar)
            await until(pilot, lambda: status.state == "halted", "the status says halted")
            await settle(pilot)
            assert not app.session.running
            assert app.query_one("#reg-pc", Input).value == f"00:{pc(target):04X}"

    @async_test
    async def test_a_breakpoint_at_a_symbol_stops_the_run(self, target, symbols):
        app = app_for(target, symbols)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#breakpoint", "sub")
            await until(pilot, lambda: target.breakpoints == {SUB}, "the breakpoint set")
            await until(pilot, lambda: "● 00:00CE sub" in screen_text(app), "the breakpoint shown")
            await pilot.press("f5")
            await until(pilot, lambda: pc(target) == SUB, "the run reached the breakpoint")
            await settle(pilot)
            assert not app.session.running
            await until(
                pilot, lambda: app.query_one("#reg-pc", Input).value == "00:00CE", "PC shown"
            )
            # Run again from the breakpoint: it goes round the loop and stops there again
            a_before = target.cpu_registers().a
            await pilot.press("f5")
            await until(
                pilot,
                lambda: target.cpu_registers().a & 0xFF == (a_before + 1) & 0xFF,
                "the run went round the loop",
            )
            await until(pilot, lambda: not app.session.running, "the run stopped")
            assert pc(target) == SUB

    @async_test
    async def test_typing_a_breakpoint_again_removes_it(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#breakpoint", "CE")
            await until(pilot, lambda: target.breakpoints == {SUB}, "the breakpoint set")
            await type_into(pilot, "#breakpoint", "00:00CE")
            await until(pilot, lambda: target.breakpoints == set(), "the breakpoint removed")

    @async_test
    async def test_clicking_a_code_line_toggles_its_breakpoint(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            view = app.query_one("#disassembly")
            rows = [address for address, _ in view.rows()]
            first = view._first(view.rows())
            row = rows.index(LOOP) - first
            await pilot.click("#disassembly", offset=(3, row + 1))  # +1: the border
            await until(pilot, lambda: target.breakpoints == {LOOP}, "the breakpoint set")
            await until(pilot, lambda: "● 00:00C5" in screen_text(app), "the breakpoint shown")
            assert "●▶" not in screen_text(app) and "● 00:00C5" in screen_text(app)

    @async_test
    async def test_lamps_follow_the_program(self, target):
        target.board.go(LOOP + 4)
        target.board.cpu.a = 0x81
        target.board.bus.write(0xDF27, 0)  # PCS7: plain outputs
        target.board.bus.write(0xDF23, 0x81)
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: "LEDs ●○○○○○○●" in screen_text(app), "the lamps shown")

    @async_test
    async def test_lamps_and_views_follow_the_running_program(self, target):
        """While the board runs, the lamps change and the registers and memory keep up."""
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#memory-address", "01F0")  # the stack
            await settle(pilot)
            grid = app.query_one(HexGrid)
            assert grid.value_at(0x01FE) == 0x00
            strip = app.query_one("#leds")
            lamps, a_values = set(), set()
            await press(pilot, "f5")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                await pilot.pause(0.05)
                lamps.add(tuple(strip.leds.items()))
                a_values.add(app.query_one("#reg-a", Input).value)
                if len(lamps) >= 3 and len(a_values) >= 3 and grid.value_at(0x01FE) == 0xCB:
                    break
            panel = app.query_one(RegisterPanel)
            assert panel.border_subtitle == "running program"
            await press(pilot, "f6")
            await until(pilot, lambda: panel.border_subtitle == "halted program", "halted")
            await settle(pilot)
            assert len(lamps) >= 3, "the lamps did not change while running"
            assert len(a_values) >= 3, "A was not followed while running"
            assert grid.value_at(0x01FE) == 0xCB  # the low byte JSR pushed: $00CB
            assert app.query_one("#reg-a", Input).value == f"{target.cpu_registers().a:04X}"


class TestMemory:
    @async_test
    async def test_go_to_an_address_and_edit_a_byte_in_place(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#memory-address", "00E0")
            await settle(pilot)
            grid = app.query_one(HexGrid)
            assert grid.base == 0x00E0 and grid.has_focus
            await pilot.press("right", "4", "2")
            await settle(pilot)
            assert target.read_memory(0x00E1, 1) == b"\x42"
            assert "00:00E0  00 42 00" in screen_text(app)
            assert grid.cursor == 0x00E2

    @async_test
    async def test_the_io_window_is_never_read(self, target):
        reads = []
        read = target.read_memory

        def recording(address, length):
            reads.append((address, length))
            return read(address, length)

        target.read_memory = recording
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#memory-address", "DEF0")
            await settle(pilot)
            assert "00:DF00  -- -- --" in screen_text(app)
        assert reads
        for address, length in reads:
            assert address + length <= 0xDF00 or address > 0xDF7F

    @async_test
    async def test_paging_moves_the_window(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            grid = app.query_one(HexGrid)
            grid.focus()
            await pilot.press("pagedown")
            await settle(pilot)
            assert grid.base == grid.length

    @async_test
    async def test_the_wheel_scrolls_the_window(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            grid = app.query_one(HexGrid)
            wheel = (grid, 5, 2, 0, 1, 0, False, False, False)
            grid.post_message(events.MouseScrollDown(*wheel))
            await settle(pilot)
            assert grid.base == 3 * 16 and grid.values_base == 3 * 16
            assert "00:0030  " in screen_text(app) and "00:0000  " not in screen_text(app)
            grid.post_message(events.MouseScrollUp(*wheel))
            await settle(pilot)
            assert grid.base == 0

    @async_test
    async def test_refresh_reads_the_memory_again(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#memory-address", "00F0")
            await settle(pilot)
            target.write_memory(0x00F0, b"W65")  # changed behind the TUI's back
            assert "00:00F0  00 00 00" in screen_text(app)
            await pilot.click("#memory-refresh")
            await settle(pilot)
            assert "00:00F0  57 36 35 00" in screen_text(app) and "W65." in screen_text(app)

    @async_test
    async def test_a_symbol_names_the_address(self, target, symbols):
        app = app_for(target, symbols)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#memory-address", "sub")
            await settle(pilot)
            assert app.query_one(HexGrid).cursor == SUB
            assert "00:00C0  A9 00 8D 27" in screen_text(app)


class TestUpload:
    @async_test
    async def test_a_hex_file_loads_verifies_and_fills_the_address(self, tmp_path):
        target = EmulatedTarget()
        image, _ = blink_image()
        path = tmp_path / "blink.hex"
        image.save(path)
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#upload-path", str(path))
            await settle(pilot)
            text = screen_text(app)
            assert "loaded and verified 18 bytes: 00:00C0-00:00D1" in text
            assert "100%" in text
            assert app.query_one("#address", Input).value == "00:00C0"
            assert target.read_memory(0xC0, 18) == image.segments()[0][1]

    @async_test
    async def test_source_is_assembled_and_its_symbols_are_used(self, tmp_path):
        target = EmulatedTarget()
        path = tmp_path / "blink.asm"
        from tui_support import BLINK

        path.write_text(BLINK)
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#upload-path", str(path))
            await until(pilot, lambda: app.symbols.get("sub") == SUB, "the symbols loaded")
            await type_into(pilot, "#breakpoint", "sub")
            await until(pilot, lambda: target.breakpoints == {SUB}, "the breakpoint set")

    @async_test
    async def test_a_broken_source_shows_its_diagnostic(self, tmp_path, target):
        path = tmp_path / "broken.asm"
        path.write_text("        .org $C0\n        lda #$12\n        bogus 12\n")
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#upload-path", str(path))
            await settle(pilot)
            report = app.query_one(UploadPanel).report
            assert "broken.asm:3:9: error: unknown mnemonic 'bogus'" in report
            assert "        bogus 12\n        ^" in report  # the source line and the caret
            assert report.index("error:") < report.index("warning:")  # why it failed, first
            assert app.query_one("#upload").has_class("-failed")
            assert "broken.asm:3:9" in app.query_one(StatusBar).error

    @async_test
    async def test_a_missing_file_is_a_clear_error(self, tmp_path, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_into(pilot, "#upload-path", str(tmp_path / "nope.hex"))
            await settle(pilot)
            assert "nope.hex: no such file" in app.query_one(UploadPanel).report

    @pytest.mark.parametrize("how", ["ctrl+o", "#browse"])
    @async_test
    async def test_browse_picks_a_file_and_uploads_it(self, tmp_path, target, monkeypatch, how):
        image, _ = blink_image()
        image.save(tmp_path / "blink.hex")
        (tmp_path / "notes.txt").write_text("not a program")
        monkeypatch.chdir(tmp_path)
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            if how.startswith("#"):
                await pilot.click(how)
            else:
                await pilot.press(how)
            await until(pilot, lambda: "blink.hex" in screen_text(app), "the file picker")
            assert "notes.txt" not in screen_text(app)
            await pilot.press("down", "enter")  # the first file below the root
            done = "loaded and verified 18 bytes"
            await until(pilot, lambda: done in screen_text(app), "the upload's result")


class TestHelp:
    @async_test
    async def test_f1_lists_every_key(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            for key, what in [("F2", "JML"), ("F8", "Over"), ("Ctrl+R", "Reconnect")]:
                assert key in text and what in text
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)

    @async_test
    async def test_question_mark_is_help_outside_fields_and_a_character_inside(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.click("#address")
            await pilot.press("?")
            assert app.query_one("#address", Input).value.endswith("?")
            assert not isinstance(app.screen, HelpScreen)
            app.query_one(HexGrid).focus()
            await pilot.press("?")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)


class TestMonitor:
    @async_test
    async def test_jsl_calls_the_code_and_shows_the_registers_it_returns(self, target):
        """JSL runs the routine to its RTL through the monitor's J; the panel shows its A."""
        target.board.reset()  # the monitor at its prompt, the program still in RAM
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert "saved by the monitor" in screen_text(app)
            await type_into(pilot, "#reg-a", "0021")
            await settle(pilot)
            app.query_one("#address", Input).value = "00D0"
            await pilot.click("#jsl")
            await settle(pilot)
            assert app.query_one("#reg-a", Input).value == "0042"
            assert target.read_registers().a == 0x42

    @async_test
    async def test_the_running_board_answers_in_the_console(self):
        """On a running board the monitor's banner shows, and it answers what is typed."""
        app = make_app(EmulatedTarget())
        async with app.run_test(size=(120, 40)) as pilot:
            console = app.query_one(ConsoleView)
            flags = "\nN  V  M  X  D  I  Z  C\n"  # bare CRs shown as line ends
            await until(pilot, lambda: flags in console.text, "the banner's register display")
            assert "MENSCH ROM Version 2.07" in console.text
            await until(pilot, lambda: console.text.endswith("\n>"), "the prompt")
            app.query_one("#console-input").focus()
            await pilot.press("enter")  # a bare CR: the monitor says ? and READY
            await until(pilot, lambda: console.text.endswith("?\nREADY\n>"), "the reply")
            assert app.query_one(StatusBar).state == "running"

    @async_test
    async def test_the_halted_board_says_why_the_console_is_quiet(self, target):
        app = app_for(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.click("#console-input")
            await pilot.press("enter")
            await pilot.pause()
            assert any("Run (F5)" in str(n.message) for n in app._notifications)

"""The TUI's answers to the defects a new user met: a program stuck with interrupts off,
keys pressed during an upload, the run-control interface the TUI relies on."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Input
from tui_fakes import FakeTarget
from tui_support import async_test, press, screen_text, settle, type_into, until

from w65tool.target.base import RUN_CONTROL, TargetError
from w65tool.target.emulator import EmulatedTarget
from w65tool.tui import make_app
from w65tool.tui.widgets.console import ConsoleView
from w65tool.tui.widgets.disassembly import DisassemblyView
from w65tool.tui.widgets.status_bar import StatusBar
from w65tool.tui.widgets.upload import UploadPanel

HELLO = "samples/hello_uart.asm"
START = 0x00B6


def shown_pc(target) -> str:
    """The CPU's PC as the register panel writes it."""
    pc = target.cpu_registers().pc
    return f"{pc >> 16:02X}:{pc & 0xFFFF:04X}"


@pytest.fixture
def target():
    """The emulated Mensch board after power-on, the monitor at its prompt."""
    target = EmulatedTarget()
    target.board.wait_for_prompt()
    target.console_read()
    return target


class TestRunControlInterface:
    def test_the_emulated_board_declares_every_capability(self, target):
        assert target.capabilities == RUN_CONTROL
        assert all(target.can(name) for name in RUN_CONTROL)

    def test_a_board_through_the_monitor_says_why_it_cannot(self):
        board = FakeTarget()
        assert not board.can("run") and not board.can("step")
        with pytest.raises(TargetError, match="cannot step"):
            board.step()
        with pytest.raises(TargetError, match="cannot breakpoints"):
            _ = board.breakpoints
        assert "no run control" in board.why_not("watchpoints")

    def test_reset_starts_the_monitor_again_with_its_banner(self, target):
        target.write_cpu_registers(pc=0x1234, p=0x34)
        target.reset()
        target.board.wait_for_prompt()
        assert b"MENSCH ROM Version" in target.console_read()


class TestStuckProgram:
    @async_test
    async def test_a_program_hung_with_interrupts_off_is_shown_stopped_and_reset(self, target):
        """JML with I set: PUT_STR waits for an interrupt that never comes. Stop shows where
        the CPU is (in the ROM, not the saved `start`); Reset brings the monitor back."""
        app = make_app(target, running=True, program=HELLO)
        async with app.run_test(size=(120, 40)) as pilot:
            panel = app.query_one(UploadPanel)
            await until(pilot, lambda: "loaded and verified" in panel.report, "the upload")
            await settle(pilot)
            await press(pilot, "f6")  # halt the monitor so P can be edited as a user does
            await settle(pilot)
            target.write_registers(p=0x34)  # I set in the saved context, as the issue shows
            app.query_one("#address", Input).value = "start"
            started = target.board.seconds  # the board has run since power-on: count from here
            await press(pilot, "f2")
            await until(pilot, lambda: app.session.running, "the program runs")
            await until(
                pilot, lambda: target.board.seconds > started + 0.5, "the program runs a while"
            )
            await press(pilot, "f6")
            status = app.query_one(StatusBar)
            await until(pilot, lambda: status.state == "halted", "the board halts")
            await settle(pilot)
            cpu = target.cpu_registers()
            assert cpu.pc != START
            assert (
                app.query_one("#reg-pc", Input).value == f"{cpu.pc >> 16:02X}:{cpu.pc & 0xFFFF:04X}"
            )
            assert app.query_one("#registers").border_title == "Registers (CPU)"
            await pilot.press("f7")  # a step moves what is shown
            await settle(pilot)
            assert app.query_one("#reg-pc", Input).value == shown_pc(target)
            console = app.query_one(ConsoleView)
            await pilot.click("#reset")
            await until(pilot, lambda: "ROM Version" in console.text, "the monitor's banner")
            assert app.session.running and not app.session.in_program


class TestBusy:
    @async_test
    async def test_keys_during_an_upload_are_refused_with_a_word(self, target):
        app = make_app(target, running=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            loads = []
            original = target.load
            release = threading.Event()

            def held(image, progress=None):
                loads.append(len(image))
                release.wait(10)  # the line stays busy until the test has pressed its keys
                original(image, progress)

            target.load = held
            app.query_one(UploadPanel).path = HELLO
            await pilot.press("f10")
            status = app.query_one(StatusBar)
            await until(pilot, lambda: loads, "the upload began")
            assert status.state == "busy: uploading"
            await pilot.press("f10", "f2", "f7")
            await pilot.pause()
            release.set()
            panel = app.query_one(UploadPanel)
            await until(pilot, lambda: "loaded and verified" in panel.report, "the upload")
            await settle(pilot)
            assert len(loads) == 1  # F10 again did not queue a second upload
            assert app.busy is None and app.query_one(StatusBar).state == "halted"
            assert target.cpu_registers().pc >= 0xE000  # F7 did not step meanwhile

    @async_test
    async def test_the_upload_reports_sending_then_verifying(self, target):
        app = make_app(target, running=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            phases = []
            panel = app.query_one(UploadPanel)
            original = panel.progress

            def seen(done, total, phase="sending"):
                phases.append(phase)
                original(done, total, phase)

            panel.progress = seen
            panel.path = HELLO
            await pilot.press("f10")
            await until(pilot, lambda: "loaded and verified" in panel.report, "the upload")
            assert "sending" in phases and "verifying" in phases
            assert phases.index("verifying") > phases.index("sending")


EQUATES = """\
ACSR_RXEN = $20
        .org $0200
other:  adc $20
        sta $DF23
        jsl $E04E
        brk
"""


class TestNames:
    @async_test
    async def test_labels_of_a_replaced_program_go_and_equates_name_nothing(self, target, tmp_path):
        first = tmp_path / "first.asm"
        first.write_text("        .org $0200\nblink:  nop\n        brk\n")
        second = tmp_path / "second.asm"
        second.write_text(EQUATES)
        app = make_app(target, running=False)
        async with app.run_test(size=(120, 40)) as pilot:
            panel = app.query_one(UploadPanel)
            for path, label in ((first, "blink"), (second, "other")):
                panel.path = str(path)
                await pilot.press("f10")
                await until(pilot, lambda x=label: x in app.program_symbols, f"{path.name}")
                await settle(pilot)
            assert "blink" not in app.symbols and app.symbols["other"] == 0x0200
            assert "ACSR_RXEN" not in app.symbols
            await type_into_pc(pilot, "00:0200")
            assert "blink" not in screen_text(app)
            # the disassembly behind the source view (shown where there is no source)
            code = [line.text for line in app.query_one(DisassemblyView).lines]
            assert "adc $20" in code and not any("ACSR_RXEN" in line for line in code)
            assert "sta PD7" in code and "jsl PUT_STR" in code


class TestRom:
    @async_test
    async def test_the_emulated_rom_is_named_not_shown_as_filler(self, target):
        app = make_app(target, running=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "wdm #$42" not in text
            assert "ROM_START" in text and "emulated" in text


async def type_into_pc(pilot, text: str) -> None:
    """Set PC through its field, as a user does."""
    await type_into(pilot, "#reg-pc", text)
    await settle(pilot)


class TestFields:
    @async_test
    @pytest.mark.parametrize("typed", ["1:2", "00:", ""])
    async def test_a_pc_that_is_not_bank_and_address_is_refused(self, target, typed):
        app = make_app(target, running=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            before = app.query_one("#reg-pc", Input).value
            await type_into_pc(pilot, typed)
            assert "PC:" in app.query_one(StatusBar).error
            assert app.query_one("#reg-pc", Input).value == before  # never blank
            assert target.cpu_registers().pc != 0x000012

    @async_test
    async def test_a_rejected_breakpoint_keeps_what_was_typed(self, target):
        app = make_app(target, running=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.click("#breakpoint")
            app.query_one("#breakpoint", Input).value = "nowhere"
            await pilot.press("enter")
            await settle(pilot)
            assert "'nowhere'" in app.query_one(StatusBar).error
            assert app.query_one("#breakpoint", Input).value == "nowhere"
            app.query_one("#breakpoint", Input).value = "00:0100"
            await pilot.press("enter")
            await settle(pilot)
            assert 0x0100 in target.breakpoints
            assert app.query_one("#breakpoint", Input).value == ""


class TestReadable:
    @async_test
    async def test_flags_read_without_colour(self, target):
        """A set flag is a capital, a clear one a small letter."""
        target.write_cpu_registers(p=0x34)  # M, X, I set
        app = make_app(target, running=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f7")  # a step: the CPU's own P is shown
            await settle(pilot)
            p = target.cpu_registers().p
            labels = "".join(str(app.query_one(f"#flag-{f.lower()}").label) for f in "NVMXDIZC")
            expected = "".join(f if p & 0x80 >> i else f.lower() for i, f in enumerate("NVMXDIZC"))
            assert labels == expected

    @async_test
    async def test_an_error_clears_after_a_later_success(self, target):
        app = make_app(target, running=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_into_pc(pilot, "1:2")
            assert app.query_one(StatusBar).error
            await type_into_pc(pilot, "00:0200")
            assert app.query_one(StatusBar).error == ""


class TestBreakpointPanel:
    @async_test
    async def test_add_disable_delete_and_clear_and_the_list_is_whole(self, target):
        app = make_app(target, running=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            field = app.query_one("#breakpoint", Input)

            async def typed(text: str) -> None:
                field.focus()
                field.value = text
                await pilot.press("enter")
                await settle(pilot)

            for address in ("0100", "0104", "0108", "010C", "0110"):
                await typed(address)
            assert target.breakpoints == {0x100, 0x104, 0x108, 0x10C, 0x110}
            listed = str(app.query_one("#breakpoint-list").render())  # every one, scrolling
            assert all(f"00:{a}" in listed for a in ("0100", "0104", "0108", "010C", "0110"))
            app.query_one("#breakpoint-scroll").scroll_end(animate=False)
            await until(pilot, lambda: "00:0110" in screen_text(app), "the last one in view")
            app.query_one("#breakpoint-scroll").scroll_home(animate=False)
            await typed("!0104")
            assert 0x104 not in target.breakpoints and 0x104 in app.session.disabled
            assert "○" in screen_text(app) and "(off)" in screen_text(app)
            await typed("!0104")
            assert 0x104 in target.breakpoints
            await typed("-0108")
            assert 0x108 not in target.breakpoints and "00:0108" not in screen_text(app)
            await typed("-0200")
            assert "no breakpoint at 00:0200" in app.query_one(StatusBar).error
            await typed("clear")
            assert target.breakpoints == set() and not app.session.disabled


class TestCycles:
    @async_test
    async def test_the_cycle_counter_and_its_lap(self, target):
        app = make_app(target, running=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            target.write_cpu_registers(pc=0x0100)
            target.write_memory(0x0100, bytes([0xEA, 0xEA, 0xEA]))  # nop nop nop
            await pilot.press("f7")
            await settle(pilot)
            status = app.query_one(StatusBar)
            total = target.cycles()
            assert status.cycles == f"cycles {total:,}  lap {total:,}"
            await pilot.press("ctrl+l")
            assert status.cycles.endswith("lap 0")
            await pilot.press("f7")
            await settle(pilot)
            assert status.cycles.endswith("lap 2")  # a NOP takes two cycles


class TestStepOut:
    @async_test
    async def test_step_out_runs_to_the_callers_next_instruction(self, target):
        from tui_support import blink_image

        image, _ = blink_image()
        target.load(image)
        target.write_cpu_registers(pc=0x00C9, p=0x30)  # jsr sub
        app = make_app(target, running=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f7")  # into sub
            await settle(pilot)
            assert target.cpu_registers().pc == 0x00CE
            await pilot.press("f11")
            await settle(pilot)
            assert target.cpu_registers().pc == 0x00CC  # the bra after the jsr
            assert shown_pc(target) == app.query_one("#reg-pc", Input).value


class TestReconnectElsewhere:
    def test_a_new_port_does_not_adopt_brks_and_says_where_they_were_left(self):
        """Another port may be another board: the BRKs of the old one are not restored there,
        and the user is told which addresses still hold one."""
        from tui_fakes import FakeTarget

        from w65tool.tui.session import Session

        class Debugger:
            adopted = False

            def left_behind(self) -> str:
                return "a BRK still replaces the original byte at 00:1003"

            def adopt(self, other) -> None:
                self.adopted = True

        old, new = FakeTarget(), FakeTarget()
        old.debugger, new.debugger = Debugger(), Debugger()
        session = Session(old, connect=lambda port=None: new)
        _, left = session.reconnect("/dev/ttyOTHER")
        assert not new.debugger.adopted
        assert left == f"on {old.description}, a BRK still replaces the original byte at 00:1003"
        old.closed = False
        session.target, new.debugger.adopted = old, False
        _, left = session.reconnect()  # the same port again: the same board, its BRKs adopted
        assert new.debugger.adopted and left == ""


class TestForcedUpload:
    VECTORS = "  .org $0100\n  .byte $5C, $00, $10, $00\n"  # a JML over the BRK slot

    @async_test
    async def test_the_memory_map_refuses_an_upload_unless_forced(self, target, tmp_path):
        source = tmp_path / "slot.asm"
        source.write_text(self.VECTORS)
        app = make_app(target, running=True, program=str(source))
        async with app.run_test(size=(120, 40)) as pilot:
            panel = app.query_one(UploadPanel)
            await until(pilot, lambda: "BRK and NMI slots" in panel.report, "the refusal")
            assert "w65 tui --force uploads it anyway" in panel.report
            assert bytes(target.board.bus.ram[0x0100:0x0104]) != b"\x5c\x00\x10\x00"

    @async_test
    async def test_a_forced_upload_loads_verifies_and_says_so(self, target, tmp_path):
        source = tmp_path / "slot.asm"
        source.write_text(self.VECTORS)
        app = make_app(target, running=True, program=str(source), force=True)
        async with app.run_test(size=(120, 40)) as pilot:
            panel = app.query_one(UploadPanel)
            await until(pilot, lambda: "loaded and verified" in panel.report, "the upload")
            assert "warning: --force: the program writes $00:0100" in panel.report
            assert bytes(target.board.bus.ram[0x0100:0x0104]) == b"\x5c\x00\x10\x00"

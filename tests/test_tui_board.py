"""The TUI on a board reached through its monitor: states only a fake line can produce."""

from __future__ import annotations

from textual.widgets import Input
from tui_fakes import FakeTarget
from tui_support import async_test, screen_text, settle, until, within

from w65tool.tui import make_app
from w65tool.tui.widgets.console import ConsoleView, LineEnds
from w65tool.tui.widgets.hex_grid import HexGrid
from w65tool.tui.widgets.status_bar import StatusBar


class TestBoardLayout:
    @async_test
    async def test_emulator_controls_are_hidden_on_a_board(self):
        """A monitor cannot run, step or break: no buttons, no keys for them."""
        app = make_app(FakeTarget())
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert not app.query_one("#run-controls").display or not within(app, "#run")
            text = screen_text(app)
            assert "f5 Run" not in text and "Break" not in text
            assert "/dev/ttyFAKE at 9600 baud" in text and "connected" in text
            assert "saved by the monitor" in text

    @async_test
    async def test_jml_and_jsl_go_to_the_monitor(self):
        target = FakeTarget()
        target.registers.a = 0x4321  # what the called code "returns" with
        app = make_app(target)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.query_one("#address", Input).value = "00:2000"
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press("f3")
            await settle(pilot)
            assert target.jumps == [("jml", 0x2000), ("jsl", 0x2000)]
            assert app.query_one("#reg-a", Input).value == "4321"


class TestConsole:
    def test_every_kind_of_line_end_is_one_new_line(self):
        ends = LineEnds()
        assert ends(b"READY\r>") == "READY\n>"
        assert ends(b"a\r\nb\nc") == "a\nb\nc"
        assert ends(b"split\r") + ends(b"\nnext") == "split\nnext"  # CR LF across reads
        assert ends(b"x\x11y\x13z\x00") == "xyz"  # XON, XOFF, NUL dropped
        assert ends(b"\x01") == "·"

    @async_test
    async def test_a_typed_line_is_sent_with_cr_and_the_echo_shows(self):
        target = FakeTarget()
        app = make_app(target)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")  # Code -> Memory -> Watch -> Console
            await pilot.click("#console-input")
            await pilot.press(*"R", "enter")
            view = app.query_one(ConsoleView)
            await until(pilot, lambda: view.text.startswith("R\n"), "the echo")
            assert bytes(target.sent) == b"R\r"

    @async_test
    async def test_keys_in_the_output_pane_go_to_the_board_as_typed(self):
        target = FakeTarget()
        app = make_app(target)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.query_one("#console-log").focus()
            await pilot.press("|", "escape", "enter")
            await settle(pilot)
            assert bytes(target.sent) == b"|\x1b\r"

    @async_test
    async def test_output_of_the_monitor_is_shown_with_its_line_ends(self):
        target = FakeTarget()
        target.pending += b"\r?\rREADY\r>"
        app = make_app(target)
        async with app.run_test(size=(80, 24)) as pilot:
            view = app.query_one(ConsoleView)
            await until(pilot, lambda: view.text == "\n?\nREADY\n>", "the monitor's output")


class TestConnection:
    @async_test
    async def test_a_lost_board_shows_disconnected_and_reconnects(self):
        first, second = FakeTarget(), FakeTarget()
        second.registers.a = 0x5555
        app = make_app(first, connect=lambda port=None: second)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            first.lose()
            await pilot.press("f4")  # Get
            status = app.query_one(StatusBar)
            await until(pilot, lambda: status.state == "disconnected", "shown disconnected")
            assert "connection lost: Input/output error" in status.error
            await pilot.press("ctrl+r")
            await until(pilot, lambda: app.screen.query("#port-path"), "the port dialog")
            await pilot.press("enter")  # the same port again
            await settle(pilot)
            await settle(pilot)
            assert status.state == "connected" and status.error == ""
            assert first.closed and app.session.target is second
            assert app.query_one("#reg-a", Input).value == "5555"

    @async_test
    async def test_ctrl_r_can_move_to_another_port(self):
        first, second = FakeTarget(), FakeTarget()
        asked: list[str | None] = []

        def connect(port=None):
            asked.append(port)
            return second

        app = make_app(first, connect=connect)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+r")
            await until(pilot, lambda: app.screen.query("#port-path"), "the port dialog")
            app.screen.query_one("#port-path", Input).value = "/dev/ttyUSB1"
            await pilot.press("enter")
            await settle(pilot)
            assert asked == ["/dev/ttyUSB1"] and app.session.target is second
            await pilot.press("ctrl+r")
            await until(pilot, lambda: app.screen.query("#port-path"), "the port dialog")
            await pilot.press("escape")  # cancelled: nothing reopened
            await settle(pilot)
            assert asked == ["/dev/ttyUSB1"]

    @async_test
    async def test_without_a_way_to_reopen_reconnect_says_so(self):
        app = make_app(FakeTarget())
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert "cannot be reopened" in app.query_one(StatusBar).error

    @async_test
    async def test_a_monitor_error_is_shown_and_the_line_stays_up(self):
        target = FakeTarget()
        app = make_app(target)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+n")  # the memory panel
            app.query_one("#memory-address", Input).value = "FFFFF0"
            await pilot.click("#memory-address")
            await pilot.press("enter")
            await settle(pilot)
            status = app.query_one(StatusBar)
            assert "no memory at $FFFFF0" in status.error
            assert status.state == "connected"


class TestMemoryWindow:
    @async_test
    async def test_moves_while_the_line_is_busy_read_only_the_window_shown_last(self):
        """Paging while an upload holds the line queues one read, of where the grid is then."""
        target = FakeTarget()
        target.memory[:] = bytes(i & 0xFF for i in range(0x10000))
        reads = []
        read = target.read_memory

        def recording(address, length):
            reads.append((address, length))
            return read(address, length)

        target.read_memory = recording
        app = make_app(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            grid = app.query_one(HexGrid)
            grid.focus()
            reads.clear()
            with app.session.use():  # the line is busy
                await pilot.press("pagedown", "pagedown", "pagedown")
                await pilot.pause()
            await settle(pilot)
            assert grid.base == 3 * grid.length
            assert reads == [grid.window]
            assert grid.values_base == grid.base
            assert grid.value_at(grid.base + 1) == (grid.base + 1) & 0xFF

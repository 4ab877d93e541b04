"""Snapshots of the TUI's screens, and checks that nothing is cut off at 80x24 or 120x40.

The emulated board is halted with the test program loaded, so every run draws the same
screen: nothing on it moves (no clock, no running lamps, no blinking cursor: no field has
the focus), and each picture is taken once `steady` says the views hold what was last read
and no message is left to handle, which holds on a loaded machine too. Update the pictures
with `pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change, and
look at them (the report shows the difference).
"""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_fakes import FakeTarget
from tui_support import async_test, blink_image, settle, steady, until, within

from w65tool.target.emulator import EmulatedTarget
from w65tool.tui import make_app
from w65tool.tui.screens.help import HelpScreen
from w65tool.tui.widgets.memory import MemoryView

SUB = 0x00CE


def halted_board_app():
    """The blink program at its first instruction, a breakpoint at `sub`, symbols loaded."""
    target = EmulatedTarget("mensch")
    image, symbols = blink_image()
    target.load(image)
    target.board.go(0x00C0)
    target.breakpoints.add(SUB)
    return make_app(target, symbols=symbols, running=False)


async def show_program_memory(pilot):
    """Memory at `start`, the Address field filled, as after a user's first minutes."""
    await steady(pilot)
    app = pilot.app
    app.query_one("#address", Input).value = "start"
    app.query_one("#memory-address", Input).value = "start"
    memory = app.query_one(MemoryView)
    memory.post_message(MemoryView.GoRequested("start"))  # as Enter in the field does
    grid = memory.grid
    await until(pilot, lambda: grid.cursor == 0x00C0, "the cursor at start")
    app.set_focus(None)
    await steady(pilot)


class TestMainScreen:
    def test_wide_terminal_shows_every_panel(self, snap_compare):
        """120x40: registers, controls, code, memory, console and upload all at once."""
        assert snap_compare(
            halted_board_app(), terminal_size=(120, 40), run_before=show_program_memory
        )

    def test_160x48_large_terminal(self, snap_compare):
        """160x48: every panel, with room to spare."""
        assert snap_compare(
            halted_board_app(), terminal_size=(160, 48), run_before=show_program_memory
        )

    def test_80x24_shows_one_panel_under_tabs(self, snap_compare):
        """80x24: the code panel under the tabs, registers and controls whole above it."""
        assert snap_compare(
            halted_board_app(), terminal_size=(80, 24), run_before=show_program_memory
        )

    def test_80x24_memory_tab(self, snap_compare):
        """80x24 with the memory tab chosen: eight bytes a row, nothing cut off."""

        async def memory_tab(pilot):
            await show_program_memory(pilot)
            await pilot.press("ctrl+n")
            pilot.app.set_focus(None)
            await steady(pilot)

        assert snap_compare(halted_board_app(), terminal_size=(80, 24), run_before=memory_tab)

    def test_a_board_without_emulator_controls(self, snap_compare):
        """On a serial monitor: no run controls, breakpoints or lamps; saved registers."""
        assert snap_compare(make_app(FakeTarget()), terminal_size=(80, 24), run_before=steady)

    def test_help_screen(self, snap_compare):
        """F1: every key binding."""

        async def help_screen(pilot):
            await steady(pilot)
            await pilot.press("f1")
            await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")
            await steady(pilot)

        assert snap_compare(halted_board_app(), terminal_size=(120, 40), run_before=help_screen)


CONTROLS = [
    "#registers",
    "#reg-pc",
    "#reg-p",
    "#flag-n",
    "#flag-e",
    "#get-registers",
    "#address",
    "#jml",
    "#jsl",
    "#run",
    "#reset",
    "#stop",
    "#step",
    "#step-over",
    "#breakpoint",
    "#leds",
    "#status",
    "Footer",
]
PANEL_PARTS = {
    "disassembly": ["#disassembly"],
    "memory": ["#memory", "#memory-address", "#memory-refresh", "#hex-grid"],
    "watch": ["#watch", "#watch-input"],
    "console": ["#console", "#console-log", "#console-input"],
    "upload": ["#upload", "#upload-path", "#browse", "#upload", "#upload-progress"],
}


async def until_whole(pilot, selectors, what: str) -> None:
    """Wait (up to 10 s) until every widget of `selectors` is whole on screen."""
    app = pilot.app
    try:
        await until(pilot, lambda: all(within(app, s) for s in selectors), what, timeout=10)
    except AssertionError:
        cut = [s for s in selectors if not within(app, s)]
        raise AssertionError(f"{what}: cut off {cut}") from None


class TestNothingIsCutOff:
    @pytest.mark.parametrize("size", [(80, 24), (120, 40), (100, 30), (160, 50)])
    @async_test
    async def test_every_control_is_whole_on_screen(self, size):
        app = halted_board_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            # a loaded machine may still be laying the screen out: give it time, then say
            # what stayed cut off
            await until_whole(pilot, CONTROLS, f"every control whole at {size}")

    @pytest.mark.parametrize("size", [(80, 24), (100, 30)])
    @async_test
    async def test_every_panel_is_whole_when_its_tab_is_chosen(self, size):
        app = halted_board_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for name, parts in PANEL_PARTS.items():
                await pilot.click(f"#tab-{name}")
                await until_whole(pilot, parts, f"the {name} tab whole at {size}")

    @async_test
    async def test_all_panels_are_whole_together_at_120x40(self):
        app = halted_board_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert not app.query_one("#panel-tabs").display
            every = [s for parts in PANEL_PARTS.values() for s in parts]
            await until_whole(pilot, every, "every panel whole at 120x40")
            assert app.query_one("#hex-grid").per_row == 16

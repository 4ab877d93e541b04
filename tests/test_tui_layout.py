"""The TUI's frame at 80 columns: whole keys in the footer, every key in the F1 list,
notifications clear of the status line, old errors gone after a later success."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey
from tui_support import async_test, blink_image, screen_text, settle, until

from w65tool.target.emulator import EmulatedTarget
from w65tool.tui import make_app
from w65tool.tui.screens.help import HelpScreen, help_table, key_name
from w65tool.tui.widgets.disassembly import DisassemblyView
from w65tool.tui.widgets.hex_grid import HexGrid
from w65tool.tui.widgets.status_bar import StatusBar


@pytest.fixture
def app():
    target = EmulatedTarget()
    image, symbols = blink_image()
    target.load(image)
    target.board.go(0x00C0)
    return make_app(target, symbols=symbols, running=False)


@async_test
async def test_the_footer_at_80_columns_shows_only_whole_keys(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = list(app.screen.query(FooterKey))
        assert len(keys) >= 8
        for key in keys:
            region = key.region
            assert region.width and region.right <= 80, key.key_display
        footer = screen_text(app).splitlines()[-1]
        for key in keys:  # each key's text is there whole
            assert f"{key.key_display} {key.description}" in footer


@async_test
async def test_f1_lists_every_key_of_the_app_the_code_view_and_the_grid(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
        console.print(help_table(app.screen.sections))
        rows = console.export_text().splitlines()
        every = [*app.BINDINGS, *DisassemblyView.BINDINGS, *HexGrid.BINDINGS]
        for binding in every:
            assert isinstance(binding, Binding)
            wanted = f"{re.escape(key_name(binding))} .* {re.escape(binding.description)} "
            assert any(re.search(wanted, row + " ") for row in rows), wanted


@async_test
async def test_a_notification_stays_clear_of_the_status_line_and_the_keys(app):
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        for repeat in (1, 10):  # a short toast, and one taller than the room above
            app.show_error("a long error that needs several lines " * repeat)
            await until(pilot, lambda: "▌" in screen_text(app), "the toast drawn")
            status_row, footer_row = screen_text(app).splitlines()[-2:]
            assert status_row.startswith(f" {app.session.target.description}  halted")
            assert "▌" not in status_row and "a long error" in status_row
            assert footer_row == footer
            app.clear_notifications()
            await until(pilot, lambda: "▌" not in screen_text(app), "the toast gone")


@async_test
async def test_an_old_error_goes_when_a_later_command_succeeds(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.query_one(StatusBar)
        field = app.query_one("#breakpoint", Input)
        field.value = "nowhere"
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "nowhere" in status.error
        field.value = "loop"
        await pilot.press("enter")
        await settle(pilot)
        assert status.error == ""
        field.value = "-0300"
        await pilot.press("enter")
        await settle(pilot)
        assert "no breakpoint at 00:0300" in status.error
        await pilot.press("f7")  # a step taken: the error of the breakpoint is old news
        await settle(pilot)
        assert status.error == ""

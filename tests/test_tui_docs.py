"""docs/tui.md says what the app does: every key, every option, the screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding

from w65tool.cli import build_parser
from w65tool.tui.app import W65App
from w65tool.tui.screens.help import MOUSE_AND_FIELDS, key_name
from w65tool.tui.widgets.disassembly import DisassemblyView
from w65tool.tui.widgets.hex_grid import HexGrid

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "tui.md").read_text()


def rows(bindings) -> list[str]:
    """The table rows the doc has for `bindings`: key, name, what it does."""
    return [
        f"| `{key_name(b)}` | {b.description} | {b.tooltip} |"
        for b in bindings
        if isinstance(b, Binding)
    ]


@pytest.mark.parametrize(
    "owner", [W65App, DisassemblyView, HexGrid], ids=["app", "code view", "memory grid"]
)
def test_every_key_binding_is_in_the_table(owner):
    missing = [row for row in rows(owner.BINDINGS) if row not in DOC]
    assert not missing, "docs/tui.md lacks (or has other words for):\n" + "\n".join(missing)


def test_every_mouse_and_field_action_is_listed():
    missing = [f"| {what} | {does} |" for what, does in MOUSE_AND_FIELDS]
    assert not [row for row in missing if row not in DOC]


def test_every_option_of_the_command_is_described():
    parser = build_parser("tui")
    tui = parser._subparsers._group_actions[0].choices["tui"]
    options = [
        max(action.option_strings, key=len)
        for action in tui._actions
        if action.option_strings and action.dest not in ("help", "json")
    ]
    assert "--port" in options and "--halted" in options
    assert not [o for o in options if f"`{o}" not in DOC]


def test_the_screenshot_is_there():
    assert "](images/tui.svg)" in DOC
    svg = (ROOT / "docs" / "images" / "tui.svg").read_text()
    assert svg.startswith("<svg") and "Registers" in svg

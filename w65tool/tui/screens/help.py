"""The key bindings, read from the app and the widgets so the list cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

MOUSE_AND_FIELDS = (
    ("click a disassembly line", "toggle a breakpoint there"),
    ("click a flag (N V M X D I Z C E)", "toggle it on the target"),
    ("Enter in a register field", "send the value to the target"),
    ("Enter in Address", "JML to it"),
    ("Enter in Break", "ADDR add/delete, !ADDR disable/enable, -ADDR delete, clear"),
    ("ADDR in Break and Go to (g)", "hex, a symbol or file.asm:LINE"),
    ("w / r / rw ADDR[-END] in Break", "watch writes / reads / both (again: remove)"),
    ("Enter in Watch", "A, X, [ADDR], [ADDR].w, a symbol; -EXPR removes, clear"),
    ("hex digits in the memory grid", "two digits write the byte at the cursor"),
    ("keys in the console output", "go to the board as typed"),
)


KEY_NAMES = {"question_mark": "?", "pageup": "PgUp", "pagedown": "PgDn"}
"""Keys whose Textual names are not what a keyboard says."""


def key_name(binding: Binding) -> str:
    """A key as people write it: `F5`, `Ctrl+O`, `?`, `PgDn`."""
    names = []
    for key in binding.key.split(","):
        key = key.strip()
        if key in KEY_NAMES:
            names.append(KEY_NAMES[key])
            continue
        parts = [p.upper() if len(p) <= 3 and p[0] == "f" else p.title() for p in key.split("+")]
        names.append("+".join(parts))
    return " / ".join(names)


def help_table(sections: Iterable[tuple[str, Iterable[Binding]]]) -> Table:
    """A table of keys, their names in the footer, and what they do, by section."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for title, bindings in sections:
        table.add_row(f"[b]{title}[/b]", "", "")
        for binding in bindings:
            table.add_row(key_name(binding), binding.description, binding.tooltip)
        table.add_row("", "", "")
    return table


def mouse_table() -> Table:
    """What clicks and Enter in the fields do."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold cyan")
    table.add_column()
    table.add_row("[b]Mouse and fields[/b]", "")
    for what, does in MOUSE_AND_FIELDS:
        table.add_row(what, does)
    return table


class HelpScreen(ModalScreen[None]):
    """Every key of the app; Escape, q, ? or F1 closes it; arrows and Page keys scroll."""

    AUTO_FOCUS = "#help"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", show=False),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_table(self.sections), id="help-table")
            yield Static(mouse_table(), id="help-mouse")
            yield Static("Escape closes this help.", id="help-close")

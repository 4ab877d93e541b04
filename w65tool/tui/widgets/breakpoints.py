"""Breakpoints: a field to add or remove one (address or symbol) and the list of them."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label, Static

from w65tool.disasm import usable_symbols
from w65tool.tui.addresses import format_address


class BreakpointBar(Horizontal):
    """Posts `Toggled` with the text typed; shows `addresses` named by symbols."""

    addresses: reactive[frozenset[int]] = reactive(frozenset())
    symbols: reactive[dict[int, str]] = reactive(dict)

    class Toggled(Message):
        """Add a breakpoint at the address in `text`, or remove the one there."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Label("Break", classes="bar-label")
        yield Input(placeholder="address/symbol", id="breakpoint", compact=True)
        yield Static(id="breakpoint-list")

    def set_symbols(self, symbols: Mapping[str, int]) -> None:
        """Name breakpoints with these symbols (name -> value)."""
        self.symbols = usable_symbols(symbols)

    def watch_addresses(self) -> None:
        self._show()

    def watch_symbols(self) -> None:
        self._show()

    def _show(self) -> None:
        if not self.is_mounted:
            return
        text = Text()
        for address in sorted(self.addresses):
            name = self.symbols.get(address)
            text.append("● ", style="bold red")
            text.append(name or format_address(address))
            text.append(" ")
        if not self.addresses:
            text.append("none", style="dim")
        self.query_one("#breakpoint-list", Static).update(text)

    def on_mount(self) -> None:
        self._show()

    @on(Input.Submitted, "#breakpoint")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Toggled(event.value))  # the app clears the field if it is taken

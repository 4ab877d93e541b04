"""Breakpoints: a field to manage them (address or symbol) and the list of them.

In the field: `ADDR` adds a breakpoint (or deletes the one there), `!ADDR` disables an
armed one or arms a disabled one, `-ADDR` deletes, `clear` deletes them all. The list
wraps onto as many lines as it needs; a disabled breakpoint shows `○`."""

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
    off: reactive[frozenset[int]] = reactive(frozenset())  # kept, but disabled
    symbols: reactive[dict[int, str]] = reactive(dict)

    class Toggled(Message):
        """Add a breakpoint at the address in `text`, or remove the one there."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Label("Break", classes="bar-label")
        yield Input(
            placeholder="addr, !addr, -addr, clear",
            id="breakpoint",
            compact=True,
            tooltip="ADDR add/delete, !ADDR disable/enable, -ADDR delete, clear: all",
        )
        yield Static(id="breakpoint-list")

    def set_symbols(self, symbols: Mapping[str, int]) -> None:
        """Name breakpoints with these symbols (name -> value)."""
        self.symbols = usable_symbols(symbols)

    def watch_addresses(self) -> None:
        self._show()

    def watch_off(self) -> None:
        self._show()

    def watch_symbols(self) -> None:
        self._show()

    def _show(self) -> None:
        if not self.is_mounted:
            return
        text = Text()
        for address in sorted(self.addresses | self.off):
            name = self.symbols.get(address)
            armed = address in self.addresses
            text.append("● " if armed else "○ ", style="bold red" if armed else "dim")
            text.append(name or format_address(address), style="" if armed else "dim strike")
            text.append(" " if armed else " (off) ", style="dim")
        if not self.addresses and not self.off:
            text.append("none", style="dim")
        self.query_one("#breakpoint-list", Static).update(text)

    def on_mount(self) -> None:
        self._show()

    @on(Input.Submitted, "#breakpoint")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Toggled(event.value))  # the app clears the field if it is taken

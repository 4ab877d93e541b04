"""Breakpoints: a field to manage them (address, symbol or file:line) and the list of them.

In the field: `ADDR` adds a breakpoint (or deletes the one there), `!ADDR` disables an
armed one or arms a disabled one, `-ADDR` deletes, `clear` deletes them all; ADDR is hex,
a symbol or `file.asm:LINE`. The list shows every breakpoint, one a line with its source
line where known, and scrolls when there are more than fit; a disabled one shows `○`.
Watchpoints are set here too: `w RANGE` stops a run after a write to it, `r RANGE` after
a read, `rw RANGE` after either (RANGE: `ADDR` or `ADDR-END`); the same command again
removes it; `clear` removes them with the breakpoints. They are listed with `◆`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label, Static

from w65tool.board.bus import Watch
from w65tool.debug_map import DebugMap
from w65tool.disasm import usable_symbols
from w65tool.tui.addresses import format_address


class BreakpointBar(Horizontal):
    """Posts `Toggled` with the text typed; shows `addresses` named by symbols."""

    addresses: reactive[frozenset[int]] = reactive(frozenset())
    off: reactive[frozenset[int]] = reactive(frozenset())  # kept, but disabled
    symbols: reactive[dict[int, str]] = reactive(dict)
    debug_map: reactive[DebugMap | None] = reactive(None)  # names each one's source line
    watches: reactive[tuple[Watch, ...]] = reactive(tuple)

    class Toggled(Message):
        """Add a breakpoint at the address in `text`, or remove the one there."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Label("Break", classes="bar-label")
        yield Input(
            placeholder="addr, !addr, -addr, w/r addr, clear",
            id="breakpoint",
            compact=True,
            tooltip="ADDR (hex, symbol, file:line) add/delete, !ADDR disable/enable, "
            "-ADDR delete, w|r|rw ADDR[-END] watch writes/reads/both, clear: all",
        )
        with VerticalScroll(id="breakpoint-scroll"):
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

    def watch_debug_map(self) -> None:
        self._show()

    def watch_watches(self) -> None:
        self._show()

    def _show(self) -> None:
        if not self.is_mounted:
            return
        rows = []
        for address in sorted(self.addresses | self.off):
            armed = address in self.addresses
            row = Text("● " if armed else "○ ", style="bold red" if armed else "dim")
            row.append(format_address(address), style="" if armed else "dim strike")
            name = self.symbols.get(address)
            place = self.debug_map.place(address) if self.debug_map is not None else None
            if name:
                row.append(f" {name}", style="bold" if armed else "dim")
            if place is not None:
                row.append(f" {Path(place.file).name}:{place.line}", style="dim")
            if not armed:
                row.append(" (off)", style="dim")
            rows.append(row)
        for watch in self.watches:
            row = Text("◆ ", style="bold magenta")
            row.append(f"{watch.access} {format_address(watch.first)}")
            if watch.last != watch.first:
                row.append(f"-{format_address(watch.last)}")
            name = self.symbols.get(watch.first)
            if name:
                row.append(f" {name}", style="bold")
            rows.append(row)
        text = Text("\n").join(rows)
        if not rows:
            text.append("none", style="dim")
        self.query_one("#breakpoint-list", Static).update(text)

    def on_mount(self) -> None:
        self._show()

    @on(Input.Submitted, "#breakpoint")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Toggled(event.value))  # the app clears the field if it is taken

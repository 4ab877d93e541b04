"""The memory panel: an address (hex or symbol) to go to, and the hex grid below it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label

from w65tool.tui.widgets.hex_grid import HexGrid


class MemoryView(Vertical):
    """Posts `GoRequested` with the text typed; the app resolves it and calls `show()`."""

    BORDER_TITLE = "Memory"

    class GoRequested(Message):
        """The user typed an address or symbol to view."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bar"):
            yield Label("Go to", classes="bar-label")
            yield Input(placeholder="address or symbol", id="memory-address", compact=True)
            yield Button("Refresh", id="memory-refresh", compact=True, tooltip="read again")
        yield HexGrid(id="hex-grid")

    @property
    def grid(self) -> HexGrid:
        """The grid of bytes."""
        return self.query_one(HexGrid)

    def show(self, address: int) -> None:
        """View memory from `address`, cursor on it."""
        self.grid.show(address)

    @on(Input.Submitted, "#memory-address")
    def _go(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.GoRequested(event.value))

    @on(Button.Pressed, "#memory-refresh")
    def _refresh(self, event: Button.Pressed) -> None:
        event.stop()
        # posted here, not to the grid: a message never bubbles back up to its sender
        self.post_message(HexGrid.WindowChanged(*self.grid.window))

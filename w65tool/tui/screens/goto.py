"""`g` in the code view: type an address, a symbol or file:line to show there."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from w65tool.errors import W65Error


class GoToScreen(ModalScreen[int | None]):
    """Dismisses with the address typed, None on Escape. A bad entry says why below the
    field and stays there to be corrected."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#goto-input"

    def __init__(self, locate: Callable[[str], int]) -> None:
        """`locate(text)` gives the address or raises `W65Error` saying why not."""
        super().__init__()
        self.locate = locate

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-dialog"):
            yield Label("Go to: hex address (00:2000, $2000), symbol, or file.asm:LINE")
            yield Input(placeholder="address, symbol or file:line", id="goto-input")
            yield Label("", id="goto-error")

    @on(Input.Submitted, "#goto-input")
    def _chosen(self, event: Input.Submitted) -> None:
        try:
            address = self.locate(event.value)
        except W65Error as err:
            self.query_one("#goto-error", Label).update(err.message)
            return
        self.dismiss(address)

    def action_cancel(self) -> None:
        self.dismiss(None)

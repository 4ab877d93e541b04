"""Ctrl+R: open the board again, on the same port or on another one typed here."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class PortScreen(ModalScreen[str | None]):
    """Asks for the port; dismisses with what was typed ("" keeps the port), None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#port-path"

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="port-dialog"):
            yield Label(
                f"Reconnect: now {self.current}. Enter opens it again; type another "
                "port (device, glob, auto or URL) to move there; Escape cancels."
            )
            yield Input(placeholder="same port", id="port-path")

    @on(Input.Submitted, "#port-path")
    def _chosen(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)

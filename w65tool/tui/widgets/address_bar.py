"""The Address field with its JML and JSL buttons (the monitor's G and J)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Label


class AddressBar(Horizontal):
    """Posts `Jump` with the kind ("jml" or "jsl") and the address text as typed."""

    class Jump(Message):
        """Start (`jml`) or call (`jsl`) code at the address in `text`."""

        def __init__(self, kind: str, text: str) -> None:
            super().__init__()
            self.kind = kind
            self.text = text

    def compose(self) -> ComposeResult:
        yield Label("Address", classes="bar-label")
        yield Input(placeholder="00:0000 or symbol", id="address", compact=True)
        yield Button("JML", id="jml", compact=True, tooltip="start code here (monitor G), F2")
        yield Button("JSL", id="jsl", compact=True, tooltip="call, wait for RTL (monitor J), F3")

    @property
    def text(self) -> str:
        """What is in the Address field."""
        return self.query_one("#address", Input).value

    @text.setter
    def text(self, value: str) -> None:
        self.query_one("#address", Input).value = value

    def jump(self, kind: str) -> None:
        """Post a `Jump` for the address in the field (the keyboard shortcuts' way in)."""
        self.post_message(self.Jump(kind, self.text))

    @on(Button.Pressed, "#jml, #jsl")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.jump(event.button.id or "")

    @on(Input.Submitted, "#address")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.jump("jml")

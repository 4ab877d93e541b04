"""The Watch panel: watch expressions typed in its field, their values, and the stack."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static


class WatchPanel(VerticalScroll, can_focus=False):
    """Posts `Typed` with what was entered; `show` puts the values and the stack up.

    In the field: an expression adds it (A, X, [ADDR], [ADDR].w, a symbol), `-EXPR` removes
    it, `clear` removes them all."""

    BORDER_TITLE = "Watch"

    class Typed(Message):
        """The user entered `text` in the watch field."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="A, [addr], [addr].w, symbol, -expr",
            id="watch-input",
            compact=True,
            tooltip="add a watch expression; -EXPR removes it, clear removes all",
        )
        yield Static(id="watch-values")
        yield Static(id="stack-view")

    def show(self, values: list[str], stack: list[str], s: int | None) -> None:
        """Show the expressions' values and the stack (S as read)."""
        shown = (
            Text("\n").join(Text(v) for v in values)
            if values
            else Text("no watch expressions", style="dim")
        )
        self.query_one("#watch-values", Static).update(shown)
        title = Text("Stack" + (f" (S={s:04X})" if s is not None else ""), style="bold")
        rows = [Text(line) for line in stack] or [Text("empty", style="dim")]
        self.query_one("#stack-view", Static).update(Text("\n").join([title, *rows]))

    @on(Input.Submitted, "#watch-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Typed(event.value))  # the app clears the field if it is taken

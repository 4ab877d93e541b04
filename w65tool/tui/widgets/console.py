"""The board's console (UART3): what it sends, and a line to type into it.

The monitor ends lines with a bare CR; `LineEnds` turns CR, CR LF and LF alike into one new
line, even when a CR LF pair is split across two reads, and drops the XON/XOFF and NUL
bytes the ROM sends for flow control. With the output pane focused, keys go to the board
as typed (Enter as CR, Escape as ESC, Backspace as BS), as in a terminal.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Log

DROPPED = frozenset({0x00, 0x11, 0x13})
KEYS = {"enter": b"\r", "escape": b"\x1b", "backspace": b"\x08", "tab": b"\t"}
MAX_LINES = 5000


class LineEnds:
    """Text for a log from the board's bytes, with every kind of line end as one new line."""

    def __init__(self) -> None:
        self._after_cr = False

    def __call__(self, data: bytes) -> str:
        out = []
        for byte in data:
            if byte == 0x0A and self._after_cr:
                self._after_cr = False
                continue  # the LF of a CR LF pair
            self._after_cr = byte == 0x0D
            if byte in (0x0D, 0x0A):
                out.append("\n")
            elif byte not in DROPPED:
                out.append(chr(byte) if 0x20 <= byte < 0x7F or byte == 0x09 else "·")
        return "".join(out)


class ConsoleLog(Log):
    """The output pane; keys typed while it has focus go straight to the board."""

    class Typed(Message):
        """Bytes to send, typed in the output pane."""

        def __init__(self, data: bytes) -> None:
            super().__init__()
            self.data = data

    def on_key(self, event: events.Key) -> None:
        data = KEYS.get(event.key)
        if data is None and event.character and event.is_printable:
            data = event.character.encode("latin-1", "replace")
        if data is not None:
            event.stop()
            event.prevent_default()
            self.post_message(self.Typed(data))


class ConsoleView(Vertical):
    """Posts `Send` with the bytes to write to the board's console."""

    BORDER_TITLE = "Console"

    class Send(Message):
        """Bytes for the board's console."""

        def __init__(self, data: bytes) -> None:
            super().__init__()
            self.data = data

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._line_ends = LineEnds()

    def compose(self) -> ComposeResult:
        yield ConsoleLog(id="console-log", max_lines=MAX_LINES, auto_scroll=True)
        with Horizontal(classes="bar"):
            yield Label("Send", classes="bar-label")
            yield Input(placeholder="text, Enter adds CR", id="console-input", compact=True)

    def received(self, data: bytes) -> None:
        """Show bytes the board sent."""
        self.query_one(ConsoleLog).write(self._line_ends(data))

    @property
    def text(self) -> str:
        """Everything shown so far (tests and copy)."""
        return "\n".join(self.query_one(ConsoleLog).lines)

    @on(Input.Submitted, "#console-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Send(event.value.encode("latin-1", "replace") + b"\r"))
        event.input.value = ""

    @on(ConsoleLog.Typed)
    def _typed(self, event: ConsoleLog.Typed) -> None:
        event.stop()
        self.post_message(self.Send(event.data))

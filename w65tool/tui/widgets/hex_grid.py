"""A hex + ASCII grid over a window of the 24-bit memory, with a cursor to edit bytes in place."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from w65tool.tui.addresses import format_address

TOP = 0xFFFFFF
WIDE_ROW = 16
NARROW_ROW = 8


def row_width(per_row: int) -> int:
    """Cells a row of `per_row` bytes takes: address, hex, ASCII."""
    return 10 + 4 * per_row


def ascii_of(value: int | None) -> str:
    """The ASCII column's character for a byte (`.` when unprintable, blank when unread)."""
    if value is None:
        return " "
    return chr(value) if 0x20 <= value < 0x7F else "."


class HexGrid(Widget, can_focus=True):
    """Rows of bytes from `base`; the window follows the cursor and the widget's height.

    Posts `WindowChanged` when it needs other bytes, and `ByteEdited` when two hex digits
    have been typed at the cursor. Bytes the board was not asked for (the I/O window) are
    `None` in `values` and show as `--`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1, 0)", "Up", show=False, tooltip="cursor up a row"),
        Binding("down", "move(1, 0)", "Down", show=False, tooltip="cursor down a row"),
        Binding("left", "move(0, -1)", "Left", show=False, tooltip="cursor back a byte"),
        Binding("right", "move(0, 1)", "Right", show=False, tooltip="cursor on a byte"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="a screenful back"),
        Binding("pagedown", "page(1)", "Page down", show=False, tooltip="a screenful on"),
        Binding("escape", "cancel_edit", "Cancel", show=False, tooltip="drop a half-typed byte"),
    ]

    base: reactive[int] = reactive(0)
    cursor: reactive[int] = reactive(0)
    values: reactive[list[int | None]] = reactive(list, always_update=True)
    values_base: int = -1

    class WindowChanged(Message):
        """The grid shows `length` bytes from `address` and needs them read."""

        def __init__(self, address: int, length: int) -> None:
            super().__init__()
            self.address = address
            self.length = length

    class ByteEdited(Message):
        """The user typed `value` for the byte at `address`."""

        def __init__(self, address: int, value: int) -> None:
            super().__init__()
            self.address = address
            self.value = value

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._nibble: int | None = None

    # -- geometry -------------------------------------------------------------------------
    @property
    def per_row(self) -> int:
        """Bytes a row: 16 where the width allows, else 8."""
        return WIDE_ROW if self.size.width >= row_width(WIDE_ROW) else NARROW_ROW

    @property
    def length(self) -> int:
        """Bytes in view."""
        return self.per_row * max(1, self.size.height)

    @property
    def window(self) -> tuple[int, int]:
        """The address and number of the bytes in view (none past the top of memory)."""
        base = self.base
        return base, min(self.length, TOP + 1 - base)

    def show(self, address: int) -> None:
        """Put `address` at the cursor, on the top row."""
        self._nibble = None
        self.cursor = address & TOP
        self.base = self._row_start(self.cursor)
        self._announce()

    def set_values(self, address: int, values: list[int | None]) -> None:
        """Bytes read for the window from `address`."""
        self.values_base = address
        self.values = values

    def value_at(self, address: int) -> int | None:
        """The byte shown at `address`, if it has been read."""
        offset = address - self.values_base
        if self.values_base < 0 or not 0 <= offset < len(self.values):
            return None
        return self.values[offset]

    def _row_start(self, address: int) -> int:
        return address - address % self.per_row

    def _announce(self) -> None:
        self.post_message(self.WindowChanged(*self.window))

    def on_resize(self, event: events.Resize) -> None:
        self.base = self._row_start(self.base)
        self._announce()

    # -- moving ---------------------------------------------------------------------------
    def action_move(self, rows: int, cells: int) -> None:
        self._go(self.cursor + rows * self.per_row + cells)

    def action_page(self, pages: int) -> None:
        self._go(self.cursor + pages * self.length, scroll=pages * self.length)

    def action_cancel_edit(self) -> None:
        self._nibble = None
        self.refresh()

    def _go(self, address: int, scroll: int = 0) -> None:
        self._nibble = None
        self.cursor = min(max(address, 0), TOP)
        base = self.base + scroll if scroll else self.base
        if self.cursor < base:
            base = self._row_start(self.cursor)
        elif self.cursor >= base + self.length:
            base = self._row_start(self.cursor) - self.length + self.per_row
        base = min(max(base, 0), self._row_start(TOP))
        if base != self.base:
            self.base = base
            self._announce()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._scroll(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._scroll(-3)

    def _scroll(self, rows: int) -> None:
        base = min(max(self.base + rows * self.per_row, 0), self._row_start(TOP))
        if base != self.base:
            self.base = base
            self.cursor = min(max(self.cursor, base), base + self.length - 1)
            self._announce()

    def on_click(self, event: events.Click) -> None:
        per_row = self.per_row
        column = event.x - 9
        if event.x >= 10 + 3 * per_row:  # a click in the ASCII column
            column = (event.x - (10 + 3 * per_row)) * 3
        if 0 <= column < 3 * per_row:
            self._go(self.base + event.y * per_row + column // 3)

    # -- editing --------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        char = event.character
        if char is None or len(char) != 1 or char not in "0123456789abcdefABCDEF":
            return
        event.stop()
        digit = int(char, 16)
        if self._nibble is None:
            self._nibble = digit
            self.refresh()
            return
        value = self._nibble << 4 | digit
        self._nibble = None
        self.post_message(self.ByteEdited(self.cursor, value))
        self._go(self.cursor + 1)

    # -- drawing --------------------------------------------------------------------------
    def render(self) -> Text:
        per_row = self.per_row
        rows = []
        for row in range(max(1, self.size.height)):
            start = self.base + row * per_row
            if start > TOP:
                break
            rows.append(self._render_row(start, per_row))
        return Text("\n").join(rows)

    def _render_row(self, start: int, per_row: int) -> Text:
        text = Text(f"{format_address(start)}  ", style="dim")
        chars = Text()
        for i in range(per_row):
            address = start + i
            if address > TOP:
                break
            value = self.value_at(address)
            cell = "--" if value is None else f"{value:02X}"
            style = ""
            if address == self.cursor:
                if self._nibble is not None:
                    cell = f"{self._nibble:X}_"
                style = "reverse" if self.has_focus else "underline"
            text.append(cell, style=style)
            text.append(" ")
            chars.append(ascii_of(value), style=style)
        text.append(" ")
        text.append_text(chars)
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self._nibble = None
        self.refresh()

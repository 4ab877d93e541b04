"""The code view: the program's source or the disassembly, the PC line marked, breakpoints
marked, symbols as labels, and a cursor to move over it.

Up/Down and PgUp/PgDn move the cursor (`›`); past the lines read so far the view asks the
app for the code around the cursor (`Reanchor`). `g` asks for an address, symbol or
file:line to go to, `c` runs to the cursor's line, `b` toggles a breakpoint there and `p`
brings the view back to the PC."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from w65tool.disasm import Line, usable_symbols
from w65tool.tui.addresses import format_address

BYTES_SHOWN = 4
"""Instruction bytes shown per line (the longest 65816 instruction)."""

ABOVE = 4
"""Rows shown above the PC's (or the cursor's) line."""


class DisassemblyView(Widget, can_focus=True):
    """Lines from `w65tool.tui.listing.around_pc` (or source lines from the debug map); a
    click on a line toggles a breakpoint."""

    BORDER_TITLE = "Disassembly"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, tooltip="cursor to the line above"),
        Binding("down", "move(1)", "Down", show=False, tooltip="cursor to the line below"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="cursor a page up"),
        Binding("pagedown", "page(1)", "Page down", show=False, tooltip="cursor a page down"),
        Binding("g", "go_to", "Go to", show=False, tooltip="an address, symbol or file:line"),
        Binding("c", "run_to_cursor", "To cursor", show=False, tooltip="run to the cursor"),
        Binding("b", "break_here", "Break", show=False, tooltip="breakpoint at the cursor"),
        Binding("p", "to_pc", "To PC", show=False, tooltip="back to the PC's line"),
    ]

    lines: reactive[list[Line]] = reactive(list, always_update=True)
    pc: reactive[int | None] = reactive(None)
    cursor: reactive[int | None] = reactive(None)
    """The cursor's address; None while it is on the PC's line."""
    breakpoints: reactive[frozenset[int]] = reactive(frozenset())
    symbols: reactive[dict[int, str]] = reactive(dict)
    note: reactive[str] = reactive("")
    """Shown instead of the lines when they mean nothing to a person (the emulated ROM)."""

    class BreakpointToggled(Message):
        """The user clicked the line at `address` (or pressed `b` on it)."""

        def __init__(self, address: int) -> None:
            super().__init__()
            self.address = address

    class Reanchor(Message):
        """The cursor left the lines read: read the code around `address`."""

        def __init__(self, address: int) -> None:
            super().__init__()
            self.address = address

    class RunToCursor(Message):
        """Run the board until the PC reaches `address`."""

        def __init__(self, address: int) -> None:
            super().__init__()
            self.address = address

    class GoToRequested(Message):
        """The user wants to type a place to show."""

    class BackToPc(Message):
        """The user wants the view to follow the PC again."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source: list[tuple[int | None, int, str]] = []
        self.pc_line = 0

    def show_source(self, source: list[tuple[int | None, int, str]], file: str, line: int) -> None:
        """Show these source lines (address, number, text) instead of the disassembly; an
        empty list goes back to the disassembly. `line` is the PC's (0: not in them)."""
        self.source = source
        self.pc_line = line
        self.border_title = f"Source: {Path(file).name}" if source else "Disassembly"

    def watch_note(self, note: str) -> None:
        self.set_class(bool(note), "-note")  # a note wraps; code lines are cut at the edge

    def set_symbols(self, symbols: Mapping[str, int]) -> None:
        """Name addresses with these symbols (name -> value)."""
        self.symbols = usable_symbols(symbols)

    # -- rows -----------------------------------------------------------------------------
    def rows(self) -> list[tuple[int | None, Text]]:
        """Every row read: its address (None for a label or a line without code) and text."""
        return self._source_rows() if self.source else self._code_rows()

    def _marks(self, text: Text, address: int | None, at_pc: bool) -> None:
        text.append("●" if address in self.breakpoints else " ", style="bold red")
        at_cursor = self.cursor is not None and address == self.cursor
        text.append("▶" if at_pc else "›" if at_cursor else " ", style="bold")

    def _source_rows(self) -> list[tuple[int | None, Text]]:
        out: list[tuple[int | None, Text]] = []
        for address, number, line in self.source:
            at_pc = number == self.pc_line
            text = Text()
            self._marks(text, address, at_pc)
            text.append(f"{number:5} ", style="dim")
            text.append(line.expandtabs(8))
            self._highlight(text, address, at_pc)
            out.append((address, text))
        return out

    def _code_rows(self) -> list[tuple[int | None, Text]]:
        out: list[tuple[int | None, Text]] = []
        for line in self.lines:
            label = self.symbols.get(line.address)
            if label is not None and line.mnemonic:
                out.append((None, Text(f"{label}:", style="bold")))
            out.append((line.address if line.mnemonic else None, self._row(line)))
        return out

    def _row(self, line: Line) -> Text:
        at_pc = line.address == self.pc
        text = Text()
        self._marks(text, line.address, at_pc)
        text.append(f"{format_address(line.address)} ", style="dim" if not at_pc else "")
        if not line.mnemonic:
            text.append(line.text, style="italic dim")
        else:
            shown = " ".join(f"{b:02X}" for b in line.data[:BYTES_SHOWN])
            text.append(f"{shown:<{3 * BYTES_SHOWN}}", style="dim")
            text.append(f"{line.mnemonic} {line.operand}".rstrip())
        self._highlight(text, line.address, at_pc)
        return text

    def _highlight(self, text: Text, address: int | None, at_pc: bool) -> None:
        if at_pc:
            text.stylize("reverse")
        elif self.cursor is not None and address == self.cursor:
            text.stylize("underline")

    def _focus_index(self, rows: list[tuple[int | None, Text]]) -> int:
        """The row the view keeps in sight: the cursor's, else the PC's."""
        if self.cursor is not None:
            for i, (address, _) in enumerate(rows):
                if address == self.cursor:
                    return i
        for i, (_, text) in enumerate(rows):
            if text.plain[1:2] == "▶":
                return i
        return 0

    def _first(self, rows: list[tuple[int | None, Text]]) -> int:
        """The first row shown: the cursor (or PC) in view with a few rows above it."""
        return max(0, min(self._focus_index(rows) - ABOVE, len(rows) - self.size.height))

    def render(self) -> Text:
        if self.note:
            return Text("▶" + self.note, style="italic")
        rows = self.rows()
        if not rows:
            return Text("no code read yet", style="dim italic")
        first = self._first(rows)
        shown = rows[first : first + max(1, self.size.height)]
        # one row a line: a long comment is cut at the edge, never wrapped onto the next
        return Text("\n", no_wrap=True, overflow="ellipsis").join(t for _, t in shown)

    # -- the cursor -----------------------------------------------------------------------
    def cursor_address(self) -> int | None:
        """Where the cursor is: its address, else the PC's."""
        return self.cursor if self.cursor is not None else self.pc

    def action_move(self, delta: int) -> None:
        """Move the cursor `delta` lines of code; past the lines read, read more there."""
        if self.note:
            return
        addresses = [a for a, _ in self.rows() if a is not None]
        if not addresses:
            return
        here = self.cursor_address()
        index = addresses.index(here) if here in addresses else 0
        wanted = index + delta
        if 0 <= wanted < len(addresses):
            self.cursor = addresses[wanted]
            return
        edge = addresses[0] if wanted < 0 else addresses[-1]
        self.cursor = edge
        self.post_message(self.Reanchor(edge))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 1))

    def action_go_to(self) -> None:
        self.post_message(self.GoToRequested())

    def action_run_to_cursor(self) -> None:
        address = self.cursor_address()
        if address is not None:
            self.post_message(self.RunToCursor(address))

    def action_break_here(self) -> None:
        address = self.cursor_address()
        if address is not None:
            self.post_message(self.BreakpointToggled(address))

    def action_to_pc(self) -> None:
        self.cursor = None
        self.post_message(self.BackToPc())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.note:
            return  # on the border
        rows = self.rows()
        index = self._first(rows) + offset.y
        if 0 <= index < len(rows) and rows[index][0] is not None:
            self.post_message(self.BreakpointToggled(rows[index][0]))

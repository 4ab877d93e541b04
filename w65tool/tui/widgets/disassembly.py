"""The disassembly around PC: the PC line marked, breakpoints marked, symbols as labels."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from w65tool.disasm import Line, usable_symbols
from w65tool.tui.addresses import format_address

BYTES_SHOWN = 4
"""Instruction bytes shown per line (the longest 65816 instruction)."""


class DisassemblyView(Widget, can_focus=True):
    """Lines from `w65tool.tui.listing.around_pc`; a click on a line toggles a breakpoint."""

    BORDER_TITLE = "Disassembly"

    lines: reactive[list[Line]] = reactive(list, always_update=True)
    pc: reactive[int | None] = reactive(None)
    breakpoints: reactive[frozenset[int]] = reactive(frozenset())
    symbols: reactive[dict[int, str]] = reactive(dict)
    note: reactive[str] = reactive("")
    """Shown instead of the lines when they mean nothing to a person (the emulated ROM)."""

    class BreakpointToggled(Message):
        """The user clicked the line at `address`."""

        def __init__(self, address: int) -> None:
            super().__init__()
            self.address = address

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source: list[tuple[int | None, int, str]] = []
        self.pc_line = 0

    def show_source(self, source: list[tuple[int | None, int, str]], file: str, line: int) -> None:
        """Show these source lines (address, number, text) instead of the disassembly; an
        empty list goes back to the disassembly."""
        self.source = source
        self.pc_line = line
        self.border_title = f"Source: {Path(file).name}" if source else "Disassembly"

    def _source_rows(self) -> list[tuple[int | None, Text]]:
        out: list[tuple[int | None, Text]] = []
        for address, number, line in self.source:
            at_pc = number == self.pc_line
            text = Text()
            text.append("●" if address in self.breakpoints else " ", style="bold red")
            text.append("▶" if at_pc else " ", style="bold")
            text.append(f"{number:5} ", style="dim")
            text.append(line.expandtabs(8))
            if at_pc:
                text.stylize("reverse")
            out.append((address, text))
        return out

    def _source_first(self, rows: list[tuple[int | None, Text]]) -> int:
        """The first source row shown: the PC's line in view with a few lines above it."""
        at = next((i for i, (_, t) in enumerate(rows) if t.plain[1] == "▶"), 0)
        return max(0, min(at - 4, len(rows) - self.size.height))

    def set_symbols(self, symbols: Mapping[str, int]) -> None:
        """Name addresses with these symbols (name -> value)."""
        self.symbols = usable_symbols(symbols)

    def rows(self) -> list[tuple[Line | None, Text]]:
        """The visible rows: each a line (None for a label row) and its text."""
        out: list[tuple[Line | None, Text]] = []
        for line in self.lines:
            label = self.symbols.get(line.address)
            if label is not None and line.mnemonic:
                out.append((None, Text(f"{label}:", style="bold")))
            out.append((line, self._row(line)))
        return out

    def _row(self, line: Line) -> Text:
        at_pc = line.address == self.pc
        mark = "▶" if at_pc else " "
        stop = "●" if line.address in self.breakpoints else " "
        text = Text()
        text.append(stop, style="bold red")
        text.append(mark, style="bold")
        text.append(f"{format_address(line.address)} ", style="dim" if not at_pc else "")
        if not line.mnemonic:
            text.append(line.text, style="italic dim")
        else:
            shown = " ".join(f"{b:02X}" for b in line.data[:BYTES_SHOWN])
            text.append(f"{shown:<{3 * BYTES_SHOWN}}", style="dim")
            text.append(f"{line.mnemonic} {line.operand}".rstrip())
        if at_pc:
            text.stylize("reverse")
        return text

    def render(self) -> Text:
        if self.note:
            return Text("▶" + self.note, style="italic")
        if self.source:
            rows_s = self._source_rows()
            first = self._source_first(rows_s)
            shown_s = rows_s[first : first + max(1, self.size.height)]
            # one row a line: a long comment is cut at the edge, never wrapped onto the next
            return Text("\n", no_wrap=True, overflow="ellipsis").join(t for _, t in shown_s)
        rows = self.rows()
        if not rows:
            return Text("no code read yet", style="dim italic")
        first = self._first(rows)
        shown = rows[first : first + max(1, self.size.height)]
        return Text("\n").join(text for _, text in shown)

    def _first(self, rows: list[tuple[Line | None, Text]]) -> int:
        """The first row shown: PC in view with a few lines before it, whatever the height."""
        at = next((i for i, (line, _) in enumerate(rows) if line and line.address == self.pc), 0)
        return max(0, min(at - 4, len(rows) - self.size.height))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.note:
            return  # on the border
        if self.source:
            rows_s = self._source_rows()
            index = self._source_first(rows_s) + offset.y
            if 0 <= index < len(rows_s) and rows_s[index][0] is not None:
                self.post_message(self.BreakpointToggled(rows_s[index][0]))
            return
        rows = self.rows()
        index = self._first(rows) + offset.y
        if 0 <= index < len(rows):
            line = rows[index][0]
            if line is not None and line.mnemonic:
                self.post_message(self.BreakpointToggled(line.address))

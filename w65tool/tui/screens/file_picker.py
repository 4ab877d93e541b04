"""Pick a program file to upload from a directory tree (HEX, S-records, assembly source)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Label

PROGRAM_SUFFIXES = frozenset({".hex", ".ihx", ".s28", ".srec", ".s19", ".s37", ".asm", ".s"})


class ProgramTree(DirectoryTree):
    """A directory tree listing only folders and program files."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in PROGRAM_SUFFIXES)
        ]


class FilePicker(ModalScreen[str | None]):
    """Dismisses with the chosen file's path, or None on Escape."""

    AUTO_FOCUS = "#picker-tree"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, start: str | Path = ".") -> None:
        super().__init__()
        self.start = Path(start)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label("Pick a program (.hex .s28 .asm); Escape cancels", id="picker-title")
            yield ProgramTree(self.start, id="picker-tree")

    @on(DirectoryTree.FileSelected)
    def _chosen(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(str(event.path))

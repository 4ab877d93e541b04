"""Upload: a program file (.hex, .s28 or assembly source), its progress, the verify result."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, ProgressBar, Static


class UploadPanel(Vertical):
    """Posts `UploadRequested` (a path) and `BrowseRequested`; the app reports back here."""

    BORDER_TITLE = "Upload"

    report: str = ""
    """The text of the last report (verify result or diagnostics)."""

    class UploadRequested(Message):
        """Load the program in the file at `path`."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    class BrowseRequested(Message):
        """The user wants to pick the file from a list."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="file: .hex .s28 .asm", id="upload-path", compact=True)
        with Horizontal(classes="bar"):
            yield Button("Browse…", id="browse", compact=True, tooltip="pick a file (Ctrl+O)")
            yield Button("Upload", id="upload", compact=True, tooltip="load and verify (F10)")
        yield ProgressBar(total=1, id="upload-progress", show_eta=False)
        with VerticalScroll(id="upload-report-scroll"):
            yield Static(id="upload-report", markup=False)

    @property
    def path(self) -> str:
        """The file named in the field."""
        return self.query_one("#upload-path", Input).value.strip()

    @path.setter
    def path(self, value: str) -> None:
        self.query_one("#upload-path", Input).value = value

    def request(self) -> None:
        """Post an `UploadRequested` for the file in the field."""
        self.post_message(self.UploadRequested(self.path))

    def started(self, what: str) -> None:
        """A new upload began: clear the last report."""
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        self._report(Text(what, style="dim"))

    def progress(self, done: int, total: int, phase: str = "sending") -> None:
        """`done` of `total` bytes sent ("sending") or read back ("verifying")."""
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self._report(Text(f"{phase}: {done} of {total} bytes", style="dim"))

    def finished(self, message: str, ok: bool) -> None:
        """The upload ended: a verify result (ok) or a failure."""
        bar = self.query_one(ProgressBar)
        if bar.total is None:  # it failed before loading began
            bar.update(total=1, progress=0)
        style = "green" if ok else "bold red"
        self._report(Text(message, style=style))
        self.set_class(not ok, "-failed")

    def _report(self, text: Text) -> None:
        self.report = text.plain
        self.query_one("#upload-report", Static).update(text)

    @on(Button.Pressed, "#upload")
    def _upload(self, event: Button.Pressed) -> None:
        event.stop()
        self.request()

    @on(Input.Submitted, "#upload-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.request()

    @on(Button.Pressed, "#browse")
    def _browse(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.BrowseRequested())

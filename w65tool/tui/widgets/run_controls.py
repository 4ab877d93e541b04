"""Run, Stop, Step, Step over and Reset: the emulated board's execution controls."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button

COMMANDS = (
    ("run", "Run", "let the board run (F5)"),
    ("stop", "Stop", "halt the board (F6)"),
    ("step", "Step", "execute one instruction (F7)"),
    ("step_over", "Over", "step, running a JSR/JSL to its return (F8)"),
    ("step_out", "Out", "run until this routine returns (F11)"),
    ("reset", "Reset", "reset the chip: the monitor starts again (F12)"),
)


class RunControls(Horizontal):
    """Posts `Command` with one of `run stop step step_over step_out reset`."""

    running: reactive[bool] = reactive(False)

    class Command(Message):
        """The user pressed one of the buttons."""

        def __init__(self, command: str) -> None:
            super().__init__()
            self.command = command

    def compose(self) -> ComposeResult:
        for command, label, tip in COMMANDS:
            yield Button(label, id=command.replace("_", "-"), compact=True, tooltip=tip)

    def watch_running(self, running: bool) -> None:
        for command, _, _ in COMMANDS:
            button = self.query_one(f"#{command.replace('_', '-')}", Button)
            button.disabled = command != "reset" and running != (command == "stop")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Command((event.button.id or "").replace("-", "_")))

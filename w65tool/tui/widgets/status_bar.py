"""The status line: the target (port and baud, or the emulator), its state, the last error."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

STATE_STYLES = {
    "connected": "bold green",
    "running": "bold green",
    "halted": "bold yellow",
    "busy": "bold cyan",
    "disconnected": "bold white on red",
}


class StatusBar(Widget):
    """One line; every part is a reactive the app sets."""

    target: reactive[str] = reactive("")
    state: reactive[str] = reactive("connected")
    error: reactive[str] = reactive("")
    cycles: reactive[str] = reactive("")  # "cycles N  lap M" on a target that counts them

    def render(self) -> Text:
        text = Text(f" {self.target} ", style="bold")
        text.append(f" {self.state} ", style=STATE_STYLES.get(self.state.split(":")[0], ""))
        if self.cycles:
            text.append(f" {self.cycles} ", style="dim")
        if self.error:
            text.append("  ")
            text.append(self.error, style="red")
        return text

"""The board's lamps, live: P77 down to P70 (as the port's bits read), then any others."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

LIT = "●"
DARK = "○"


def lamp_order(names: list[str]) -> list[str]:
    """Port 7 from bit 7 down (so the row reads as the byte written), then the rest."""
    port7 = sorted((n for n in names if n.startswith("P7")), reverse=True)
    return port7 + sorted(n for n in names if not n.startswith("P7"))


class LedStrip(Widget):
    """One row: a label and a lamp per pin, lit or dark."""

    leds: reactive[dict[str, bool]] = reactive(dict, always_update=True)

    def render(self) -> Text:
        text = Text("LEDs ", style="bold")
        if not self.leds:
            text.append("none on this board", style="dim")
            return text
        names = lamp_order(list(self.leds))
        for i, name in enumerate(names):
            lit = self.leds[name]
            if i and not name.startswith("P7") and names[i - 1].startswith("P7"):
                text.append("  ")
            text.append(LIT if lit else DARK, style="bold red" if lit else "dim")
        first, last = names[0], names[-1]
        text.append(f"  {first}…{last}" if len(names) > 1 else f"  {first}", style="dim")
        return text

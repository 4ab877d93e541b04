"""The TUI on a board reached through its monitor: where run control by BRK falls short, shown.

A breakpoint there is a BRK in RAM (`w65tool.target.brk_debug`): Run continues, Step and Step
over work by temporary BRKs, but the serial line cannot stop, reset, count cycles, watch memory
or break in ROM. The code view says so in its border, with the reasons as its tooltip, and the
keys that cannot work say why when pressed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from w65tool.addresses import format_address
from w65tool.target.base import Target
from w65tool.target.brk_debug import SERIAL_LIMITS

if TYPE_CHECKING:
    from w65tool.tui.app import W65App

LIMITS_NOTE = "board: breakpoints by BRK in RAM; no stop, watch, cycles, reset, ROM breaks"
"""The code view's border subtitle on a board reached through its monitor."""


def limits_text() -> str:
    """Every feature the serial line cannot give, and why, one a line."""
    return "\n".join(f"{what}: {why}" for what, why in SERIAL_LIMITS.items())


def cannot_stop(target: Target) -> str:
    """Why Stop cannot work, and what still holds a BRK while the program runs."""
    debugger = getattr(target, "debugger", None)
    armed = sorted(debugger.armed) if debugger is not None and debugger.running else []
    where = ", ".join(format_address(a) for a in armed)
    left = f"; BRKs wait at {where} until the program reaches one" if armed else ""
    return SERIAL_LIMITS["stop"] + left


def mark_serial_limits(app: W65App) -> None:
    """Mark the code view with what the serial line cannot give; hide the lamps it has not."""
    from w65tool.tui.widgets.disassembly import DisassemblyView
    from w65tool.tui.widgets.leds import LedStrip

    view = app.query_one(DisassemblyView)
    view.border_subtitle = LIMITS_NOTE
    view.tooltip = limits_text()
    app.query_one(LedStrip).display = False

"""Save docs/images/tui.svg: `w65 tui --sim samples/led_blink.asm` at 120x40, halted at a
breakpoint.

Run from the repository's root: `python docs/make_tui_screenshot.py`. It loads the sample
as the command line would, starts it (F2), shows its code in the memory panel, waits for
the lamp to light, sets a watchpoint, watch expressions and a breakpoint, waits for the
halt there and saves the screen.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from w65tool.cli import build_parser
from w65tool.cli.tui_cmd import build_app

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images" / "tui.svg"
SIZE = (120, 40)
WAIT = 20.0
"""Seconds any one step may take before the script gives up."""


async def until(pilot, condition, what: str) -> None:
    """Let the app run until `condition()` holds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"make_tui_screenshot: no {what} within {WAIT:.0f} s")
        await pilot.pause(0.05)


async def shoot() -> None:
    """Drive the app as a person would, then save the screen as SVG."""
    sample = str(ROOT / "samples" / "led_blink.asm")
    app = build_app(build_parser("tui").parse_args(["tui", "--sim", sample]))
    async with app.run_test(size=SIZE) as pilot:
        address = app.query_one("#address")
        await until(pilot, lambda: address.value == "00:00B6", "upload")
        app.query_one("#memory-address").value = "start"
        await pilot.click("#memory-address")
        await pilot.press("enter")
        await pilot.press("f2")  # JML to the entry the upload put in Address
        lamps = app.query_one("#leds")
        await until(pilot, lambda: lamps.leds.get("P72"), "lit lamp")
        # then a watchpoint on the lamps' port, two watch expressions and a breakpoint on
        # the delay routine, where the run soon halts
        entries = [("#breakpoint", "w PD7"), ("#watch-input", "A"), ("#watch-input", "X")]
        for field, text in [*entries, ("#breakpoint", "delay")]:
            app.query_one(field).value = text
            app.query_one(field).focus()
            await pilot.press("enter")
        await until(pilot, lambda: not app.session.running, "halt at the breakpoint")
        app.query_one("#upload-path").value = "samples/led_blink.asm"
        app.set_focus(None)
        await pilot.pause(0.6)  # the views follow the run twice a second
        app.save_screenshot(filename=OUT.name, path=str(OUT.parent))
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(shoot())

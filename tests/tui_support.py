"""Helpers for the TUI's tests: the screen as plain text, waiting for the target's workers."""

from __future__ import annotations

import asyncio
import functools
import io
import time

from rich.console import Console
from textual.app import App


def async_test(test):
    """Run an `async def` test in its own event loop (the suite has no asyncio plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


def screen_text(app: App) -> str:
    """What the terminal shows, as plain text lines."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


async def settle(pilot, timeout: float = 10.0) -> None:
    """Wait until the target's workers are done and the messages they posted are handled.

    Idle must hold for a few turns of the event loop in a row: a key's action may take a
    turn or two to start its worker."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 4:
        await pilot.pause()
        busy = [w for w in app.workers if w.group == "target" and not w.is_finished]
        quiet = 0 if busy else quiet + 1
        if busy and time.monotonic() > deadline:
            raise AssertionError(f"workers still busy after {timeout} s: {busy}")
        if busy:
            await asyncio.sleep(0.01)


BLINK = """\
; port 7 counts up, calling a subroutine each time round
        .org $00C0
        .a8
        .i8
start:  lda #$00
        sta $DF27       ; PCS7: port 7 pins are plain outputs
loop:   inc a
        sta $DF23       ; PD7: the lamps
        jsr sub
        bra loop
sub:    nop
        rts
double: asl a           ; for JSL: A = 2 * A
        rtl
"""
"""The test program: `start` $00C0, `loop` $00C5, `sub` $00CE, `double` $00D0."""


def blink_image():
    """BLINK assembled, and its symbols."""
    from w65tool.asm import assemble_source

    result = assemble_source(BLINK, "blink.asm")
    return result.image, dict(result.symbols)


def within(app: App, selector: str) -> bool:
    """True when the widget is drawn whole: on screen and not clipped by any container."""
    widget = app.query_one(selector)
    geometry = app.screen._compositor.full_map.get(widget)
    if geometry is None or not geometry.region.area:
        return False
    region = geometry.region
    return region.intersection(geometry.clip) == region and app.screen.region.contains_region(
        region
    )

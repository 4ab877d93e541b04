"""Helpers for the TUI's tests: the screen as plain text, waiting for the target's workers."""

from __future__ import annotations

import asyncio
import functools
import time

from textual.app import App


def async_test(test):
    """Run an `async def` test in its own event loop (the suite has no asyncio plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


def screen_text(app: App) -> str:
    """What the terminal shows, as plain text lines.

    Each cell is taken from the widget Textual reports on top there (`get_widget_at`), as
    that widget renders itself (`render_lines`): the public way to what the compositor draws."""
    from textual.geometry import Region

    screen = app.screen
    width, height = app.size
    rendered: dict[object, list] = {}
    rows = []
    for y in range(height):
        cells = []
        x = 0
        while x < width:
            found = _at(screen, x, y)
            if found is None:
                cells.append(" ")
                x += 1
                continue
            widget, region = found
            if widget not in rendered:
                rendered[widget] = widget.render_lines(Region(0, 0, region.width, region.height))
            end = x + 1  # the run of cells this widget covers on the row
            while end < min(width, region.right) and (_at(screen, end, y) or [None])[0] is widget:
                end += 1
            strip = rendered[widget][y - region.y]
            cells.append(strip.crop(x - region.x, end - region.x).text)
            x = end
        rows.append("".join(cells))
    return "\n".join(rows)


def _at(screen, x: int, y: int):
    """The widget on top at (x, y) and its region, or None."""
    from textual.errors import NoWidget

    try:
        return screen.get_widget_at(x, y)
    except NoWidget:
        return None


async def settle(pilot, timeout: float = 10.0) -> None:
    """Wait until the target's workers are done and the messages they posted are handled.

    Idle must hold for a few turns of the event loop in a row: a key's action may take a
    turn or two to start its worker. Each turn waits for the screen's messages to be handled
    and a short sleep (`pause(delay)`), not for Textual's idle guess (`pause()`), which
    watches the process's CPU time: a running emulated board keeps that busy, and the guess
    then waits its full second a turn. While the board runs, wait for what a test asserts
    with `until`: its views are read again and again."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 4:
        await pilot.pause(0.01)
        # a running board's views are read again every half second (`follow_views`): that
        # never ends, and no test waits for it
        busy = [
            w
            for w in app.workers
            if w.group == "target" and not w.is_finished and w.name != "follow_views"
        ]
        quiet = 0 if busy else quiet + 1
        if busy and time.monotonic() > deadline:
            raise AssertionError(f"workers still busy after {timeout} s: {busy}")
        if busy:
            await asyncio.sleep(0.01)


async def press(pilot, *keys: str) -> None:
    """Press keys as `pilot.press` does, for a board that runs: each key is handled before
    the next, with no wait for the process to go idle, which a running board never lets it
    (`pilot.press` then waits a second a key, `pilot.click` four)."""
    from textual import events

    for key in keys:
        pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(0.01)


async def type_into(pilot, selector: str, text: str, *, click: bool = True) -> None:
    """Put `text` in the field at `selector` (keys are slow in bulk) and press Enter. The
    field is clicked, as a user does, or only focused (`click=False`)."""
    from textual.widgets import Input

    if click:
        await pilot.click(selector)
    else:
        pilot.app.query_one(selector, Input).focus()
    pilot.app.query_one(selector, Input).value = text
    await pilot.press("enter")


async def until(pilot, condition, what: str, timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds (fails the test after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s\n{screen_text(pilot.app)}")
        await pilot.pause(0.02)


async def steady(pilot, timeout: float = 30.0) -> None:
    """Wait until the screen has nothing left to change by itself: for snapshots.

    `settle` counts idle turns of the event loop, and a process starved of the CPU looks
    idle too. This waits for the views' own state instead (see `unsettled`), however long
    a loaded machine takes, then lets the screen repaint."""
    deadline = time.monotonic() + timeout
    while waiting := unsettled(pilot.app):
        if time.monotonic() > deadline:
            raise AssertionError(f"the screen is not steady after {timeout} s: {waiting}")
        await pilot.pause(0.02)
    await pilot.pause()


def unsettled(app: App) -> list[str]:
    """What may still change the screen: workers at the target, reads not yet shown, views
    not yet filled, messages not yet handled."""
    from w65tool.tui.widgets.disassembly import DisassemblyView
    from w65tool.tui.widgets.registers import RegisterPanel

    main = app.screen_stack[0]
    waiting = [str(w) for w in app.workers if w.group == "target" and not w.is_finished]
    grid = app._grid
    if app._memory_queued or (grid.values_base, len(grid.values)) != grid.window:
        waiting.append(f"memory {grid.window} (shown: {grid.values_base}, {len(grid.values)})")
    if main.query_one(RegisterPanel).registers is None:
        waiting.append("registers")
    if not main.query_one(DisassemblyView).lines:
        waiting.append("code")
    nodes = [app, *main.walk_children(with_self=True), *app.screen.walk_children(with_self=True)]
    waiting += [f"messages for {node}" for node in nodes if node._message_queue.qsize()]
    return waiting


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
    from textual.errors import NoWidget

    widget = app.query_one(selector)
    try:
        geometry = app.screen.find_widget(widget)
    except NoWidget:
        return False
    if not geometry.region.area:
        return False
    region = geometry.region
    return region.intersection(geometry.clip) == region and app.screen.region.contains_region(
        region
    )

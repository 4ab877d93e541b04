"""A plain terminal to the board's monitor (or to a running program on UART3).

What you type goes to the board as typed (Enter sends CR, as the monitor wants); what the
board sends is shown with its bare-CR line ends turned into new lines. Ctrl-] quits; so do
SIGTERM and SIGHUP (a closed terminal window), which leave the terminal as it was, as Ctrl-]
does.
The monitor stops its output on Ctrl-S (XOFF) and resumes on Ctrl-Q (XON).

examples:
  w65 term --port auto
  w65 term --sim                     # the emulated board's monitor
  printf 'R' | w65 term --port auto --seconds 1
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from w65tool.cli.target_args import add_connection_arguments
from w65tool.errors import EXIT_OK

QUIT_KEY = 0x1D  # Ctrl-]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seconds", type=float, metavar="S", help="quit after S seconds (for scripts)"
    )
    add_connection_arguments(parser)


class ShowCR:
    """Turns the monitor's bare CR line ends into CR LF for a terminal (CR LF stays as is)."""

    def __init__(self) -> None:
        self.after_cr = False

    def __call__(self, data: bytes) -> bytes:
        out = bytearray()
        for c in data:
            if c == 0x0A and self.after_cr:
                self.after_cr = False
                continue  # the LF of a CR LF pair was already written
            if c == 0x0D:
                out += b"\r\n"
            elif c not in (0x00, 0x11, 0x13):
                out.append(c)
            self.after_cr = c == 0x0D
        return bytes(out)


@contextmanager
def keyboard() -> Iterator[callable]:
    """Yield `read()` -> bytes typed since the last call (b"" if none, None at end of input)."""
    fd = sys.stdin.fileno()
    if os.name == "nt":  # pragma: no cover - Windows console
        import msvcrt

        def read_console() -> bytes | None:
            out = bytearray()
            while msvcrt.kbhit():
                out += msvcrt.getch()
            return bytes(out)

        yield read_console
        return
    import select

    saved = None
    if sys.stdin.isatty():
        import termios
        import tty

        saved = termios.tcgetattr(fd)
        tty.setraw(fd)
    ended = False

    def read_posix() -> bytes | None:
        nonlocal ended
        if ended:
            return None
        if not select.select([fd], [], [], 0)[0]:
            return b""
        data = os.read(fd, 256)
        if not data:
            ended = True
            return None
        return data

    try:
        yield read_posix
    finally:
        if saved is not None:
            import termios

            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


@contextmanager
def quit_signals() -> Iterator[list[int]]:
    """Turn SIGTERM and SIGHUP into a request to quit: yield the list they append to.

    The handler only records the signal; the loop sees it within a poll and leaves through
    the `with` blocks, so the terminal is restored and the line closed as on Ctrl-]. (Raising
    from the handler could land inside that clean-up and cut it short.)
    """
    import signal

    caught: list[int] = []
    names = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {n: signal.signal(n, lambda signum, frame: caught.append(signum)) for n in names}
    try:
        yield caught
    finally:
        for n, handler in previous.items():
            signal.signal(n, handler)


def run(args: argparse.Namespace) -> int:
    from w65tool.cli.target_args import open_target

    show = ShowCR()
    out = sys.stdout.buffer
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    with quit_signals() as caught, open_target(args) as target, keyboard() as keys:
        if sys.stdin.isatty():
            sys.stderr.write(f"w65: connected to {target.description}; Ctrl-] quits\r\n")
        while not caught and (deadline is None or time.monotonic() < deadline):
            typed = keys()
            if typed:
                if QUIT_KEY in typed:
                    typed = typed[: typed.index(QUIT_KEY)]
                    target.console_write(typed.replace(b"\n", b"\r"))
                    break
                target.console_write(typed.replace(b"\n", b"\r"))
            data = target.console_read(0.02)
            if data:
                out.write(show(data))
                out.flush()
    return EXIT_OK

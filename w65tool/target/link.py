"""The byte stream to a monitor: writes, filtered reads, and waits that always end in an answer.

`Link` wraps anything with pyserial's shape (`write`, `read`, `timeout`, `in_waiting`,
`baudrate`): a real port, `w65 sim`'s pty, or a test's fake. Every wait has a deadline and
ends either in what was expected or in a `TargetError` that names the operation ("Failed to
read registers: board did not answer within 0.6 s"), never in a silent partial read.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Protocol

from w65tool.target.base import TargetError
from w65tool.target.protocol import strip_noise

RESET_MARKS = (b"MENSCH ROM", b"ROM Version", b"Copyright 1995", b"Assembled ")
"""Pieces of the monitor's reset banner: any one that arrives intact shows a restart (the
whole banner is long enough that a noisy line often damages a character of it)."""

POLL_INTERVAL = 0.02
"""Longest single blocking read, so waits notice their deadline and Ctrl-C promptly."""

REPLY_SLACK = 0.5
"""Seconds allowed beyond a reply's own time on the wire (USB latency, OS scheduling)."""


class SerialLike(Protocol):
    """The part of `serial.Serial` a `Link` uses."""

    timeout: float | None
    baudrate: int

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes) -> int | None: ...


class PortLost(TargetError):
    """The port itself failed (unplugged, vanished, EIO): no retry or resync can help."""


def _lost(err: OSError) -> PortLost:
    return PortLost(
        f"serial port lost: {err.strerror or err}",
        hint="check that the board is plugged in and powered, then run the command again",
    )


class Link:
    """Reads and writes on a monitor's port, keeping what arrived but was not yet used."""

    def __init__(self, port: SerialLike, slack: float = REPLY_SLACK) -> None:
        self.port = port
        self.slack = slack
        self.buffer = bytearray()
        self.raw_log: Callable[[str, bytes], None] | None = None  # ("tx"|"rx", bytes)
        self.last_heard = 0.0  # clock() of the last byte received
        self.resets = 0  # reset banners seen (each may count more than once): compare, not add
        # every wait reads this clock: a port that keeps its own time (an in-process board's
        # UART, `UartPort`) gives it, so deadlines pass in the board's time, not this
        # machine's; tests put a fake one here to check deadlines exactly
        self.clock: Callable[[], float] = getattr(port, "clock", time.monotonic)
        # when set, a clock() time no wait goes past (a clean-up after Ctrl-C has a budget)
        self.cutoff: float | None = None

    # -- timing ---------------------------------------------------------------------------
    @property
    def char_time(self) -> float:
        """Seconds one character takes on the wire (8N1: 10 bits)."""
        return 10.0 / self.port.baudrate

    def until(self, deadline: float) -> float:
        """`deadline`, or the cutoff if that comes first."""
        return deadline if self.cutoff is None else min(deadline, self.cutoff)

    def reply_timeout(self, chars: int) -> float:
        """How long a reply of `chars` characters may take to arrive in full."""
        return self.slack + 1.5 * chars * self.char_time

    # -- writing --------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        """Send bytes as they are."""
        if self.raw_log:
            self.raw_log("tx", data)
        try:  # pyserial's SerialException is an OSError
            self.port.write(data)
        except OSError as err:
            raise _lost(err) from None

    # -- reading --------------------------------------------------------------------------
    def poll(self, wait: float) -> bool:
        """Read what has arrived, blocking up to `wait` seconds for the first byte."""
        try:  # setting the timeout reconfigures the port: it fails too once the port is gone
            self.port.timeout = max(0.0, min(wait, POLL_INTERVAL))
            data = self.port.read(max(1, self.port.in_waiting))
        except OSError as err:
            raise _lost(err) from None
        if not data:
            return False
        self.last_heard = self.clock()
        if self.raw_log:
            self.raw_log("rx", data)
        clean = strip_noise(data)
        self.buffer += clean
        tail = bytes(self.buffer[-(len(clean) + 16) :])
        if any(mark in tail for mark in RESET_MARKS):
            self.resets += 1
        return bool(clean)

    def discard(self) -> bytes:
        """Forget everything received so far (returns it, for messages)."""
        old = bytes(self.buffer)
        self.buffer.clear()
        return old

    def drain(self, quiet: float, limit: float = 2.0) -> bytes:
        """Read until nothing arrives for `quiet` seconds (at most `limit`); return it all."""
        end = self.until(self.clock() + limit)
        last = self.clock()
        while self.clock() < end:
            if self.poll(quiet):
                last = self.clock()
            elif self.clock() - last >= quiet:
                break
        return self.discard()

    def expect(self, pattern: re.Pattern[bytes], timeout: float, what: str) -> re.Match[bytes]:
        """Wait for `pattern` in what arrives; consume through the match and return it.

        Raises `TargetError("Failed to <what>: ...")` at the deadline, quoting what did arrive.
        """
        deadline = self.until(self.clock() + timeout)
        while True:
            m = pattern.search(self.buffer)
            if m is not None:
                # Match again on a snapshot, so the caller's match (and the text before it,
                # `m.string[:m.start()]`) stays valid after the buffer moves on.
                text = bytes(self.buffer[: m.end()])
                del self.buffer[: m.end()]
                found = pattern.search(text)
                assert found is not None
                return found
            left = deadline - self.clock()
            if left <= 0:
                raise self.silence(what, timeout)
            self.poll(left)

    def silence(self, what: str, timeout: float) -> TargetError:
        """The error for a board that did not say what was expected in time."""
        got = bytes(self.buffer[-60:])
        if got:
            return TargetError(
                f"Failed to {what}: unexpected reply {printable(got)} "
                f"(nothing matching within {timeout:.1f} s)",
                hint="the link may be noisy or the baud rate wrong; try again, or --baud",
            )
        return TargetError(
            f"Failed to {what}: board did not answer within {timeout:.1f} s",
            hint="check power and cable, press the board's reset button, check --baud",
        )


def printable(data: bytes) -> str:
    """Monitor output quoted for a message: CR as \\r, control bytes as \\xNN."""
    return repr(data.decode("latin-1"))

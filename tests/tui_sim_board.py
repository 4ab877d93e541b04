"""`w65 sim`'s virtual board (`VirtualBoard`) in a child process, for the TUI's tests.

In the tests' own process the board's thread would keep the CPU busy, and Textual's pilot
waits for an idle process (up to a second) after every key and click. The child serves the
board on a pty, unpaced, and answers requests to look at (or touch) the board beside the
monitor, as a logic probe would.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection

from w65tool.target.emulator import CONTEXT, CONTEXT_LAYOUT

ANSWER_WAIT = 10.0
"""Seconds the child may take to answer (it starts Python and the board first)."""


class BoardProcess:
    """A virtual SXB in a child process: `port` is its pty; close() ends it."""

    def __init__(self, kind: str = "sxb") -> None:
        # No fork of this threaded process: children fork from a server process that has
        # imported the board once (a fresh interpreter each would import and compile the
        # emulator again: half a second of CPU a board)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__, "w65tool.target.sim_server", "w65tool.cpu"])
        self._conn, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child, kind), daemon=True)
        self._process.start()
        child.close()
        self.port: str = self._ask("port")

    def _ask(self, op: str, *args: object):
        self._conn.send((op, args))
        if not self._conn.poll(ANSWER_WAIT):
            raise TimeoutError(f"the board process did not answer {op!r}")
        error, value = self._conn.recv()
        if error:
            raise RuntimeError(f"the board process failed at {op!r}: {error}")
        return value

    def peek(self, address: int, length: int = 1) -> bytes:
        """Bytes of the board's memory, read beside the monitor (not through the line)."""
        return self._ask("peek", address, length)

    def store(self, address: int, data: bytes) -> None:
        """Put bytes into the board's RAM beside the monitor."""
        self._ask("store", address, data)

    def saved(self, name: str) -> int:
        """A register as the monitor saved it (what its `|` shows and `G` and `J` use)."""
        offset, size = CONTEXT_LAYOUT[name]
        return int.from_bytes(self.peek(CONTEXT + offset, size), "little")

    def save(self, name: str, value: int) -> None:
        """Change a register the monitor saved, behind the monitor's back."""
        offset, size = CONTEXT_LAYOUT[name]
        self.store(CONTEXT + offset, value.to_bytes(size, "little"))

    def leds(self) -> dict[str, bool]:
        """The board's lamps, lit or dark."""
        return self._ask("leds")

    def hang_up(self) -> None:
        """Close the line, as pulling the board's USB cable does."""
        self._ask("hang_up")

    def close(self) -> None:
        """End the child process."""
        if self._process.is_alive():
            try:
                self._ask("quit")
            except (OSError, TimeoutError, EOFError):
                self._process.kill()
        self._process.join(timeout=5)
        self._conn.close()

    def __enter__(self) -> BoardProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(conn: Connection, kind: str) -> None:
    """The child: serve the board and answer requests until `quit`."""
    from w65tool.target.sim_server import VirtualBoard

    board = VirtualBoard(kind, pacing=False).start()
    bus = board.board.bus

    def peek(address: int, length: int) -> bytes:
        return bytes(bus.peek(address + i) for i in range(length))

    ops = {
        "port": lambda: board.port,
        "peek": peek,
        "store": bus.store,
        "leds": lambda: board.board.leds,
    }
    try:
        while True:
            op, args = conn.recv()
            if op == "quit":
                conn.send((None, None))
                return
            if op == "hang_up":  # not under the lock: the board's thread needs it to end
                board.stop()
                conn.send((None, None))
                continue
            try:
                with board.lock:
                    conn.send((None, ops[op](*args)))
            except Exception as err:  # reported to the test, which fails with it
                conn.send((repr(err), None))
    finally:
        board.stop()

"""A pyserial-shaped port wired to an emulated board's UART3, in process.

`MonitorTarget(..., serial=UartPort(board))` speaks the monitor protocol to the emulated ROM
monitor with no pty and no thread: reads run the board (in emulated time) until it has sent
something or the read's timeout has passed in emulated time. The port's `clock` is the
board's emulated time too, and a `Link` on the port reads its deadlines from it: bytes
arrive exactly as the board's UART clocks them and every time-out lasts as long as it would
beside a real board, however fast or loaded this machine is, which makes protocol tests and
the loader benchmark deterministic (a time-out costs the emulation of the board's idle
loop, not a wait). As on a real line, bytes exchanged while host and board are at different
baud rates arrive garbled; `flip` damages bytes at random (reproducibly by `seed`) to test
fault handling.
"""

from __future__ import annotations

import random

from w65tool.board.board import Board
from w65tool.chip import baud

SLICE = 0.002
"""Emulated seconds the board runs per step while a read waits for output."""


class UartPort:
    """The host end of the board's UART3, with pyserial's `read`/`write`/`in_waiting`."""

    def __init__(
        self, board: Board, baudrate: int = 9600, flip: float = 0.0, seed: int = 0
    ) -> None:
        self.board = board
        self.baudrate = baudrate
        self.timeout: float | None = 0.0
        self.flip = flip  # chance that a byte either way has one bit flipped
        self.random = random.Random(seed)
        self._pending = bytearray()

    def clock(self) -> float:
        """The board's emulated seconds since power-on: the time this line keeps."""
        return self.board.seconds

    def _damage(self, data: bytes) -> bytes:
        if not self.flip:
            return data
        out = bytearray(data)
        for i in range(len(out)):
            if self.random.random() < self.flip:
                out[i] ^= 1 << self.random.randrange(7)
        return bytes(out)

    def _board_baud(self) -> int | None:
        char = self.board.uart3.char_cycles()
        return baud(char) if char else None

    def _matched(self) -> bool:
        board = self._board_baud()
        return board is None or abs(board - self.baudrate) <= self.baudrate // 20

    @property
    def in_waiting(self) -> int:
        self._pending += self._take()
        return len(self._pending)

    def _take(self) -> bytes:
        data = self.board.uart3.host_receive()
        if data and not self._matched():
            return bytes(0x80 | (c >> 1) for c in data)
        return self._damage(data)

    def write(self, data: bytes) -> int:
        if self._matched():
            self.board.uart3.host_send(self._damage(data))
        return len(data)

    def read(self, size: int = 1) -> bytes:
        waited = 0.0
        limit = self.timeout or 0.0
        while len(self._pending) < size:
            self._pending += self._take()
            if self._pending or waited >= limit:
                break
            self.board.run(seconds=SLICE)
            waited += SLICE
        out = bytes(self._pending[:size])
        del self._pending[:size]
        return out

    def close(self) -> None:
        pass

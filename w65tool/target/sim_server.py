"""A virtual SXB: the emulated board's monitor served on a pseudo-terminal or a TCP port.

    with VirtualBoard("sxb", pacing=False) as vb:
        port = serial.Serial(vb.port)            # "/dev/pts/N" or "socket://localhost:P"
        ...

A thread runs the board in real time (throttled to the emulated clock, so programs' lamps
and output change at their real pace) and carries bytes between the line and UART3: host
bytes go in with `uart3.host_send`, which delivers them at the board's baud rate in emulated
time; the board's bytes come out as `host_receive` completes them. With `pacing` the board
never runs ahead of the wall clock, so the line runs at the emulated UART's rate (9600 baud,
or whatever SELECT_COMMON_BAUD_RATE set) as a real cable would; without it the board runs
flat out while bytes are in flight and at real time only when the line is idle (so its
clock, the ROM's 30-minute idle power-down included, keeps wall time).

The board's input is bounded as a real line's is: the host side holds at most
`HOST_BUFFER` bytes waiting to go out at the baud rate (a tty's buffer); a client that sends
faster than that drains loses the rest, counted in `uart3.host_dropped`, and bytes the
board's receiver cannot take in time are lost as on the chip (`uart3.overruns`). On TCP, one
client at a time: a second one is told the line is busy and closed; when a client leaves,
what it sent that has not reached the board is discarded (and so is output it did not read).
Output waiting for a client that does not read is held to `HOST_BUFFER` bytes too; later
bytes are lost (`out_dropped`), as a host's full receive buffer loses them.
A pty cannot tell its openers apart (the server holds the slave open to keep it raw).

Faults (`LineFaults`) are injected per byte, in both directions, from a seeded generator:
drop, corrupt (one bit flipped), stall (the line carries nothing for `STALL_SECONDS`), and
hang up after N bytes (the line closes, as a pulled cable).
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import select
import socket
import threading
import time
from dataclasses import dataclass, field

from w65tool.board.kinds import DEFAULT_BOARD
from w65tool.errors import W65Error

STALL_SECONDS = 0.5
"""How long an injected stall holds the line."""
SLICE_SECONDS = 0.002
"""Emulated time the board runs between looks at the line while paced."""
BURST_SECONDS = 0.02
"""Emulated time the board runs at a stretch while unpaced with bytes in flight."""
LOOP_SLEEP = 0.0005
"""The pause between rounds while bytes are in flight."""
IDLE_WAIT = 0.002
"""Longest a round with nothing in flight waits for the client (a byte ends the wait)."""
HOST_BUFFER = 4096
"""Bytes the host side holds each way (Linux's tty buffer); more are dropped."""
BUSY_MESSAGE = b"w65 sim: the line is busy (one client at a time)\r\n"


@dataclass
class LineFaults:
    """Per-byte fault rates (0-1) and a hang-up count; deterministic for a given seed."""

    drop: float = 0.0
    corrupt: float = 0.0
    stall: float = 0.0
    hangup_after: int | None = None
    seed: int | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("dropped", "corrupted", "stalls", "bytes"), 0))  # fmt: skip

    def __post_init__(self) -> None:
        for name in ("drop", "corrupt", "stall"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise W65Error(f"--fault-{name} {rate:g}: a rate is between 0 and 1")
        if self.hangup_after is not None and self.hangup_after < 0:
            raise W65Error(f"--fault-hangup-after {self.hangup_after}: must be 0 or more")
        self._random = random.Random(self.seed)
        self.stalled_until = 0.0
        self.hung_up = False

    @property
    def active(self) -> bool:
        """True when any fault is asked for."""
        return bool(self.drop or self.corrupt or self.stall or self.hangup_after is not None)

    def apply(self, data: bytes, now: float) -> bytes:
        """The bytes that get through; may start a stall or the hang-up."""
        if not self.active or not data:
            self.counts["bytes"] += len(data)
            return data
        out = bytearray()
        rnd = self._random
        for byte in data:
            if self.hangup_after is not None and self.counts["bytes"] >= self.hangup_after:
                self.hung_up = True
                break
            self.counts["bytes"] += 1
            if self.drop and rnd.random() < self.drop:
                self.counts["dropped"] += 1
                continue
            if self.corrupt and rnd.random() < self.corrupt:
                self.counts["corrupted"] += 1
                byte ^= 1 << rnd.randrange(8)
            if self.stall and rnd.random() < self.stall:
                self.counts["stalls"] += 1
                self.stalled_until = now + STALL_SECONDS
            out.append(byte)
        return bytes(out)


class _PtyLine:
    """The master side of a pseudo-terminal (the client opens the slave by its path)."""

    def __init__(self) -> None:
        import tty

        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # no echo, no line discipline: bytes as they are
        os.set_blocking(self.master, False)
        self.port = os.ttyname(self.slave)

        self.left = False  # set on EIO (no opener); never while the server holds the slave
        self.refused = 0  # a pty has no way to refuse: the kernel shares it

    def read(self) -> bytes:
        try:
            return os.read(self.master, 4096)
        except BlockingIOError:
            return b""
        except OSError as err:
            if err.errno == errno.EIO:  # no client has the slave open (or it just closed)
                self.left = True
                return b""
            raise

    def wait(self, timeout: float) -> None:
        """Return when the client has sent something, or after `timeout` seconds."""
        select.select([self.master], [], [], timeout)

    def write(self, data: bytes) -> bytes:
        """Write what the pty takes; the rest is returned to be tried again."""
        try:
            n = os.write(self.master, data)
        except BlockingIOError:
            return data
        return data[n:]

    def close(self) -> None:
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)


class _TcpLine:
    """A listening socket on 127.0.0.1 serving one client at a time."""

    def __init__(self, port: int) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.server.bind(("127.0.0.1", port))
        except OSError as err:
            self.server.close()
            raise W65Error(f"cannot listen on 127.0.0.1:{port}: {err.strerror}") from None
        self.server.listen(1)
        self.server.setblocking(False)
        self.port = f"socket://localhost:{self.server.getsockname()[1]}"
        self.client: socket.socket | None = None
        self.left = False  # set when the client goes away; the server clears it
        self.refused = 0  # clients turned away while another had the line

    def _accept(self) -> None:
        """Take a waiting client if the line is free; tell any other it is busy."""
        while True:
            try:
                conn, _ = self.server.accept()
            except (BlockingIOError, OSError):
                return
            if self.client is None:
                self.client = conn
                self.client.setblocking(False)
                self.client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                continue
            self.refused += 1
            with contextlib.suppress(OSError):
                conn.setblocking(False)
                conn.send(BUSY_MESSAGE)
            conn.close()

    def read(self) -> bytes:
        self._accept()
        if self.client is None:
            return b""
        try:
            data = self.client.recv(4096)
        except BlockingIOError:
            return b""
        except OSError:
            data = b""
        if not data:  # the client went away: wait for the next one
            self.client.close()
            self.client = None
            self.left = True
        return data

    def wait(self, timeout: float) -> None:
        """Return when a client connects or sends something, or after `timeout` seconds."""
        waiting = [self.server] if self.client is None else [self.server, self.client]
        select.select(waiting, [], [], timeout)

    def write(self, data: bytes) -> bytes:
        if self.client is None:
            return b""  # nobody listening: the bytes fall on the floor, as on a cable
        try:
            n = self.client.send(data)
        except BlockingIOError:
            return data
        except OSError:
            return b""
        return data[n:]

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        self.server.close()


class VirtualBoard:
    """An emulated board served on a line; a context manager that runs it in a thread.

    `port` is the path (or pyserial URL) clients open; `board` is the `Board` (touch it only
    while holding `lock`); `error` holds an exception that stopped the board, if any."""

    def __init__(
        self,
        kind: str = DEFAULT_BOARD,
        image=None,
        *,
        tcp: int | None = None,
        pacing: bool = True,
        faults: LineFaults | None = None,
        go: int | None = None,
    ) -> None:
        from w65tool.board.board import Board

        self.board = Board(kind)
        if image is not None:
            self.board.load(image)
        self._go = go
        self.pacing = pacing
        self.faults = faults or LineFaults()
        self.lock = threading.Lock()
        self.error: BaseException | None = None
        self.bytes_in = 0
        self.bytes_out = 0
        self.discarded = 0  # bytes a departed client left in flight, both ways
        self.out_dropped = 0  # board output lost while the client read nothing
        self._line: _PtyLine | _TcpLine | None = None
        self._tcp = tcp
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending_out = b""
        self.port = ""

    # -- lifetime -------------------------------------------------------------------------------
    def start(self) -> VirtualBoard:
        """Open the line and start serving."""
        if self._tcp is not None:
            self._line = _TcpLine(self._tcp)
        else:
            if not hasattr(os, "openpty"):
                raise W65Error(
                    "this system has no pseudo-terminals", hint="serve on TCP: w65 sim --tcp 6502"
                )
            self._line = _PtyLine()
        self.port = self._line.port
        if self._go is not None:
            self.board.go(self._go)
        self._thread = threading.Thread(target=self._serve, name="w65-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the line."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._line is not None:
            self._line.close()

    @property
    def running(self) -> bool:
        """True while the serving thread runs (not after a hang-up, an error or stop())."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> VirtualBoard:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def refused(self) -> int:
        """Clients turned away because another one had the line."""
        return self._line.refused if self._line is not None else 0

    def reset(self) -> None:
        """Press the board's reset button."""
        with self.lock:
            self.board.reset()

    # -- the serving loop -----------------------------------------------------------------------
    def _serve(self) -> None:
        from w65tool.chip import FCLK_HZ

        board, line, faults = self.board, self._line, self.faults
        assert line is not None
        uart = board.uart3
        uart.host_buffer = HOST_BUFFER
        wall0, emu0 = time.monotonic(), board.cycles
        moved = True  # bytes moved last round: while they do (unpaced), run flat out
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                with self.lock:
                    data = b""
                    if now >= faults.stalled_until:
                        data = faults.apply(line.read(), now)
                        if data:
                            self.bytes_in += len(data)
                            uart.host_send(data)
                    if line.left:  # the client left: what it sent or missed is not the next's
                        line.left = False
                        self.discarded += uart.host_flush() + len(self._pending_out)
                        self._pending_out = b""
                    waiting = (uart.host_pending(), uart.tx_pending())
                    burst = not self.pacing and moved and (any(waiting) or bool(self._pending_out))
                    if burst:
                        board.run(seconds=BURST_SECONDS)
                        wall0, emu0 = now, board.cycles  # real time resumes from here
                    else:
                        target = emu0 + round((now - wall0) * FCLK_HZ)
                        ahead = board.cycles - target
                        if ahead < 0:
                            board.run(max_cycles=min(-ahead, round(SLICE_SECONDS * FCLK_HZ)))
                    out = uart.host_receive()
                    # a board that takes nothing in and sends nothing out (or a line that
                    # refuses what it sends) is idle, however much is in flight
                    now_waiting = (uart.host_pending(), uart.tx_pending())
                    moved = bool(data or out) or now_waiting != waiting
                out = faults.apply(out, now)
                self.bytes_out += len(out)
                self._pending_out += out
                if len(self._pending_out) > HOST_BUFFER:  # a client that does not read
                    self.out_dropped += len(self._pending_out) - HOST_BUFFER
                    self._pending_out = self._pending_out[:HOST_BUFFER]
                if self._pending_out and now >= faults.stalled_until:
                    left = line.write(self._pending_out)
                    moved = moved or len(left) != len(self._pending_out)
                    self._pending_out = left
                if faults.hung_up:
                    line.close()
                    return
                if not burst:
                    if any(now_waiting) or self._pending_out or now < faults.stalled_until:
                        time.sleep(LOOP_SLEEP)
                    else:  # nothing in flight: sleep until the client sends (or a while)
                        line.wait(IDLE_WAIT)
                if board.cycles - emu0 < (time.monotonic() - wall0 - 1.0) * FCLK_HZ:
                    # the board cannot keep up (a busy program): do not try to catch up
                    wall0, emu0 = time.monotonic(), board.cycles
        except BaseException as err:  # shown by the CLI; the thread must not die silently
            self.error = err

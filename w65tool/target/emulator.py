"""The emulated board in this process, behind the same `Target` interface as a real one.

`EmulatedTarget` acts on a `w65tool.board.Board`. Registers are the monitor's saved context
(the RAM at $00:DF80 the ROM keeps them in), exactly what `|` reads on a real board, so `G`
and `J` start code with them; `load` writes memory directly (instantly); `jml` is the
monitor's `G`; `jsl` sends `J` to the emulated monitor on UART3 and waits for its register
display, as a host on the serial line would.

It declares every run-control capability of `Target` (`RUN_CONTROL`): `run_for` (reasons
"cycles", "breakpoint", "watchpoint", "stp", "wai", "stop requested"; `realtime` paces it
to the wall clock), `stop`, `step`, `breakpoints`, `cpu_registers` / `write_cpu_registers`, `reset`
and `cycles`.
Beyond `Target`, for the TUI and tests:

    target.board              the Board (its `cpu`, `bus`, `uart3`, `led_events` ...)
    target.running            True while `run_for` runs
    target.leds               lamp name -> lit, as `Board.leds`
    target.watchpoints        the watched memory ranges (`set_watchpoints`, `take_watch_hit`)

Thread safety: every method takes one lock; `run_for` runs in slices of `SLICE_SECONDS` and
releases the lock between them, so a UI thread can read registers and memory, set
breakpoints or call `stop()` while a worker thread runs the board.
"""

from __future__ import annotations

import threading
import time

from w65tool.board.bus import Watch, WatchHit
from w65tool.board.kinds import DEFAULT_BOARD
from w65tool.image import Image
from w65tool.target.base import (
    RUN_CONTROL,
    ProgressCallback,
    Registers,
    Target,
    TargetError,
)
from w65tool.target.monitor import check_registers
from w65tool.target.protocol import DISPLAY_RE, address_digits, parse_register_display

CONTEXT = 0x00DF80
"""Where the ROM monitor keeps the saved registers (A, X, Y, S, D, DBR, P, PC)."""

CONTEXT_LAYOUT = {
    "a": (0x00, 2),
    "x": (0x02, 2),
    "y": (0x04, 2),
    "s": (0x06, 2),
    "d": (0x08, 2),
    "dbr": (0x0A, 1),
    "p": (0x0B, 1),
    "pc": (0x0C, 3),
}
"""Register -> (offset from `CONTEXT`, bytes), little-endian, as in the ROM's RAM map."""

SLICE_SECONDS = 0.01
"""Emulated time `run_for` runs between looks at `stop()` and other threads."""

JSL_DEFAULT_WAIT = 10.0
"""Emulated seconds `jsl(timeout=None)` waits for the program's return on the console path."""


class EmulatedTarget(Target):
    """An emulated Mensch or SXB board; see the module docstring for the extras."""

    capabilities = RUN_CONTROL

    def __init__(self, board_kind: str = DEFAULT_BOARD, board=None) -> None:
        if board is None:
            from w65tool.board.board import Board

            board = Board(board_kind)
        self.board = board
        self.description = f"emulated {board.spec.title}"
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self.running = False
        self.program_output = b""

    # -- extras ---------------------------------------------------------------------------
    @property
    def breakpoints(self) -> set[int]:
        """24-bit addresses the CPU stops before executing (shared with the CPU)."""
        return self.board.cpu.breakpoints

    @property
    def leds(self) -> dict[str, bool]:
        """Each lamp of the board, True when lit."""
        with self._lock:
            return dict(self.board.leds)

    @property
    def watchpoints(self) -> tuple[Watch, ...]:
        """The memory ranges whose reads or writes stop a run ("watchpoint")."""
        return self.board.bus.watches

    def set_watchpoints(self, watches: list[Watch] | tuple[Watch, ...]) -> None:
        """Watch these ranges (replacing the ones before); see `Board.set_watches`."""
        with self._lock:
            self.board.set_watches(watches)

    def take_watch_hit(self) -> WatchHit | None:
        """The watched access that stopped the last run or step, once; None if none."""
        with self._lock:
            hit, self.board.watch_hit = self.board.watch_hit, None
            return hit

    def cpu_registers(self) -> Registers:
        """The live registers of the core (meaningful while a program is halted)."""
        with self._lock:
            cpu = self.board.cpu
            return Registers(
                pc=cpu.pbr << 16 | cpu.pc,
                a=cpu.a,
                x=cpu.x,
                y=cpu.y,
                s=cpu.s,
                d=cpu.d,
                p=cpu.p,
                dbr=cpu.dbr,
                e=int(cpu.e),
            )

    def write_cpu_registers(self, **values: int) -> None:
        """Set registers of the core itself (`pc` 24-bit, `e` the emulation flag)."""
        check_registers({k: v for k, v in values.items() if k != "e"})
        with self._lock:
            cpu = self.board.cpu
            for name, value in values.items():
                if name == "pc":
                    cpu.pbr, cpu.pc = value >> 16 & 0xFF, value & 0xFFFF
                else:
                    setattr(cpu, name, value)

    def reset(self) -> None:
        """The chip's reset: peripherals and core; the monitor starts again (banner and all)."""
        with self._lock:
            self.board.reset()

    def last_program_output(self) -> bytes:
        return self.program_output

    def cycles(self) -> int:
        with self._lock:
            return self.board.cpu.cycles

    def step(self) -> int:
        """Execute one instruction; return its cycles."""
        with self._lock:
            return self.board.step()

    def run_for(
        self, cycles: int | None = None, seconds: float | None = None, realtime: bool = False
    ) -> str:
        """Run the board until a limit, a breakpoint, STP, WAI for ever, or `stop()`."""
        from w65tool.chip import FCLK_HZ

        cpu = self.board.cpu
        with self._lock:
            limit = None if cycles is None else cpu.cycles + cycles
            if seconds is not None:
                by_time = cpu.cycles + round(seconds * FCLK_HZ)
                limit = by_time if limit is None else min(limit, by_time)
            self._stop.clear()
            self.running = True
        wall0, emu0 = time.monotonic(), cpu.cycles
        slice_cycles = round(SLICE_SECONDS * FCLK_HZ)
        try:
            while True:
                if self._stop.is_set():
                    return "stop requested"
                with self._lock:
                    left = None if limit is None else limit - cpu.cycles
                    if left is not None and left <= 0:
                        return "cycles"
                    step = slice_cycles if left is None else min(left, slice_cycles)
                    why = self.board.run(max_cycles=step)
                if why != "cycles":
                    return why
                if realtime:
                    ahead = (cpu.cycles - emu0) / FCLK_HZ - (time.monotonic() - wall0)
                    if ahead > 0:
                        time.sleep(ahead)
        finally:
            self.running = False

    def stop(self) -> None:
        """Ask a running `run_for` to return (safe from any thread)."""
        self._stop.set()
        self.board.request_stop()

    # -- Target ---------------------------------------------------------------------------
    def read_registers(self) -> Registers:
        with self._lock:
            values = {}
            for name, (offset, size) in CONTEXT_LAYOUT.items():
                raw = bytes(self.board.bus.peek(CONTEXT + offset + i) for i in range(size))
                values[name] = int.from_bytes(raw, "little")
            return Registers(**values)

    def write_registers(self, **values: int) -> None:
        check_registers(values)
        with self._lock:
            for name, value in values.items():
                offset, size = CONTEXT_LAYOUT[name]
                self.board.bus.store(CONTEXT + offset, value.to_bytes(size, "little"))

    def read_memory(self, address: int, length: int) -> bytes:
        if address < 0 or address + length > 1 << 24:
            raise TargetError(f"cannot read ${address:06X}+{length}: past the 24-bit space")
        bus = self.board.bus
        with self._lock, bus.unwatched():
            return bytes(bus.read(address + i) for i in range(length))

    def write_memory(self, address: int, data: bytes) -> None:
        if address < 0 or address + len(data) > 1 << 24:
            raise TargetError(f"cannot write ${address:06X}+{len(data)}: past the 24-bit space")
        from w65tool.chip import IO_FIRST, IO_LAST

        bus = self.board.bus
        with self._lock, bus.unwatched():
            for i, value in enumerate(data):
                where = address + i
                bus.write(where, value)
                if IO_FIRST <= where <= IO_LAST:
                    continue  # a register need not read back what was written
                back = bus.read(where)
                if back != value:
                    raise TargetError(
                        f"Failed to write ${where:06X}: wrote ${value:02X}, read back ${back:02X}",
                        hint="is there RAM at that address? (ROM, I/O or nothing)",
                    )

    def load(
        self, image: Image, progress: ProgressCallback | None = None, force: bool = False
    ) -> None:
        if progress:
            progress(0, len(image))
        with self._lock:
            self.board.load(image, force=force)
        if progress:
            progress(len(image), len(image))

    def jml(self, address: int) -> None:
        with self._lock:
            self.board.go(address)

    def jsl(self, address: int, timeout: float | None = None) -> Registers:
        """`J` through the emulated monitor's console; wait (emulated time) for the RTL."""
        wait = JSL_DEFAULT_WAIT if timeout is None else timeout
        uart = self.board.uart3
        with self._lock:
            uart.host_receive()
            uart.host_send(b"J" + address_digits(address))
            seen = bytearray()
            echo = b"%02X:%04X" % (address >> 16, address & 0xFFFF)
            started = self.board.seconds
            while True:
                self.board.run(seconds=SLICE_SECONDS)
                seen += uart.host_receive()
                at = seen.find(echo)
                m = DISPLAY_RE.search(seen, at + len(echo)) if at >= 0 else None
                if m is not None:
                    self.program_output = bytes(seen[at + len(echo) : m.start()]).strip(b"\r")
                    return parse_register_display(m.group(0))
                if self.board.seconds - started > wait:
                    raise TargetError(
                        f"Failed to call ${address:06X}: the program did not return within "
                        f"{wait:.1f} s (emulated)",
                        hint="does it end in RTL?",
                    )

    def console_write(self, data: bytes) -> None:
        with self._lock:
            self.board.uart3.host_send(data)

    def console_read(self, timeout: float = 0.0) -> bytes:
        """What the board sent; when no thread is running the board, run it `timeout` s."""
        if not self.running and timeout > 0:
            self.run_for(seconds=timeout, realtime=True)
        with self._lock:
            return self.board.uart3.host_receive()

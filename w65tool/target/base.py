"""The `Target` interface: what every board, real or emulated, offers the CLI and the TUI."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Self

from w65tool.errors import W65Error
from w65tool.image import Image

ProgressCallback = Callable[[int, int], None]
"""Called as `progress(done, total)` in bytes while an image loads."""

REGISTER_NAMES = ("pc", "a", "x", "y", "s", "d", "p", "dbr")
"""The registers the monitor saves and restores, in its display order (PC is 24-bit: PBR:PC)."""


class TargetError(W65Error):
    """A board failed to do what was asked (no answer, bad reply, verify mismatch)."""


@dataclass
class Registers:
    """The saved register context of the monitor (or the live CPU of the emulator)."""

    pc: int  # 24 bits: PBR in bits 16-23
    a: int
    x: int
    y: int
    s: int
    d: int
    p: int
    dbr: int
    e: int | None = None  # emulation flag; None where the target cannot tell (the monitor)

    def as_dict(self) -> dict[str, int | None]:
        """The registers as a plain dict (for `--json`)."""
        return asdict(self)


@dataclass(frozen=True)
class Mismatch:
    """One byte that did not read back as loaded."""

    address: int
    expected: int
    actual: int

    def __str__(self) -> str:
        return f"${self.address:06X}: wrote ${self.expected:02X}, read ${self.actual:02X}"


RUN_CONTROL = frozenset(
    {"run", "stop", "step", "breakpoints", "cpu_registers", "reset", "cycles", "watchpoints"}
)
"""Every run-control capability a target may declare in `Target.capabilities`:

    run            `run_for()` runs the CPU until a limit, a breakpoint, STP or `stop()`
    stop           `stop()` halts a run from another thread
    step           `step()` executes one instruction
    breakpoints    `breakpoints` is the live set of addresses the CPU stops before
    cpu_registers  `cpu_registers()` / `write_cpu_registers()` reach the CPU itself
    reset          `reset()` resets the chip (the monitor starts again with its banner)
    cycles         `cycles()` counts the CPU's clock cycles since power-on
    watchpoints    `set_watchpoints()` stops a run at a read or write of watched memory
"""


class Target(ABC):
    """A board you can talk to. Use as a context manager, or call `close()`.

    Every target loads, reads and writes memory and the monitor's saved registers, starts code
    and carries the console. Run control is optional: a target lists what it can do in
    `capabilities` (names from `RUN_CONTROL`) and says in `cannot` why it lacks the rest;
    calling a method it does not declare raises `TargetError` with that reason."""

    #: a short description for status lines and messages ("sim", "/dev/ttyUSB0 at 9600 baud")
    description: str = "target"

    #: the run-control capabilities this target has (see `RUN_CONTROL`)
    capabilities: frozenset[str] = frozenset()

    #: why a capability is missing, for the user ("the monitor has no single-step command")
    cannot: str = "this target has no run control"

    @abstractmethod
    def read_registers(self) -> Registers:
        """The saved registers (monitor `|` SPACE), or the live CPU's on the emulator."""

    @abstractmethod
    def write_registers(self, **values: int) -> None:
        """Set registers by name (`pc a x y s d p dbr`) for the next `jml`/`jsl`."""

    @abstractmethod
    def read_memory(self, address: int, length: int) -> bytes:
        """`length` bytes from the 24-bit `address` on."""

    @abstractmethod
    def write_memory(self, address: int, data: bytes) -> None:
        """Store bytes from the 24-bit `address` on."""

    @abstractmethod
    def load(
        self, image: Image, progress: ProgressCallback | None = None, force: bool = False
    ) -> None:
        """Place a program image in the board's memory, reporting progress in bytes.

        An image that reaches the monitor's RAM, I/O, ROM or memory the board does not have
        is refused (`MemoryMapError`, see `w65tool.board.memory_map`) before anything is
        stored, unless `force`."""

    @abstractmethod
    def jml(self, address: int) -> None:
        """Start code at `address` with the saved registers (monitor `G`); return at once."""

    @abstractmethod
    def jsl(self, address: int, timeout: float | None = None) -> Registers:
        """Call code at `address` (monitor `J`); wait for its RTL and return the registers."""

    @abstractmethod
    def console_write(self, data: bytes) -> None:
        """Send bytes to the board's console (UART3)."""

    @abstractmethod
    def console_read(self, timeout: float = 0.0) -> bytes:
        """Bytes the board sent to the console, waiting up to `timeout` seconds for the first."""

    def last_program_output(self) -> bytes:
        """What the code the last `jsl` called printed before it returned."""
        return b""

    def set_notice(self, notice: Callable[[str], None] | None) -> None:
        """Where to say at once what a slow clean-up after Ctrl-C is doing (the CLI prints it).

        Targets whose clean-up is immediate have nothing to say and ignore it."""
        del notice

    # -- run control (only what `capabilities` declares) --------------------------------------
    def can(self, capability: str) -> bool:
        """True when this target declares `capability` (one of `RUN_CONTROL`)."""
        return capability in self.capabilities

    def why_not(self, capability: str) -> str:
        """Why this target lacks `capability`, in words for the user."""
        return self.cannot

    def _lacks(self, capability: str) -> TargetError:
        what = capability.replace("_", " ")
        return TargetError(f"{self.description} cannot {what}: {self.why_not(capability)}")

    def run_for(
        self, cycles: int | None = None, seconds: float | None = None, realtime: bool = False
    ) -> str:
        """Run until a limit, a breakpoint, STP, WAI for ever or `stop()`; return why."""
        raise self._lacks("run")

    def stop(self) -> None:
        """Make a `run_for` in another thread return soon."""
        raise self._lacks("stop")

    def step(self) -> int:
        """Execute one instruction; return its cycles."""
        raise self._lacks("step")

    @property
    def breakpoints(self) -> set[int]:
        """The live set of 24-bit addresses the CPU stops before executing."""
        raise self._lacks("breakpoints")

    def cpu_registers(self) -> Registers:
        """The registers of the CPU itself (with E), wherever it is."""
        raise self._lacks("cpu_registers")

    def write_cpu_registers(self, **values: int) -> None:
        """Set registers of the CPU itself (`pc` is 24-bit; `e` switches emulation)."""
        raise self._lacks("cpu_registers")

    def reset(self) -> None:
        """Reset the chip: the monitor starts again and prints its banner."""
        raise self._lacks("reset")

    def cycles(self) -> int:
        """The CPU's clock cycles since power-on."""
        raise self._lacks("cycles")

    def close(self) -> None:  # noqa: B027 - a target with nothing to release keeps the default
        """Release the port or stop the emulator."""

    def verify(self, image: Image, progress: ProgressCallback | None = None) -> list[Mismatch]:
        """Read back every loaded range and list the bytes that differ."""
        total = len(image)
        done = 0
        mismatches: list[Mismatch] = []
        for start, expected in image.segments():
            actual = self.read_memory(start, len(expected))
            for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
                if want != got:
                    mismatches.append(Mismatch(start + i, want, got))
            done += len(expected)
            if progress:
                progress(done, total)
        return mismatches

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

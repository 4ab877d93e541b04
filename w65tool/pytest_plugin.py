"""pytest plugin: test W65C265 programs on the emulated board, no hardware needed.

Installed with w65 (entry point `pytest11: w65`), it gives every test suite three fixtures:

    sxb          a W65C265SXB, reset to its monitor's prompt
    mensch       a Mensch Microcomputer, likewise
    w65_board    a factory: w65_board("sxb"), w65_board("mensch", monitor=False)

Each is an `EmulatedProgram`: load a source file (assembled on the fly), HEX or S28 file,
run it until something happens, and assert on LEDs, ports, memory, registers and the serial
console. A condition that does not come true in time fails the test with a report of what
was awaited, the time it was given, and the board's state:

    def test_blinks(sxb):
        sxb.load("samples/led_blink.asm")
        sxb.run_until_port(7, lambda v: v & 0x04 == 0, seconds=1)   # LED on (active low)
        assert sxb.leds == {"P72": True}

    def test_greets(sxb):
        sxb.load("samples/hello_uart.asm")
        sxb.run_until_uart("Hello", seconds=1)

This module imports only pytest at load time (it is loaded in every pytest run); the
emulator is imported when a fixture is first used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from w65tool.board.kinds import DEFAULT_BOARD

if TYPE_CHECKING:
    from w65tool.board.board import Board
    from w65tool.cpu import CPU

DEFAULT_SECONDS = 1.0


class ProgramTimeout(AssertionError):
    """A `run_until...` condition did not come true within its time."""


class EmulatedProgram:
    """A board under test, with the program loaded on it."""

    def __init__(self, kind: str = DEFAULT_BOARD, monitor: bool = True) -> None:
        from w65tool.board.board import Board

        self.board: Board = Board(kind, monitor=monitor)
        if monitor:
            self.board.wait_for_prompt()  # the reset banner is out, as on a board at rest
        self.symbols: dict[str, int] = {}
        self._serial = bytearray()
        self._received_to = 0
        self._events_from = 0
        self._interrupt_log: list[tuple[int, str]] = []
        self._interrupts_from = 0
        self._log_interrupts()

    def _log_interrupts(self) -> None:
        """Record every interrupt the core takes: it asks the vector hook where its vector is
        at the cycle the interrupt's entry starts."""
        cpu = self.board.cpu
        hook = cpu.vector_hook
        assert hook is not None  # the board always routes vectors through its controller
        controller = self.board.interrupts
        log = self._interrupt_log

        def logged(kind: str, emulation: bool) -> int:
            source = (controller.pending_source() or "IRQB") if kind == "irq" else kind.upper()
            log.append((cpu.cycles, source))
            return hook(kind, emulation)

        cpu.vector_hook = logged

    # -- loading --------------------------------------------------------------------------
    def load(
        self,
        path: str | Path,
        *,
        entry: int | str | None = None,
        include_dirs: tuple[str, ...] = (),
        defines: dict[str, str] | None = None,
        start: bool = True,
        compat: str | None = None,
    ) -> EmulatedProgram:
        """Assemble (.asm/.s; `compat` names a peer's dialect: "ca65", "64tass", "wdc",
        "naken") or read (.hex/.s28/.bin) a program, load it, start it as the monitor's G
        command would (at `entry`, a symbol, or the program's entry point)."""
        from w65tool.image import Image

        path = Path(path)
        if path.suffix.lower() in (".asm", ".s", ".s65", ".a65"):
            from w65tool.asm import assemble_file

            result = assemble_file(path, include_dirs=include_dirs, defines=defines, compat=compat)
            image = result.image
            self.symbols = dict(result.symbols)
        else:
            image = Image.load(path)
        self.board.load(image)
        address = self.address(entry) if entry is not None else image.start_address()
        if start and address is not None:
            self._drain()
            self._received_to = len(self._serial)  # the program's output starts here
            self._events_from = len(self.board.led_events)
            self._interrupts_from = len(self._interrupt_log)
            self.board.go(address)
        return self

    def address(self, where: int | str) -> int:
        """An address, or the value of a symbol of the loaded program."""
        if isinstance(where, int):
            return where
        if where not in self.symbols:
            known = ", ".join(sorted(self.symbols)[:20]) or "none"
            raise KeyError(f"no symbol {where!r} in the program (symbols: {known})")
        return self.symbols[where]

    # -- running --------------------------------------------------------------------------
    def run(self, *, cycles: int | None = None, seconds: float | None = None) -> str:
        """Run for a number of cycles or emulated seconds; return why it stopped."""
        if cycles is None and seconds is None:
            seconds = DEFAULT_SECONDS
        why = self.board.run(max_cycles=cycles, seconds=seconds)
        self._drain()
        return why

    def run_until(
        self,
        condition: Callable[[Board], bool],
        *,
        cycles: int | None = None,
        seconds: float | None = None,
        what: str = "the condition",
    ) -> int:
        """Run until `condition(board)` holds (checked after every I/O register write and
        every peripheral event); return the cycles it took. Fails the test if it does not
        hold within `cycles` or `seconds` (default 1 s of emulated time)."""
        if cycles is None and seconds is None:
            seconds = DEFAULT_SECONDS
        start = self.board.cycles
        if condition(self.board):
            return 0
        why = self.board.run(max_cycles=cycles, seconds=seconds, until=condition)
        self._drain()
        if why != "until":
            limit = f"{cycles:,} cycles" if cycles is not None else f"{seconds:g} s"
            raise ProgramTimeout(
                f"{what} did not happen within {limit} of emulated time (stopped: {why})\n"
                + self.describe()
            )
        return self.board.cycles - start

    def run_until_pc(
        self, where: int | str, *, cycles: int | None = None, seconds: float | None = None
    ) -> int:
        """Run until the program reaches an address or label (before executing it)."""
        address = self.address(where)
        if self.pc == address:
            return 0
        start = self.board.cycles
        if cycles is None and seconds is None:
            seconds = DEFAULT_SECONDS
        why = self.board.run(max_cycles=cycles, seconds=seconds, until=address)
        self._drain()
        if why != "until":
            raise ProgramTimeout(
                f"the program did not reach ${address:06X} ({where}) (stopped: {why})\n"
                + self.describe()
            )
        return self.board.cycles - start

    def run_until_port(
        self,
        port: int,
        value: int | Callable[[int], bool],
        *,
        cycles: int | None = None,
        seconds: float | None = None,
    ) -> int:
        """Run until port `port`'s data register holds `value` (or `value(v)` is true)."""
        test = value if callable(value) else (lambda v: v == value)
        want = "a matching value" if callable(value) else f"${value:02X}"
        return self.run_until(
            lambda b: test(b.ports.data[port]),
            what=f"PD{port} = {want}",
            cycles=cycles,
            seconds=seconds,
        )

    def run_until_uart(
        self, text: str | bytes, *, cycles: int | None = None, seconds: float | None = None
    ) -> int:
        """Run until the program has sent `text` out of UART3 (since it was started)."""
        needle = text.encode("latin-1") if isinstance(text, str) else text

        def seen(board: Board) -> bool:
            self._drain()
            return needle in self._serial[self._received_to :]

        return self.run_until(seen, what=f"UART3 output {text!r}", cycles=cycles, seconds=seconds)

    # -- looking ----------------------------------------------------------------------------
    def _drain(self) -> None:
        self._serial += self.board.uart3.host_receive()

    @property
    def serial(self) -> str:
        """Everything the program sent out of UART3 since it was started."""
        self._drain()
        return self._serial[self._received_to :].decode("latin-1")

    def send(self, data: str | bytes) -> None:
        """Type into the board's console (UART3), at 9600 baud in emulated time."""
        self.board.uart3.host_send(data.encode("latin-1") if isinstance(data, str) else data)

    @property
    def leds(self) -> dict[str, bool]:
        """The board's lamps by pin name, True when lit."""
        return self.board.leds

    def port_writes(self, port: int) -> list[tuple[int, int]]:
        """(cycle, value) of every write to a lamp port's data register since the program
        started, in order."""
        events = self.board.led_events[self._events_from :]
        return [(c, v) for c, p, v in events if p == port]

    @property
    def interrupts(self) -> list[tuple[int, str]]:
        """(cycle, source) of every interrupt the core took since the program started, in
        order: the cycle its entry began, and the source whose vector it fetched (`T1` for
        the monitor's clock, `T2`, `U3RX`, `IRQB`, ...; `BRK`, `COP`, `NMI`, `ABORT`)."""
        return self._interrupt_log[self._interrupts_from :]

    def memory(self, address: int | str, length: int = 1) -> bytes:
        """Bytes of memory (I/O registers read as 0 here: reading them has side effects)."""
        start = self.address(address)
        return bytes(self.board.bus.peek(start + i) for i in range(length))

    def byte(self, address: int | str) -> int:
        """One byte of memory."""
        return self.memory(address)[0]

    def word(self, address: int | str) -> int:
        """A 16-bit little-endian word of memory."""
        return int.from_bytes(self.memory(address, 2), "little")

    @property
    def pc(self) -> int:
        """The 24-bit program counter."""
        return self.board.cpu.pbr << 16 | self.board.cpu.pc

    @property
    def cpu(self) -> CPU:
        """The 65C816 core: `sxb.cpu.a`, `sxb.cpu.x`, `sxb.cpu.p`, ..."""
        return self.board.cpu

    @property
    def cycles(self) -> int:
        """CPU cycles since reset."""
        return self.board.cycles

    @property
    def seconds(self) -> float:
        """Emulated seconds since reset."""
        return self.board.seconds

    def describe(self) -> str:
        """The board's state in a few lines, for failure messages."""
        c = self.board.cpu
        lamps = " ".join(f"{n}={'on' if lit else 'off'}" for n, lit in self.leds.items())
        tail = self.serial[-200:]
        return (
            f"  at {self.seconds:.6f} s ({self.cycles:,} cycles): PC {c.pbr:02X}:{c.pc:04X} "
            f"A {c.a:04X} X {c.x:04X} Y {c.y:04X} S {c.s:04X} P {c.p:02X} E {c.e}\n"
            f"  lamps: {lamps}\n"
            f"  UART3 since start: {tail!r}"
        )


@pytest.fixture
def w65_board() -> Iterator[Callable[..., EmulatedProgram]]:
    """Factory: `w65_board(kind="sxb", monitor=True)` -> a fresh `EmulatedProgram`."""

    def make(kind: str = DEFAULT_BOARD, monitor: bool = True) -> EmulatedProgram:
        return EmulatedProgram(kind, monitor=monitor)

    yield make


@pytest.fixture
def sxb(w65_board: Callable[..., EmulatedProgram]) -> EmulatedProgram:
    """An emulated W65C265SXB at its monitor's prompt."""
    return w65_board("sxb")


@pytest.fixture
def mensch(w65_board: Callable[..., EmulatedProgram]) -> EmulatedProgram:
    """An emulated Mensch Microcomputer at its monitor's prompt."""
    return w65_board("mensch")

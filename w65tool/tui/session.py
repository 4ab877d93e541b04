"""The TUI's line to its target: one operation at a time, from worker threads, never the UI.

A `Session` owns the `Target`. Every operation takes the session's lock, so the app's
workers (a register read, an upload, the console pump) never interleave on a serial line.
The console pump steps aside whenever an operation is waiting for the lock.

On the emulated board the session also keeps the debugger's state: whether the board runs
(the pump drives it in real time) or is halted, breakpoints, and a pending step over. Which
registers the TUI shows follows where the CPU is: with the monitor idle at its prompt (after a
reset, or when a JSL returned) they are the monitor's saved registers, exactly what `Get`
reads on a real board; once a program was started or stepped they are the live CPU's,
wherever it is (in the program, or stuck in a ROM routine it called), so a halted program
can be inspected and edited.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from w65tool.addresses import format_address
from w65tool.board.bus import Watch
from w65tool.chip import ROM_FIRST
from w65tool.target.base import Registers, Target, TargetError
from w65tool.target.link import PortLost

RUN_SLICE = 0.05
"""Seconds (emulated, paced to the wall clock) the pump runs the board between looks: how
long Stop may take to land."""

POLL_WAIT = 0.05
"""Seconds the pump waits for console bytes from a real board before looking again."""

RETURNS = frozenset({0x60, 0x6B, 0x40})
"""RTS, RTL and RTI: the instructions a step out waits for."""

STEP_OUT_BUDGET = 1_000_000
"""Instructions a step out executes at most before it gives up (a routine that never
returns)."""

LIVE_REGISTERS = ("pc", "a", "x", "y", "s", "d", "p", "dbr", "e")


@dataclass
class View:
    """The registers to show and where they come from (`live`: the CPU, else the saved ones)."""

    registers: Registers
    live: bool
    cycles: int | None = None  # the CPU's cycles since power-on, where the target counts them


@dataclass
class PumpResult:
    """What one round of the pump saw."""

    console: bytes = b""
    leds: dict[str, bool] | None = None  # only when they changed
    halted: str | None = None  # why a run ended ("breakpoint", "stp", "wai", ...)
    running: bool = False
    lost: BaseException | None = None


@dataclass
class StepOver:
    """A step over (or a run to cursor) in progress: stop at `address` once the stack is
    back to `stack` (-1: at any depth)."""

    address: int
    stack: int
    added: bool  # the breakpoint is the step over's own, removed when it ends
    reason: str = "step over"


@dataclass
class Session:
    """Exclusive, thread-safe use of one target, plus the emulator's run state."""

    target: Target
    connect: Callable[..., Target] | None = None  # connect() or connect(port) opens again
    running: bool = False
    connected: bool = True
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _waiting: int = 0
    _over: StepOver | None = None
    _leds: dict[str, bool] | None = None
    _reason: str | None = None
    in_program: bool = False  # a program was started or stepped: show the CPU's registers
    disabled: set[int] = field(default_factory=set)  # breakpoints kept in the list, not armed

    @property
    def emulated(self) -> bool:
        """True when the target declares run control (run, step, breakpoints)."""
        return self.target.can("run")

    @property
    def by_brk(self) -> bool:
        """True when run control goes through a monitor by BRK (a board on a serial line):
        a running program cannot be stopped, read or reset from here."""
        return self.target.can("run") and not self.target.can("stop")

    # -- exclusive use --------------------------------------------------------------------
    @contextmanager
    def use(self) -> Iterator[Target]:
        """The target, for this thread alone until the block ends."""
        self._waiting += 1
        self._lock.acquire()
        self._waiting -= 1
        try:
            yield self.target
        finally:
            self._lock.release()

    # -- registers ------------------------------------------------------------------------
    def registers(self) -> View:
        """The registers to show (see the module docstring)."""
        with self.use() as target:
            return self._view(target)

    def _view(self, target: Target) -> View:
        cycles = target.cycles() if target.can("cycles") else None
        if self.emulated:
            live = target.cpu_registers()
            if live.pc < ROM_FIRST or self.in_program:
                return View(live, True, cycles)
        return View(target.read_registers(), False, cycles)

    def write_registers(self, values: Mapping[str, int]) -> View:
        """Set registers where they are shown (live CPU or saved) and return the new view.

        On a halted program the saved registers get the same values too, so a later JML
        or JSL starts with what the user sees."""
        saved = {k: v for k, v in values.items() if k != "e"}
        with self.use() as target:
            if self._view(target).live:
                target.write_cpu_registers(**values)
            if saved:
                target.write_registers(**saved)
            return self._view(target)

    # -- emulator: run control ------------------------------------------------------------
    def run(self) -> None:
        """Let the board run (from a breakpoint, its instruction is executed first)."""
        with self.use() as target:
            self._leave_breakpoint(target)
            self.running = True

    def reset(self) -> View:
        """The chip's reset: halted programs end, the monitor starts again with its banner
        (the board runs on so that it is printed)."""
        with self.use() as target:
            self._drop_step_over(target)
            target.reset()
            self.in_program = False
            self.running = True
            self._reason = None
            return self._view(target)

    def started(self, in_program: bool) -> None:
        """A JML started a program (True), or a JSL came back to the monitor (False)."""
        self.in_program = in_program

    def stop(self) -> None:
        """Halt the board when the pump's current slice ends (safe from any thread).

        `EmulatedTarget.stop()` is not used: a request that lands between the board's own
        run slices stays pending and would end the next run at once."""
        if self.running:
            self._reason = "stop requested"
        self.running = False

    def step(self) -> View:
        """Execute one instruction of the halted board."""
        with self.use() as target:
            self.running = False
            self.in_program = True
            self._drop_step_over(target)
            target.step()
            return self._view(target)

    def step_over(self, read_line: Callable[[Target, Registers], tuple[str, int]]) -> View:
        """Step, but run a JSR or JSL through to its return (at the same stack depth).

        `read_line(target, registers)` gives the mnemonic and size of the instruction at PC.
        Returns the view right after the first instruction; the run to the return address,
        if any, goes on in the pump and ends as a halt."""
        with self.use() as target:
            self.running = False
            self.in_program = True
            self._drop_step_over(target)
            regs = target.cpu_registers()
            mnemonic, size = read_line(target, regs)
            back = regs.pc & 0xFF0000 | (regs.pc + size) & 0xFFFF
            if self.by_brk and mnemonic in ("jsr", "jsl"):
                # through the monitor the call runs to a BRK at its return: the routine may
                # be in ROM, where no BRK can follow it
                added = back not in target.breakpoints
                target.breakpoints.add(back)
                self._over = StepOver(back, regs.s, added)
                self.running = True
                return View(regs, True)
            target.step()
            now = target.cpu_registers()
            if mnemonic in ("jsr", "jsl") and now.pc != back:
                added = back not in target.breakpoints
                target.breakpoints.add(back)
                self._over = StepOver(back, regs.s, added)
                self.running = True
            return self._view(target)

    def run_to(self, address: int) -> None:
        """Run until the PC reaches `address` (a temporary breakpoint, gone when the run
        stops there or for any other reason)."""
        with self.use() as target:
            self._drop_step_over(target)
            added = address not in target.breakpoints
            target.breakpoints.add(address)
            self._over = StepOver(address, -1, added, "run to cursor")
            self.in_program = True
            self._leave_breakpoint(target)
            self.running = True

    def step_out(self, budget: int = STEP_OUT_BUDGET) -> tuple[View, str]:
        """Run the halted board until the routine it is in returns (an RTS, RTL or RTI that
        leaves the stack above where it is now), a breakpoint, or `budget` instructions.
        Returns the view and why it stopped ("step out", "breakpoint", "budget", or the
        watchpoint's message)."""
        if self.by_brk:
            raise TargetError(
                "step out cannot be done through the monitor: it would take a BRK and a "
                "round trip on the line for every instruction of the routine",
                hint="set a breakpoint after the call and continue (F5)",
            )
        with self.use() as target:
            self.running = False
            self.in_program = True
            self._drop_step_over(target)
            depth = target.cpu_registers().s
            watching = bool(self.watchpoints(target))
            if watching:
                target.take_watch_hit()  # only what this step out meets counts
            why = "budget"
            for done in range(budget):
                regs = target.cpu_registers()
                if done and regs.pc in target.breakpoints:
                    why = "breakpoint"
                    break
                opcode = target.read_memory(regs.pc, 1)[0]
                target.step()
                if watching and target.board.watch_hit is not None:
                    why = self._watch_reason(target)
                    break
                if opcode in RETURNS and target.cpu_registers().s > depth:
                    why = "step out"
                    break
            return self._view(target), why

    def _leave_breakpoint(self, target: Target) -> None:
        """Execute the instruction at a breakpoint, which a run would otherwise stop before."""
        if self.by_brk:
            return  # the target steps off a breakpoint itself when it continues
        regs = target.cpu_registers()
        if regs.pc in target.breakpoints:
            target.step()

    # -- the pump -------------------------------------------------------------------------
    def pump(self) -> PumpResult:
        """One round: run the board a slice (emulator), collect console bytes and lamps."""
        if self._waiting or not self.connected:
            time.sleep(0.005 if self.connected else POLL_WAIT)
            return PumpResult(running=self.running)
        result = PumpResult()
        began = time.monotonic()
        try:
            with self.use() as target:
                if self.emulated:
                    self._pump_board(target, result)
                else:
                    result.console = target.console_read(POLL_WAIT)
        except (OSError, PortLost) as err:
            self.connected = False
            result.lost = err
        result.running = self.running
        idle = not self.running and not result.console
        if idle and time.monotonic() - began < POLL_WAIT:
            time.sleep(POLL_WAIT)  # nothing to do: never spin, whatever the target's wait
        return result

    def _pump_board(self, target: Target, result: PumpResult) -> None:
        if self.running:
            why = target.run_for(seconds=RUN_SLICE, realtime=True)
            over = self._over
            regs = target.cpu_registers() if why == "breakpoint" and over else None
            if regs is not None and over is not None and regs.pc == over.address:
                if regs.s < over.stack:
                    target.step()  # a deeper (recursive) call passed the address: run on
                else:
                    self.running = False
                    self._reason = over.reason
            elif why != "cycles":
                self.running = False
                self._reason = self._watch_reason(target) if why == "watchpoint" else why
        if self._reason is not None and not self.running:
            self._drop_step_over(target)
            result.halted, self._reason = self._reason, None
        result.console = target.console_read(0)
        leds = getattr(target, "leds", None)  # a board on a serial line shows no lamps
        if leds is not None and leds != self._leds:
            self._leds = leds
            result.leds = leds

    def temporary(self) -> set[int]:
        """The breakpoint a step over or a run to cursor added for itself, if any."""
        over = self._over
        return {over.address} if over is not None and over.added else set()

    def _drop_step_over(self, target: Target) -> None:
        over = self._over
        if over is not None and over.added:
            target.breakpoints.discard(over.address)
        self._over = None

    # -- breakpoints ----------------------------------------------------------------------
    def set_breakpoint(self, address: int, on: bool) -> set[int]:
        """Add or delete a breakpoint (a disabled one too); return the armed ones."""
        with self.use() as target:
            self.disabled.discard(address)
            if on:
                target.breakpoints.add(address)
            else:
                target.breakpoints.discard(address)
            return set(target.breakpoints)

    def disable_breakpoint(self, address: int) -> set[int]:
        """Disarm an armed breakpoint, or arm a disabled one; return the armed ones.

        A disabled breakpoint stays in the list (`disabled`) but never stops the CPU."""
        with self.use() as target:
            if address in target.breakpoints:
                target.breakpoints.discard(address)
                self.disabled.add(address)
            elif address in self.disabled:
                self.disabled.discard(address)
                target.breakpoints.add(address)
            else:
                raise KeyError(address)
            return set(target.breakpoints)

    def clear_breakpoints(self) -> set[int]:
        """Delete every breakpoint, armed or not."""
        with self.use() as target:
            self._drop_step_over(target)
            target.breakpoints.clear()
            self.disabled.clear()
            return set()

    # -- watchpoints ----------------------------------------------------------------------
    @staticmethod
    def watchpoints(target: Target) -> tuple[Watch, ...]:
        """The target's watchpoints (none on a target without them)."""
        return getattr(target, "watchpoints", ())

    def set_watch(self, watch: Watch, on: bool) -> tuple[Watch, ...]:
        """Add or remove a watchpoint; return them all."""
        with self.use() as target:
            watches = [w for w in self.watchpoints(target) if w != watch]
            if on:
                watches.append(watch)
            target.set_watchpoints(watches)  # type: ignore[attr-defined]
            return tuple(watches)

    def clear_watches(self) -> None:
        """Remove every watchpoint."""
        with self.use() as target:
            if self.watchpoints(target):
                target.set_watchpoints(())  # type: ignore[attr-defined]

    def _watch_reason(self, target: Target) -> str:
        hit = target.take_watch_hit()  # type: ignore[attr-defined]
        if hit is None:
            return "watchpoint"
        return (
            f"watchpoint: {hit.access} of {format_address(hit.address)} "
            f"(${hit.value:02X}) by the instruction at {format_address(hit.pc)}"
        )

    # -- connection -----------------------------------------------------------------------
    def reconnect(self, port: str | None = None) -> tuple[str, str]:
        """Close the target and open it again; return its description, and where the board
        of a port given up for another still holds BRKs ('' if nowhere)."""
        if self.connect is None:
            raise OSError("this target cannot be reopened")
        with self.use() as target:
            with suppress(OSError):  # the port is already gone; a fresh one is what matters
                target.close()
            self.target = self.connect() if port is None else self.connect(port)
            self.connected = True
            # the same board kept its memory: BRKs placed before the line went are still there
            before = getattr(target, "debugger", None)
            after = getattr(self.target, "debugger", None)
            left = ""
            if port is None and before is not None and after is not None:
                after.adopt(before)
            elif before is not None and before.left_behind():
                # another port may be another board: its bytes are not ours to restore
                left = f"on {target.description}, {before.left_behind()}"
            return self.target.description, left

    def mark_lost(self) -> None:
        """Record that the target stopped answering at the transport level."""
        self.connected = False

    def close(self) -> None:
        """Stop any run and release the target."""
        if self.emulated:
            self.stop()
        with self.use() as target:
            target.close()

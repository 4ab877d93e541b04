"""Breakpoints, step and continue on a real board, through the ROM monitor, by BRK.

The monitor has no run control of its own, but its BRK handler (R_SBREAK.ASM: `SBREAK`, reached
through the native BRK vector $FFB6 and the page-1 slot $0100) saves every register, prints
the register display and returns to the prompt (`JMP ROM_START`); `G` (`GO_AGAIN`) restores
the saved context and resumes with RTI. That is enough for a debugger:

- a breakpoint is a BRK ($00) written over the opcode with a checked write (`/` reads each
  byte back), so one placed in ROM, I/O or missing memory is refused, never assumed;
- the original bytes are remembered and written back as soon as the break is caught, so
  memory holds BRKs only while the program runs, and a halted program reads as loaded;
- the break is the register display in the console; BRK saves PC + 2, so the saved PC is set
  back to the BRK's own address with the `|` register write;
- continue = `G` at the saved PC with every breakpoint written in; from a breakpoint the
  instruction there is first stepped over by a temporary BRK after it;
- step = temporary BRKs at every address the instruction can go next (the next one, a
  branch's target, a jump's or call's target, the return address of RTS/RTL/RTI read from
  the stack), then `G`.

What the serial line cannot give is listed in `SERIAL_LIMITS`. No BRK is ever left behind in
silence: every path restores the original bytes or raises `TargetError` naming the addresses
that still hold a BRK (`BrkDebugger.armed`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from w65tool.addresses import format_address
from w65tool.chip import ROM_FIRST, ROM_LAST
from w65tool.isa import OPCODES
from w65tool.target.base import Registers, TargetError
from w65tool.target.protocol import BANNER, DISPLAY_RE, parse_register_display
from w65tool.widths import Widths

if TYPE_CHECKING:
    from w65tool.target.monitor import MonitorClient

BRK = 0x00

STEP_WAIT = 5.0
"""Seconds a step waits for its temporary BRK before it says the program runs on."""

DISPLAY_LEAD = b"PCntr"
"""How the register display begins: console bytes that may be its start are held back (the
display is parsed whole, then shown in the console too), unless the line has gone quiet."""

QUIET_CHARS = 20
"""Character times of silence after which held-back bytes are surely not a display."""

SERIAL_LIMITS = {
    "stop": "the monitor does not listen while a program runs, and the serial line has no "
    "NMI: only a breakpoint, the program's own BRK or the board's reset button stops it",
    "breakpoints in ROM": "a breakpoint is a BRK written into memory: the mask ROM "
    "($00:E000-$FFFF) cannot be written",
    "step into ROM": "the next instruction would be in the ROM, where no BRK can be placed: "
    "step over the call instead",
    "watchpoints": "the CPU has no data breakpoints, and the monitor cannot watch memory while "
    "a program runs",
    "cycle counts": "the chip counts no cycles that the monitor can report",
    "reset": "the serial line has no reset wire: press the board's reset button",
    "registers while running": "the registers are known only at a break, when the monitor "
    "has saved them",
}
"""Feature -> why a board on a serial line cannot give it (shown by the TUI and the docs)."""

BRANCHES = frozenset({"bcc", "bcs", "beq", "bmi", "bne", "bpl", "bvc", "bvs"})
NO_STEP = {
    "stp": "STP stops the clock until a reset",
    "wai": "WAI waits for an interrupt: continue instead",
    "cop": "COP goes through a vector the monitor points at RESET",
    "brk": "BRK enters the monitor: continue instead, which shows its break",
}


@dataclass
class Break:
    """Where and why a program stopped at a BRK."""

    registers: Registers  # the saved context, PC fixed up to the BRK's address
    reason: str  # "breakpoint", "step", "brk" (the program's own BRK), "reset"


def _in_bank(pc: int, offset: int) -> int:
    """`pc` + `offset` within `pc`'s bank (the PC wraps at bank boundaries)."""
    return pc & 0xFF0000 | (pc + offset) & 0xFFFF


class BrkDebugger:
    """Run control for a board reached through `client` (see the module docstring).

    `breakpoints` is the user's set of addresses, written into memory only while the program
    runs; `armed` maps each address that holds a BRK now to its original byte."""

    def __init__(self, client: MonitorClient) -> None:
        self.client = client
        self.breakpoints: set[int] = set()
        self.armed: dict[int, int] = {}
        self.running = False
        self._stepping: set[int] = set()
        self._output = bytearray()  # console bytes from the line, until `take_output`

    # -- BRKs in memory -------------------------------------------------------------------
    def _arm(self, addresses: set[int], why: str) -> None:
        """Write a BRK at each address (checked); on a refusal restore them all and raise."""
        for address in sorted(addresses):
            if address in self.armed:
                continue
            try:
                if ROM_FIRST <= address <= ROM_LAST:
                    raise TargetError("it is the monitor's ROM")
                original = self.client.read_memory(address, 1)[0]
                self.client.write_memory(address, bytes([BRK]))
            except TargetError as err:
                left = self.disarm()
                raise TargetError(
                    f"cannot {why}: no BRK can be placed at {format_address(address)} "
                    f"({err.message})" + _still(left),
                    hint=SERIAL_LIMITS["breakpoints in ROM"],
                ) from None
            self.armed[address] = original

    def disarm(self) -> list[int]:
        """Write back the original byte under every BRK; return the addresses that still hold
        a BRK because the write failed (empty when all are restored)."""
        for address, original in sorted(self.armed.items()):
            try:
                self.client.write_memory(address, bytes([original]))
            except TargetError:
                continue
            del self.armed[address]
        return sorted(self.armed)

    # -- starting and catching --------------------------------------------------------------
    def resume(self, registers: Registers) -> Break | None:
        """Continue the halted program at its saved PC with every breakpoint in memory.

        At a breakpoint the instruction there runs first (a step), so the program does not
        stop where it is at once. Returns None once the program runs, or the `Break` when
        that first step already stopped it (at another breakpoint, its own BRK, a reset)."""
        if self.running:
            raise TargetError("the program is already running")
        if ROM_FIRST <= registers.pc <= ROM_LAST:
            raise TargetError(
                "no program is halted: the saved PC is in the monitor's ROM",
                hint="start a program with JML (Go); breakpoints are written in as it starts",
            )
        if registers.pc in self.breakpoints:
            hit = self.step(registers, over_rom_calls=True)
            if hit.reason != "step":
                return hit
            registers = hit.registers
        self._arm(set(self.breakpoints), "continue")
        self._start(registers.pc)
        return None

    def started(self) -> None:
        """A program was started outside the debugger (`G` without breakpoints): watch the
        console for its break all the same."""
        self.running = True

    def _start(self, pc: int) -> None:
        try:
            self.client.go(pc)
        except TargetError as err:
            left = self.disarm()
            raise TargetError(f"{err}{_still(left)}") from None
        self.running = True

    def step(self, registers: Registers, over_rom_calls: bool = False) -> Break:
        """Execute the instruction at the saved PC and stop after it (temporary BRKs at every
        place it can go). `over_rom_calls` runs a JSR/JSL into the ROM through to its return
        instead of refusing it. Raises `TargetError` where no step is possible."""
        if self.running:
            raise TargetError("the program is running: steps start from a break")
        stops = self.successors(registers, over_rom_calls)
        self._arm(stops, "step")
        self._stepping = stops
        self._start(registers.pc)
        hit = self.wait(STEP_WAIT)
        if hit is None:
            raise TargetError(
                f"the step did not come back within {STEP_WAIT:.0f} s: the program runs on "
                "(an interrupt handler that does not return?)" + _still(sorted(self.armed)),
                hint="continue waits for it; the board's reset button stops it",
            )
        return hit

    def successors(self, registers: Registers, over_rom_calls: bool = False) -> set[int]:
        """Every address the instruction at the saved PC can pass control to."""
        pc = registers.pc
        where = format_address(pc)
        if ROM_FIRST <= pc <= ROM_LAST:
            raise TargetError(
                f"cannot step at {where}: it is the monitor's ROM (no program is halted)",
                hint="start a program with Go, or set a breakpoint and continue",
            )
        widths = Widths.from_status(registers.p, registers.e)
        code = self.client.read_memory(pc, 4)
        op = OPCODES[code[0]]
        if op.mnemonic in NO_STEP:
            raise TargetError(f"cannot step at {where}: {NO_STEP[op.mnemonic]}")
        size = op.length(widths.m8, widths.x8)
        after = _in_bank(pc, size)
        operand = int.from_bytes(code[1:size], "little")
        name, mode = op.mnemonic, op.mode.name
        bank = pc & 0xFF0000
        if name in BRANCHES:
            targets = {after, _in_bank(after, operand - (0x100 if operand & 0x80 else 0))}
        elif name == "bra":
            targets = {_in_bank(after, operand - (0x100 if operand & 0x80 else 0))}
        elif name == "brl":
            targets = {_in_bank(after, operand - (0x10000 if operand & 0x8000 else 0))}
        elif mode in ("abs",) and name in ("jmp", "jsr"):
            targets = {bank | operand}
        elif mode == "long" and name in ("jml", "jsl"):
            targets = {operand}
        elif mode == "abs_ind":  # JMP (abs): the pointer is in bank 0
            targets = {bank | self._word(operand)}
        elif mode == "abs_x_ind":  # JMP/JSR (abs,X): the pointer is in the program bank
            targets = {bank | self._word(bank | (operand + registers.x) & 0xFFFF)}
        elif mode == "abs_lind":  # JML [abs]
            targets = {int.from_bytes(self.client.read_memory(operand, 3), "little")}
        elif name == "rts":
            targets = {bank | (self._word(registers.s + 1) + 1) & 0xFFFF}
        elif name == "rtl":
            back = int.from_bytes(self.client.read_memory(registers.s + 1, 3), "little")
            targets = {_in_bank(back, 1)}
        elif name == "rti":
            frame = self.client.read_memory(registers.s + 1, 4)
            targets = {frame[3] << 16 | frame[2] << 8 | frame[1]}
        else:
            targets = {after}
        rom = {t for t in targets if ROM_FIRST <= t <= ROM_LAST}
        if rom and name in ("jsr", "jsl") and over_rom_calls:
            return {after}
        if rom:
            at = min(rom)
            raise TargetError(
                f"cannot step at {where}: the {name.upper()} goes to {format_address(at)} "
                "in the monitor's ROM, where no BRK can be placed",
                hint="step over the call instead" if name in ("jsr", "jsl") else None,
            )
        return targets

    def _word(self, address: int) -> int:
        return int.from_bytes(self.client.read_memory(address, 2), "little")

    def poll(self, wait: float) -> Break | None:
        """Look for the monitor's break display for up to `wait` seconds; on one, restore the
        BRKs, fix the PC and return the `Break` (the program is halted)."""
        if not self.running:
            return None
        link = self.client.link
        deadline = link.clock() + wait
        while True:
            reset = link.buffer.find(BANNER)
            m = DISPLAY_RE.search(link.buffer)
            if m is not None:
                return self._caught(m, reset)
            if link.clock() >= deadline:
                break
            link.poll(deadline - link.clock())
        # what the program printed, except what may be the start of a display
        keep = link.buffer.find(DISPLAY_LEAD)
        quiet = link.clock() - link.last_heard > QUIET_CHARS * link.char_time
        if keep < 0:
            keep = len(link.buffer) if quiet else _unheld(link.buffer)
        cut = keep if reset < 0 else min(keep, reset)
        self._output += link.buffer[:cut]
        del link.buffer[:cut]
        return None

    def _caught(self, m: re.Match[bytes], reset: int) -> Break:
        link = self.client.link
        # the console shows the display too: it is what the board said
        self._output += link.buffer[: m.end()]
        regs = parse_register_display(m.group(0))
        del link.buffer[: m.end()]
        self.running = False
        self.client.at_prompt = True
        stepping, self._stepping = self._stepping, set()
        at = _in_bank(regs.pc, -2)
        if reset >= 0 and reset < m.start():
            reason = "reset"
        elif at in self.armed:
            reason = "breakpoint" if at in self.breakpoints or at not in stepping else "step"
        else:
            reason = "brk"
        left = self.disarm()
        if reason in ("breakpoint", "step"):
            try:
                self.client.write_registers({"pc": at})
            except TargetError as err:
                raise TargetError(
                    f"the program stopped at {format_address(at)}, but the saved PC "
                    f"could not be set back there from BRK + 2 ({err.message}){_still(left)}",
                    hint="set PC to the breakpoint before continuing",
                ) from None
            regs.pc = at
        if left:
            raise TargetError("the program stopped, but" + _still(left)[1:])
        return Break(regs, reason)

    def wait(self, timeout: float | None) -> Break | None:
        """`poll` until a break or `timeout` seconds (None: for ever)."""
        clock = self.client.link.clock
        deadline = None if timeout is None else clock() + timeout
        while True:
            left = 1.0 if deadline is None else deadline - clock()
            hit = self.poll(max(0.0, left))
            if hit is not None or (deadline is not None and clock() >= deadline):
                return hit

    def adopt(self, other: BrkDebugger) -> None:
        """Take over what `other` (the same board's debugger before the port was opened
        again) knew: its breakpoints, the BRKs it left in memory, whether a program runs."""
        self.breakpoints = set(other.breakpoints)
        self.armed = dict(other.armed)
        self.running = other.running
        self._stepping = set(other._stepping)

    def take_output(self) -> bytes:
        """What the running program printed since the last call."""
        out = bytes(self._output)
        self._output.clear()
        return out

    def left_behind(self) -> str:
        """'' when no BRK is in memory, else a sentence naming the addresses that hold one."""
        return _still(sorted(self.armed))[2:]


def _unheld(buffer: bytearray) -> int:
    """How many bytes of `buffer` are surely not the start of a register display or of the
    reset banner (a BRK in emulation mode restarts the monitor)."""
    for k in range(min(len(BANNER), len(buffer)), 0, -1):
        if buffer.endswith(DISPLAY_LEAD[:k]) or buffer.endswith(BANNER[:k]):
            return len(buffer) - k
    return len(buffer)


def _still(addresses: list[int]) -> str:
    if not addresses:
        return ""
    where = ", ".join(format_address(a) for a in addresses)
    return f"; a BRK still replaces the original byte at {where}"

"""`Monitor`: the W65C265's ROM monitor, emulated at the level of its routines.

The board calls `install()` once (ROM bytes into $E000-$FFFF, the CPU's WDM hook) and
`reset()` after each power-on reset. Every ROM routine is a `WDM #n` trap where the real
routine starts, so the CPU enters Python exactly where it would enter the ROM's code: through
the jump table, the interrupt vectors and the page-1 JML slots (which programs may change).

Work that waits for the serial line runs as a task (a generator, see `console.py`). While one
waits, the CPU is parked in a ROM loop `WAI / WDM / BRA` with its registers untouched: the
board sleeps to the next UART or timer event, the interrupt handler traps move bytes through
the ROM's rings, and the `WDM` resumes the task. A routine a program called returns with RTL
when its task ends; the command interpreter's task ends only when a command leaves the
monitor (G, J, U, X). Tasks nest: a program's interrupt handler may call PUT_CHR while its
main line waits in GET_CHR.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass

from w65tool.board.monitor import layout as L
from w65tool.board.monitor.commands import Commands
from w65tool.board.monitor.console import STEP_BUDGET
from w65tool.board.monitor.routines import NEEDS_M8, NEEDS_X16, Result, Routines
from w65tool.board.monitor.serial import SerialPorts
from w65tool.board.registers import io_address
from w65tool.errors import W65Error

RESET_CONTEXT = {"a": 0x0000, "x": L.MONVER, "y": 0x00B3, "p": 0x22}
"""The registers the BRK at the end of reset saves: X points at the banner just printed;
A's high byte and Y are leftovers of the reset code, here as a real board reports them."""

BCR, PCS7, SSCR = (io_address(name) for name in ("BCR", "PCS7", "SSCR"))
PD4, PD5, PD6, PD7 = (io_address(f"PD{n}") for n in range(4, 8))
PDD4, PDD5, PDD6 = (io_address(f"PDD{n}") for n in range(4, 7))
TCR, TER, TIFR, EIFR, TIER, EIER, UIFR, UIER = (
    io_address(name) for name in ("TCR", "TER", "TIFR", "EIFR", "TIER", "EIER", "UIFR", "UIER")
)
ACSR3, ARTD3 = io_address("ACSR3"), io_address("ARTD3")


class MonitorError(W65Error):
    """The program did something the emulated ROM cannot follow (or the real ROM would
    crash on); the message names the ROM address and what to do instead."""


@dataclass
class _Task:
    gen: Generator
    done: Callable[[object, bool], None]  # (result, parked) -> None
    parked: bool = False


class Monitor:
    """The ROM monitor of one board (`Monitor(board)`); see the module docstring."""

    def __init__(self, board) -> None:
        self.board = board
        self.cpu = board.cpu
        self.bus = board.bus
        self.ports = SerialPorts(self.bus)
        self.commands = Commands(self.bus, self.ports)
        self.clock = self.commands.clock
        self.routines = Routines(self.commands, self.cpu)
        self._tasks: list[_Task] = []
        self._traps: dict[int, tuple[int, Callable[[], None]]] = {}
        for name, address in L.ROUTINES.items():
            self._traps[L.SIGNATURE[name]] = (address, lambda n=name: self._call(n))
        internal = {
            "RESET_ENTRY": self._reset_entry,
            "ROM_START": self._rom_start,
            "READY_RETURN": self._ready_return,
            "SBREAK_ENTRY": self._sbreak,
            "NMIBRK": self._nmibrk,
            "JSL_RTL_IN": self._jsl_return,
            "ENTER_LOW_POWER_MODE": self._enter_low_power,
            "DO_LOW_PWR": self._do_low_power,
            "TODIRQ": self._todirq,
            **{f"UART{n}_RX": (lambda n=n: self._uart_irq(self.ports.rx_irq, n)) for n in range(4)},
            **{f"UART{n}_TX": (lambda n=n: self._uart_irq(self.ports.tx_irq, n)) for n in range(4)},
        }
        for name, handler in internal.items():
            self._traps[L.SIGNATURE[name]] = (L.INTERNAL[name], handler)
        self._traps[L.SIGNATURE["IDLE"]] = (L.IDLE + 1, self._idle)

    # -- the board's interface ------------------------------------------------------------------
    def install(self) -> None:
        """Put the ROM's bytes at $00:E000-$FFFF and take the CPU's WDM hook."""
        self.bus.store(L.ROM_BASE, bytes(L.build_rom()))
        self.cpu.wdm_hook = self._wdm

    def reset(self) -> None:
        """The ROM's reset sequence: I/O set up, the banner, the register display, the
        prompt; the CPU is left parked, waiting for the host."""
        self._tasks.clear()
        cpu = self.cpu
        cpu.e = 0
        cpu.p = 0x24  # SEI; CLC; XCE; REP #$18: A 8-bit, X/Y 16-bit, I set, D clear
        cpu.s = 0x01FF
        autostart = self._init_hardware()
        if autostart is not None:
            cpu.pbr, cpu.pc = 0, autostart
            return
        self._do_std()
        self._start_banner(brk_saves=True)

    def go(self, address: int) -> None:
        """Start code at `address` with the saved registers, as `G` does."""
        self.commands.w24(L.PCL, address)
        self._leave(("go",))

    def jsl(self, address: int) -> None:
        """Call code at `address` as `J` does: its RTL returns to the monitor, which saves
        the registers and prints the register display and the prompt."""
        self.commands.w24(L.PCL, address)
        self._leave(("jsl",))

    @property
    def busy(self) -> bool:
        """True while the monitor has work under way (it is at its prompt or in a routine)."""
        return bool(self._tasks)

    # -- the WDM hook -----------------------------------------------------------------------------
    def _wdm(self, signature: int) -> None:
        cpu = self.cpu
        at = (cpu.pc - 2) & 0xFFFF
        if cpu.pbr != 0 or at < L.ROM_BASE or self.bus.read(BCR) & 0x80:
            return  # a program's own WDM (or external ROM mapped in): a two-byte NOP
        trap = self._traps.get(signature)
        if trap is None or trap[0] != at:
            raise MonitorError(
                f"the program ran the ROM at $00:{at:04X}, where the emulated monitor has no "
                f"code: only the documented entry points ($E000-$E0A6) and the vectors lead "
                f"into the ROM"
            )
        trap[1]()

    # -- tasks ----------------------------------------------------------------------------------
    def _start(self, gen: Generator, done: Callable[[object, bool], None]) -> None:
        self._tasks.append(_Task(gen, done))
        self._step()

    def _step(self) -> None:
        task = self._tasks[-1]
        self.commands.budget = STEP_BUDGET
        try:
            next(task.gen)
        except StopIteration as stop:
            self._tasks.pop()
            task.done(stop.value, task.parked)
            return
        if not task.parked:
            task.parked = True
            self.cpu.pbr, self.cpu.pc = 0, L.IDLE

    def _idle(self) -> None:
        if self._tasks:
            self._step()

    # -- stack helpers ----------------------------------------------------------------------------
    def _push(self, value: int) -> None:
        cpu = self.cpu
        self.bus.write(cpu.s, value & 0xFF)
        cpu.s = (cpu.s - 1) & 0xFFFF

    def _pull(self) -> int:
        cpu = self.cpu
        cpu.s = (cpu.s + 1) & 0xFFFF
        return self.bus.read(cpu.s)

    def _rtl(self) -> None:
        low, high, bank = self._pull(), self._pull(), self._pull()
        self.cpu.pbr = bank
        self.cpu.pc = ((high << 8 | low) + 1) & 0xFFFF

    def _rti(self) -> None:
        cpu = self.cpu
        p = self._pull()
        low, high = self._pull(), self._pull()
        if not cpu.e:
            cpu.pbr = self._pull()
        cpu.p = p
        cpu.pc = high << 8 | low

    def _monitor_mode(self) -> None:
        """The state the monitor's own code runs in: native, A 8-bit, X/Y 16-bit, CLI."""
        cpu = self.cpu
        cpu.e = 0
        cpu.p = (cpu.p & ~0x1C) | 0x20

    # -- routine calls (the jump table) -----------------------------------------------------
    def _call(self, name: str) -> None:
        cpu = self.cpu
        if name == "RESET":
            return self._reset_entry()
        if name == "SBREAK":
            return self._sbreak()
        if name == "DO_LOW_PWR_PGM":
            return self._do_low_power()
        self._check_widths(name)
        redirect = {"GET_CHR": L.GET_CHR_JMP, "PUT_CHR": L.PUT_CHR_JMP}
        redirect["GET_PUT_CHR"] = L.GET_PUT_CHR_JMP
        default = {"GET_CHR": L.ROM_GET_CHR, "PUT_CHR": L.ROM_PUT_CHR}
        default["GET_PUT_CHR"] = L.GET_PUT_PC_CHR
        if name in redirect:
            target = self.commands.r16(redirect[name])
            if target != default[name]:  # a program pointed the ROM's vector elsewhere
                cpu.pbr, cpu.pc = 0, target
                return None
        self._start(self.routines.run(name), self._routine_done)
        return None

    def _check_widths(self, name: str) -> None:
        cpu = self.cpu
        where = f"{name} ($00:{L.ROUTINES[name]:04X})"
        if name in NEEDS_M8 and not (cpu.e or cpu.p & 0x20):
            raise MonitorError(
                f"{where} was called with a 16-bit accumulator; the ROM's code needs "
                f"M = 1: SEP #$20 before the JSL"
            )
        if name in NEEDS_X16 and (cpu.e or cpu.p & 0x10):
            raise MonitorError(
                f"{where} was called with 8-bit index registers; the ROM's code needs "
                f"X = 0 in native mode: REP #$10 before the JSL"
            )

    def _routine_done(self, result: object, parked: bool) -> None:
        assert isinstance(result, Result)
        cpu = self.cpu
        if result.a is not None:
            cpu.a = (cpu.a & 0xFF00) | (result.a & 0xFF)
        if result.x is not None:
            cpu.x = result.x
        if result.y is not None:
            cpu.y = result.y
        p = cpu.p
        if result.carry is not None:
            p = p | 0x01 if result.carry else p & ~0x01
        if result.nz is not None:
            value = result.nz & 0xFF
            p = (p & ~0x82) | (0x80 if value & 0x80 else 0) | (0x02 if value == 0 else 0)
        cpu.p = p
        if parked:
            self._rtl()

    # -- leaving the monitor (G, J, U, X, *) --------------------------------------------------
    def _leave(self, action: object, parked: bool = True) -> None:
        self._tasks.clear()
        cpu, con = self.cpu, self.commands
        cpu.waiting = False  # called from outside (go, jsl) the core may sit in the idle WAI
        kind = action[0] if isinstance(action, tuple) else None
        if kind == "jsl":
            top = cpu.s
            for offset, value in enumerate((0x00, (L.JSL_RTL_IN - 1) >> 8, L.JSL_RTL_IN - 1)):
                self.bus.write(top - offset, value & 0xFF)
            con.w16(L.STK_PTR, top - 3)
            kind = "go"
        if kind == "go":
            con.w8(L.SB_SENTL, 0)
            cpu.e = 0
            p = con.r8(L.FLGS)
            cpu.p = p
            cpu.a = con.r16(L.ACC)
            index_mask = 0xFF if p & 0x10 else 0xFFFF
            cpu.x = con.r16(L.XREG) & index_mask
            cpu.y = con.r16(L.YREG) & index_mask
            cpu.s = con.r16(L.STK_PTR)
            cpu.d = con.r16(L.DIRREG)
            cpu.dbr = con.r8(L.DBREG)
            cpu.pbr = con.r8(L.TPBR)
            cpu.pc = con.r16(L.PCL)
        elif kind == "user":
            for value in (0x00, (L.READY_RETURN - 1) >> 8, L.READY_RETURN - 1):
                self._push(value)
            cpu.pbr, cpu.pc = 0, L.USER_CMD
        elif kind == "jump":
            cpu.pbr, cpu.pc = 0, action[1]
        elif kind == "mensch":
            cpu.s = (cpu.s - 3) & 0xFFFF  # the dispatcher's JSL is never returned from
            self._do_std()
            self._start_banner(brk_saves=not self.commands.r8(L.SB_SENTL) & 1)

    def _prompt_task(self, gen: Generator) -> None:
        self._tasks.clear()
        self._monitor_mode()
        self._start(gen, self._leave)

    # -- entries into the monitor -----------------------------------------------------------------
    def _save_context(self, pc: int | None, p: int) -> None:
        """NMIS / NMIS_J: the registers into $DF80 (the PC only when given)."""
        cpu, con = self.cpu, self.commands
        con.w16(L.ACC, cpu.a)
        con.w16(L.XREG, cpu.x)
        con.w16(L.YREG, cpu.y)
        con.w16(L.STK_PTR, cpu.s)
        con.w16(L.DIRREG, cpu.d)
        con.w8(L.DBREG, cpu.dbr)
        con.w8(L.FLGS, p)
        if pc is not None:
            con.w24(L.PCL, pc)

    def _enter_from_break(self) -> None:
        """NMIS: take the interrupt frame off the stack, save, display, prompt."""
        p = self._pull()
        low, high, bank = self._pull(), self._pull(), self._pull()
        self._save_context(bank << 16 | high << 8 | low, p)
        self._display_then_prompt()

    def _display_then_prompt(self) -> None:
        def run() -> Generator:
            yield from self.commands.dumpregs()
            return (yield from self.commands.prompt())

        self._prompt_task(run())

    def _sbreak(self) -> None:
        """SBREAK, the BRK handler: ignored while a BRK is already being served."""
        con = self.commands
        sentinel = con.r8(L.SB_SENTL)
        con.w8(L.SB_SENTL, sentinel | 1)
        if sentinel & 1:
            return self._rti()
        return self._enter_from_break()

    def _nmibrk(self) -> None:
        """NMIBRK: an NMI enters the monitor like BRK unless one is being served."""
        con = self.commands
        sentinel = con.r8(L.SB_SENTL)
        con.w8(L.SB_SENTL, sentinel | 2)
        if sentinel & 3:
            return self._rti()
        return self._enter_from_break()

    def _jsl_return(self) -> None:
        """JSL_RTL_IN: a `J` program's RTL. Registers saved (not the PC), display, prompt."""
        cpu = self.cpu
        cpu.p = (cpu.p & ~0x10) | 0x20  # REP #$10; SEP #$20
        b = cpu.a >> 8
        p = (cpu.p & ~0x82) | (0x80 if b & 0x80 else 0) | (0x02 if b == 0 else 0)  # XBA
        self._save_context(None, p)
        self._display_then_prompt()

    def _rom_start(self) -> None:
        self._prompt_task(self.commands.prompt())

    def _ready_return(self) -> None:
        self._prompt_task(self.commands.ready())

    def _reset_entry(self) -> None:
        self.reset()

    def _enter_low_power(self) -> None:
        self.cpu.pbr, self.cpu.pc = 0, self.commands.r16(L.LO_PWR_JMP)

    def _do_low_power(self) -> None:
        """DO_LOW_PWR_PGM: ports down, slow clock, then wait for the alarm to restart."""
        cpu, con = self.cpu, self.commands
        self._tasks.clear()
        cpu.s = 0x01FF
        cpu.p = cpu.p & ~0x04
        for n in range(4):
            con.w8(io_address(f"PDD{n}"), 0xFF)
        con.w8(PD7, 0xFF)
        con.w8(PCS7, 0x00)
        con.w8(BCR, 0x09)
        con.w8(SSCR, con.r8(SSCR) & ~0x0F)

        def wait() -> Generator:
            while True:
                flags = con.r8(L.FLAGS)
                if flags & 0x01 and flags & 0x02:
                    return ("jump", 0x0130)  # URESTART
                if con.r16(L.PWD_CELLS) == 0xAA55:
                    raise MonitorError(
                        "low-power mode: waking through PWD_CELLS ($AA55, JSR $01C0) is not "
                        "emulated; use the alarm (SET_ALARM) or reset"
                    )
                yield

        self._start(wait(), self._leave)

    def _todirq(self) -> None:
        if self.clock.tick():
            self._enter_low_power()
        else:
            self._rti()

    def _uart_irq(self, handler: Callable[[int], None], n: int) -> None:
        handler(n)
        self._rti()

    # -- reset --------------------------------------------------------------------------------
    def _found_wdc(self, address: int) -> bool:
        return all(self.bus.read(address + i) == c for i, c in enumerate(L.SIGNATURE_TEXT))

    def _init_hardware(self) -> int | None:
        """RESET up to DO_STD: registers, clock, UARTs. Returns the address to jump to when
        a `WDC` signature at $00:8000 or $00:0800 (or $00:DEF8) claims the reset."""
        con, w8, r8 = self.commands, self.commands.w8, self.commands.r8
        w8(BCR, 0x01)
        w8(PCS7, 0x20)
        if self._found_wdc(0x8000):
            return 0x8004
        w8(PCS7, 0x30)
        if self._found_wdc(0x8000):
            return 0x8004
        w8(PCS7, 0x08)
        if self._found_wdc(0x0800):
            return 0x0804
        w8(PCS7, 0xFB)
        w8(SSCR, 0xF9)
        w8(PDD4, 0xC0)
        w8(PD4, 0x80)
        w8(PD4, 0x40)
        w8(PDD5, 0x55)
        w8(PD5, 0x00)
        w8(PDD6, 0xAA)
        w8(PD6, 0x00)
        w8(PD7, 0xFF)
        con.w16(L.PD_TIMER, 0)
        for register in (TER, TIFR, TIER, TCR, UIER, UIFR, EIFR):
            w8(register, 0)
        w8(L.SB_SENTL, 0)
        w8(EIER, 0)
        con.w16(L.PWD_CELLS, 0)
        w8(SSCR, r8(SSCR) | 0x0A)
        w8(io_address("T1CL"), 0xFF)  # 32767: one interrupt a second
        w8(io_address("T1CH"), 0x7F)
        w8(TER, r8(TER) | 0x02)
        w8(TIER, r8(TIER) | 0x02)
        w8(L.SPEED, 2)  # the crystal test finds 3.6864 MHz
        for k, target in enumerate(L.PAGE1_SLOTS):
            self.bus.store(L.UBRK + 4 * k, bytes([0x5C, target & 0xFF, target >> 8, 0x00]))
        self.bus.store(L.UALRMIRQ, bytes([L.SLOT_SPILL]))
        self.clock.reset()
        self.routines.set_baud(8)  # 9600 baud
        w8(L.ERRORS, 0)
        con.w16(L.T_TIME, 0)
        for n in range(4):
            w8(L.SFLAG0 + n, r8(L.SFLAG0 + n) & L.XONOFLG)
        w8(PDD6, 0xFF)  # SIOPORTS
        w8(PD6, 0xFF)
        w8(PDD6, 0xAA)
        w8(PDD5, 0x55)
        w8(PD5, r8(PD5) & ~0x55)
        w8(TCR, r8(TCR) | 0xB0)
        r8(ARTD3)
        w8(TER, r8(TER) | 0x18)
        w8(L.FLAGS, r8(L.FLAGS) | 0x08)  # RES_COMP
        if self._found_wdc(0xDEF8):
            return 0xDEFC
        return None

    def _do_std(self) -> None:
        """DO_STD: I/O vectors, rings, UART3 receive on with interrupts."""
        con, w8, r8 = self.commands, self.commands.w8, self.commands.r8
        for address in range(L.CLR_LCD_JMP, L.LO_PWR_JMP, 2):
            con.w16(address, L.RTL_EXIT)
        con.w16(L.LO_PWR_JMP, L.LO_PWR_VALUE)
        con.w16(L.GET_CHR_JMP, L.ROM_GET_CHR)
        con.w16(L.GET_PUT_CHR_JMP, L.GET_PUT_PC_CHR)
        con.w16(L.PUT_CHR_JMP, L.ROM_PUT_CHR)
        self.ports.init_rings()
        w8(L.SFLAG3, r8(L.SFLAG3) | L.XONOFLG)
        w8(L.OUTPUT_XTRL, 0x08)
        w8(PDD6, r8(PDD6) | 0x80)
        w8(PD6, r8(PD6) | 0x80)
        w8(PD5, r8(PD5) & ~0x40)
        w8(ACSR3, r8(ACSR3) | 0x20)
        w8(UIER, r8(UIER) | 0xC0)

    def _start_banner(self, brk_saves: bool) -> None:
        """From DO_STD to the prompt: CLI (the pending transmit interrupt sends a NUL),
        CR, the banner, then the BRK into the register display."""
        con = self.commands
        alarm = con.r8(L.DISPTYP)
        con.w8(L.DISPTYP, alarm & ~0x02)
        if alarm & 0x02 and con.r8(L.UALRMIRQ) == 0x5C:
            self.cpu.pbr, self.cpu.pc = 0, L.UALRMIRQ
            return
        self.ports.tx_irq(3)
        if brk_saves:
            # The BRK after the banner saves these; saved at once here, so that a program
            # started before the banner is out (`w65 run`) gets them as well.
            con.w8(L.SB_SENTL, con.r8(L.SB_SENTL) | 1)
            con.w16(L.ACC, RESET_CONTEXT["a"])
            con.w16(L.XREG, RESET_CONTEXT["x"])
            con.w16(L.YREG, RESET_CONTEXT["y"])
            con.w16(L.STK_PTR, self.cpu.s)
            con.w16(L.DIRREG, self.cpu.d)
            con.w8(L.DBREG, self.cpu.dbr)
            con.w8(L.FLGS, RESET_CONTEXT["p"])
            con.w24(L.PCL, L.ROM_START)

        def run() -> Generator:
            yield from con.put_chr(0x0D)
            yield from con.put_str_at(L.MONVER)
            if brk_saves:
                yield from con.dumpregs()
            return (yield from con.prompt())

        self._prompt_task(run())

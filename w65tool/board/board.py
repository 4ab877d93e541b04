"""The emulated board: the 65C816 core, the W65C265S peripherals, the board's memory and lamps.

`Board.run` is event-driven: it asks the peripherals for the cycle of their next event (a
timer reload that raises an interrupt, a UART character completing), lets the core run
until then with `cpu.run(n)`, settles the event, and repeats. Timers and UARTs therefore
cost nothing per instruction; registers are computed from the cycle count when read.
"""

from __future__ import annotations

from collections.abc import Callable

from w65tool.board.bus import Bus, Watch, WatchHit
from w65tool.board.interrupts import Interrupts
from w65tool.board.kinds import DEFAULT_BOARD, KINDS
from w65tool.board.memory_map import check_image, region_at
from w65tool.board.ports import Ports
from w65tool.board.registers import BY_ADDRESS, BY_NAME
from w65tool.board.timers import Timers
from w65tool.board.uart import UARTs
from w65tool.chip import FCLK_HZ, IO_FIRST, IO_LAST, ROM_FIRST, ROM_LAST
from w65tool.errors import W65Error
from w65tool.image import Image
from w65tool.widths import Widths

IoListener = Callable[[int, int, str, int], None]
"""Told of every I/O register write as `(cycle, address, name, value)`."""

POLL_CYCLES = FCLK_HZ // 100
"""Longest stretch the core runs without the board looking up (10 ms of emulated time):
how often an `until` condition, a stop request or a live display gets its turn."""


class Board:
    """A W65C265S board: `Board("sxb")` (the default, `DEFAULT_BOARD`) or `Board("mensch")`.

    With `monitor=True` the ROM monitor's high-level emulation is installed and `reset()`
    leaves the board idle at the monitor's prompt, as a real board after power-on. With
    `monitor=False` the board is a bare chip: the ROM space is empty until something is
    loaded there, and reset fetches the reset vector from memory.
    """

    def __init__(self, kind: str = DEFAULT_BOARD, monitor: bool = True) -> None:
        from w65tool.cpu import CPU

        if kind not in KINDS:
            raise W65Error(f"unknown board {kind!r} (choose {' or '.join(KINDS)})")
        self.kind = kind
        self.spec = KINDS[kind]
        self.io_listeners: list[IoListener] = []
        self.led_events: list[tuple[int, int, int]] = []
        self.bus = Bus(self.spec.external_ram, self._io_read, self._io_write)
        self.cpu = CPU(self.bus)
        self.timers = Timers(self.cpu, self._changed)
        self.uarts = UARTs(self.cpu, self._bit_cycles, self._changed)
        self.uart3 = self.uarts.units[3]
        self.ports = Ports(self._port_written)
        self.interrupts = Interrupts(self.timers.pending, self.uarts.pending, self._set_irq)
        self.tcr = 0
        self._unassigned = bytearray(IO_LAST - IO_FIRST + 1)
        self._readers, self._writers = self._dispatch()
        self._next_event: int | None = None
        self._run_end: int | None = None  # the cycle the current cpu.run slice ends at
        self._internal_stop = False
        self._stop_external = False
        self._until: Callable[[Board], bool] | None = None
        self.watch_hit: WatchHit | None = None
        """The first watched access since the last `run()` began (see `set_watches`)."""
        self.bus.on_watch = self._watched
        self.cpu.vector_hook = self.interrupts.vector_hook
        self.monitor = None
        if monitor:
            from w65tool.board.monitor import Monitor

            self.monitor = Monitor(self)
            self.monitor.install()
        self.reset()

    # -- state ----------------------------------------------------------------------------
    @property
    def cycles(self) -> int:
        """CPU cycles since power-on (one cycle = one FCLK clock, 1 / 3,686,400 s)."""
        return self.cpu.cycles

    @property
    def seconds(self) -> float:
        """Emulated time since power-on."""
        return self.cpu.cycles / FCLK_HZ

    @property
    def leds(self) -> dict[str, bool]:
        """Each lamp of the board by pin name, True when lit (with the board's polarity)."""
        ports = self.ports
        out = {}
        for lamp in self.spec.lamps:
            bit = 1 << lamp.bit
            # every port-7 pin is driven: by PD7, or by a chip select, which idles high
            driven = lamp.port == 7 or bool(ports.output_mask(lamp.port) & bit)
            high = bool(ports.pin_levels(lamp.port) & bit)
            out[lamp.name] = driven and high == lamp.active_high
        return out

    def reset(self) -> None:
        """Power-on reset: peripherals and core; then the monitor's own reset sequence."""
        self.timers.reset()
        self.uarts.reset()
        self.ports.reset()
        self.interrupts.reset()
        self.tcr = 0
        self._unassigned[:] = bytes(len(self._unassigned))
        self.bus.set_external_bus(False)
        self.led_events.clear()
        self.cpu.reset()
        self._changed()
        if self.monitor is not None:
            self.monitor.reset()

    # -- loading and starting -------------------------------------------------------------
    def load(self, image: Image, force: bool = False) -> None:
        """Place a program image in memory (checked first: nothing is half-loaded).

        Bytes must land in free RAM (`memory_map`): on-chip RAM and the SXB's SRAM outside
        the monitor's variables, slots, rings, stack and saved context; on a bare chip
        (`monitor=False`) any RAM, the I/O registers and the ROM space (which stands for the
        ROM's contents). `force=True` skips the check and stores as the chip would: bytes
        at I/O addresses go to the registers, those in ROM or unmapped space are lost."""
        if not force:
            check_image(image, self.kind, monitor=self.monitor is not None)
        for start, data in image.segments():
            for offset, value in enumerate(data):
                address = start + offset
                if IO_FIRST <= address <= IO_LAST:
                    self._io_write(address, value)
                elif not force or self._holds(address):
                    self.bus.ram[address] = value

    def _holds(self, address: int) -> bool:
        """True where the board keeps a stored byte: its RAM; the ROM space only on a bare
        chip, where it stands for the ROM's contents."""
        if self.monitor is not None and ROM_FIRST <= address <= ROM_LAST:
            return False
        return region_at(address, self.kind, monitor=False) is None

    def wait_for_prompt(self, seconds: float = 2.0) -> bool:
        """Run until the monitor has sent everything it had to say (its banner after a
        reset) and sits at its prompt: UART3's transmitter is switched off, as the ROM does
        when its output ring empties. False if that does not happen within `seconds`."""
        uart = self.uart3

        def quiet(board: Board) -> bool:
            return not uart.acsr & 0x01 and uart.tx_pending() == 0

        return quiet(self) or self.run(seconds=seconds, until=quiet) == "until"

    def go(self, address: int) -> None:
        """Start code at `address` as the monitor's G command does (PC set directly on a
        bare chip)."""
        if self.monitor is not None:
            self.monitor.go(address)
        else:
            self.cpu.pbr = address >> 16 & 0xFF
            self.cpu.pc = address & 0xFFFF
            self.cpu.waiting = False

    # -- watchpoints ----------------------------------------------------------------------
    def set_watches(self, watches: list[Watch] | tuple[Watch, ...]) -> None:
        """Stop `run()` ("watchpoint") after an instruction reads or writes a watched byte;
        `watch_hit` says which access, and the instruction's address. Fetches of the
        instruction's own bytes are not data reads and do not count."""
        self.bus.set_watches(watches)
        self.cpu.exact = bool(watches)  # the PC of the access, not of a compiled block

    def _watched(self, address: int, access: str, value: int) -> None:
        cpu = self.cpu
        pc = cpu.pbr << 16 | cpu.pc
        if access == "read" and self._fetching(pc, address):
            return
        if self.watch_hit is None:
            self.watch_hit = WatchHit(address, access, value, pc)
        if self._run_end is not None:
            cpu.stop_requested = True

    def _fetching(self, pc: int, address: int) -> bool:
        """True when `address` is a byte of the instruction at `pc` (its fetch)."""
        from w65tool.isa import OPCODES

        widths = Widths.from_status(self.cpu.p, self.cpu.e)
        size = OPCODES[self.bus.ram[pc]].length(widths.m8, widths.x8)
        return pc & 0xFF0000 == address & 0xFF0000 and 0 <= (address - pc) & 0xFFFF < size

    # -- running --------------------------------------------------------------------------
    def request_stop(self) -> None:
        """Make the running `run()`, or the next one, return "stop requested" (safe from
        another thread or a signal handler)."""
        self._stop_external = True
        self.cpu.stop_requested = True

    def step(self, limit: int | None = None) -> int:
        """Execute one instruction and settle any peripheral event it reaches; its cycles.

        A core waiting in WAI with no interrupt pending instead sleeps until the next
        peripheral event (or the cycle `limit`); 0 means nothing could ever wake it."""
        cpu = self.cpu
        if cpu.waiting and not cpu.irq:
            before = cpu.cycles
            self._idle(limit)
            return cpu.cycles - before
        n = cpu.step()
        if self._next_event is not None and cpu.cycles >= self._next_event:
            self._service()
        return n

    def _idle(self, limit: int | None) -> bool:
        """Let a waiting core sleep to the next event or `limit`; False if none exists."""
        cpu = self.cpu
        wake = self._next_event
        if wake is None and limit is None:
            return False
        if wake is None or (limit is not None and limit < wake):
            wake = limit
        assert wake is not None
        cpu.cycles = max(cpu.cycles, wake)
        if self._next_event is not None and cpu.cycles >= self._next_event:
            self._service()
        return True

    def run(
        self,
        max_cycles: int | None = None,
        until: int | Callable[[Board], bool] | None = None,
        seconds: float | None = None,
        slice_cycles: int = POLL_CYCLES,
    ) -> str:
        """Run until a limit or a condition; return why it stopped.

        `max_cycles` and `seconds` (emulated) bound the run ("cycles"). `until` is either a
        24-bit address (stop before executing it: "until") or a callable `until(board)`
        checked after every I/O register write and at least every `slice_cycles`
        ("until"). Other reasons: "breakpoint" (a PC in `cpu.breakpoints`), "watchpoint"
        (an instruction read or wrote a watched byte: `watch_hit`), "stp" (the
        core executed STP), "wai" (WAI with no interrupt that could ever wake it and no
        limit), "stop requested" (`request_stop()` or a hook)."""
        cpu = self.cpu
        limit = None
        if max_cycles is not None:
            limit = cpu.cycles + max_cycles
        if seconds is not None:
            by_time = cpu.cycles + round(seconds * FCLK_HZ)
            limit = by_time if limit is None else min(limit, by_time)
        self.watch_hit = None
        until_pc = until if isinstance(until, int) else None
        added_bp = until_pc is not None and until_pc not in cpu.breakpoints
        if added_bp:
            cpu.breakpoints.add(until_pc)
        self._until = until if callable(until) else None
        try:
            return self._loop(limit, until_pc, slice_cycles)
        finally:
            self._until = None
            self._run_end = None
            if added_bp:
                cpu.breakpoints.discard(until_pc)

    def _loop(self, limit: int | None, until_pc: int | None, slice_cycles: int) -> str:
        cpu = self.cpu
        while True:
            now = cpu.cycles
            if limit is not None and now >= limit:
                return "cycles"
            if cpu.stopped:
                return "stp"
            end = now + slice_cycles
            if limit is not None and limit < end:
                end = limit
            nxt = self._next_event
            if nxt is not None and nxt < end:
                end = nxt
            if end > now:
                self._run_end = end
                cpu.run(end - now)
                self._run_end = None
            early = cpu.cycles < end
            if self._internal_stop:
                # our own request (a sooner event, an I/O write to check `until` against)
                self._internal_stop = False
                cpu.stop_requested = False
                early = False
            if self._next_event is not None and cpu.cycles >= self._next_event:
                self._service()
            if self.watch_hit is not None:
                cpu.stop_requested = False  # the watch's own request, if the slice ended first
                return "watchpoint"
            if self._stop_external:
                self._stop_external = False
                return "stop requested"
            if cpu.stopped:
                return "stp"
            pc = cpu.pbr << 16 | cpu.pc
            if pc in cpu.breakpoints:
                return "until" if pc == until_pc else "breakpoint"
            if self._until is not None and self._until(self):
                return "until"
            if cpu.waiting:
                if not cpu.irq and not self._idle(limit):
                    return "wai"
            elif early:
                return "stop requested"  # a hook (the monitor's, say) asked the core to stop

    # -- events ---------------------------------------------------------------------------
    def _service(self) -> None:
        """Settle every peripheral event due by now."""
        self.uarts.advance(self.cpu.cycles)
        self._changed()

    def _changed(self) -> None:
        """A peripheral's state moved: recompute the IRQ line and the next event."""
        self.interrupts.update()
        t = self.timers.next_event()
        u = self.uarts.next_event()
        nxt = t if u is None else u if t is None else min(t, u)
        self._next_event = nxt
        if nxt is not None and self._run_end is not None and nxt < self._run_end:
            self._internal_stop = True
            self.cpu.stop_requested = True
            self._run_end = nxt

    def _set_irq(self, level: bool) -> None:
        self.cpu.irq = level

    def _bit_cycles(self, uart: int) -> int | None:
        return self.timers.bit_cycles(4 if self.tcr & (0x10 << uart) else 3)

    def _port_written(self, port: int, value: int) -> None:
        if port in self.spec.lamp_ports:
            self.led_events.append((self.cpu.cycles, port, value))

    # -- I/O registers --------------------------------------------------------------------
    def _io_read(self, address: int) -> int:
        reader = self._readers.get(address)
        if reader is None:
            return 0xFF
        return reader()

    def _io_write(self, address: int, value: int) -> None:
        writer = self._writers.get(address)
        if writer is not None:
            writer(value)
        if self.io_listeners:
            reg = BY_ADDRESS.get(address)
            name = reg.name if reg is not None else f"${address:04X}"
            cycle = self.cpu.cycles
            for listener in self.io_listeners:
                listener(cycle, address, name, value)
        if self._until is not None:
            self._internal_stop = True  # let run() look at the condition now
            self.cpu.stop_requested = True

    def _write_bcr(self, value: int) -> None:
        self.ports.bcr = value
        self.bus.set_external_bus(bool(value & 0x01))

    def _write_tcr(self, value: int) -> None:
        self.tcr = value
        self.timers.units[4].set_halted(bool(value & 0x01))
        self.uarts.reclock()

    def _write_ter(self, value: int) -> None:
        self.timers.write_ter(value)
        self.uarts.reclock()

    def _dispatch(
        self,
    ) -> tuple[dict[int, Callable[[], int]], dict[int, Callable[[int], None]]]:
        """Readers and writers of every I/O address, from the register table's names."""
        p, t, u, irq = self.ports, self.timers, self.uarts, self.interrupts
        r: dict[str, Callable[[], int]] = {}
        w: dict[str, Callable[[int], None]] = {}

        def port(n: int) -> None:
            r[f"PD{n}"] = lambda: p.read_data(n)
            w[f"PD{n}"] = lambda v: p.write_data(n, v)
            if n < 7:
                r[f"PDD{n}"] = lambda: p.direction[n]
                w[f"PDD{n}"] = lambda v: p.direction.__setitem__(n, v)

        def timer(n: int) -> None:
            def baud_write(fn: Callable[[int], None]) -> Callable[[int], None]:
                if n not in (3, 4):
                    return fn

                def write(v: int) -> None:
                    fn(v)
                    u.reclock()

                return write

            r[f"T{n}LL"] = lambda: t.read_latch(n, False)
            r[f"T{n}LH"] = lambda: t.read_latch(n, True)
            r[f"T{n}CL"] = lambda: t.read_counter(n, False)
            r[f"T{n}CH"] = lambda: t.read_counter(n, True)
            w[f"T{n}LL"] = baud_write(lambda v: t.write_latch(n, False, v))
            w[f"T{n}LH"] = baud_write(lambda v: t.write_latch(n, True, v))
            w[f"T{n}CL"] = baud_write(lambda v: t.write_counter(n, False, v))
            w[f"T{n}CH"] = baud_write(lambda v: t.write_counter(n, True, v))

        def uart(n: int) -> None:
            unit = u.units[n]
            r[f"ACSR{n}"] = unit.read_acsr
            w[f"ACSR{n}"] = unit.write_acsr
            r[f"ARTD{n}"] = unit.read_rx
            w[f"ARTD{n}"] = unit.write_tx

        for n in range(8):
            port(n)
            timer(n)
        for n in range(4):
            uart(n)
        r["PCS7"] = lambda: p.pcs7
        w["PCS7"] = lambda v: setattr(p, "pcs7", v)
        r["BCR"] = lambda: p.bcr
        w["BCR"] = self._write_bcr
        r["SSCR"] = lambda: p.sscr
        w["SSCR"] = lambda v: setattr(p, "sscr", v)
        r["TCR"] = lambda: self.tcr
        w["TCR"] = self._write_tcr
        r["TER"] = lambda: t.ter
        w["TER"] = self._write_ter
        r["TIFR"] = t.read_tifr
        w["TIFR"] = t.write_tifr
        r["TIER"] = lambda: t.tier
        w["TIER"] = t.write_tier
        r["EIFR"] = lambda: irq.eifr
        w["EIFR"] = irq.write_eifr
        r["EIER"] = lambda: irq.eier
        w["EIER"] = irq.write_eier
        r["UIFR"] = u.read_uifr
        w["UIFR"] = u.write_uifr
        r["UIER"] = lambda: u.uier
        w["UIER"] = u.write_uier
        # The parallel interface bus is not modelled: its registers hold what is written.
        pib = self._unassigned
        for name in ("PIBFR", "PIBER", *(f"PIR{n}" for n in range(2, 8))):
            offset = BY_NAME[name].address - IO_FIRST
            r[name] = lambda o=offset: pib[o]
            w[name] = lambda v, o=offset: pib.__setitem__(o, v)
        readers = {BY_NAME[name].address: fn for name, fn in r.items()}
        writers = {BY_NAME[name].address: fn for name, fn in w.items()}
        return readers, writers

"""Timers T0-T7 of the W65C265S, computed from the cycle count instead of ticked.

Each timer is a 16-bit down-counter with a 16-bit latch. Enabling it (its TER bit going 0 -> 1)
loads the counter from the latch; it counts one step per clock of its source, and after 0 it
reloads the latch and sets its TIFR flag, so the flag comes every latch + 1 clocks. Sources:
T1 counts CLK, the 32.768 kHz clock (latch 32767: one flag a second, the monitor's time of
day); T2 counts FCLK / 16; the others count FCLK. The CPU runs on FCLK (3.6864 MHz), so one
FCLK clock is one CPU cycle and one CLK clock is 112.5 cycles. T4 may instead count edges on
P60 (TCR bit 0); no signal reaches P60 in the emulator, so T4 then stands still.

Nothing runs per instruction: a timer remembers the cycle it was loaded at and its latch, and
reading the counter, reading TIFR or asking for the next underflow is arithmetic on the cycle
count. Writing a latch while the timer runs takes effect at the next reload; writing the
counter registers (TnCL/TnCH, as the monitor's reset code does for T1) stores the value in the
latch too and restarts the count from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

CLK_HZ = 32_768


class Clock(Protocol):
    """Anything with a running cycle count (the CPU)."""

    cycles: int


# Cycles per timer clock as a fraction (numerator, denominator): T1 is 3,686,400 / 32,768 =
# 225/2 cycles a clock; T2 is prescaled by 16.
_RATE = {1: (225, 2), 2: (16, 1)}


class Timer:
    """One 16-bit timer; times are in CPU cycles, counts in the timer's own clocks."""

    def __init__(self, index: int, clock: Clock) -> None:
        self.index = index
        self._clock = clock
        self._num, self._den = _RATE.get(index, (1, 1))
        self.reset()

    def reset(self) -> None:
        """Stopped, latch and counter 0, flag clear."""
        self.latch = 0
        self.running = False
        self.halted = False  # T4 counting an input that never toggles
        self.flag = False
        self._stopped_value = 0
        self._origin = 0  # cycle at which the count (re)started
        self._seg_tick = 0  # clocks after origin at which the current latch took effect
        self._seg_latch = 0
        self._seg_base = 0  # underflows before the current segment
        self._pending: tuple[int, int] | None = None  # (tick, latch) of a latch change
        self._acked = 0  # underflows already turned into (or cleared from) the flag

    # -- arithmetic on clocks -------------------------------------------------------------
    def _ticks(self, cycle: int) -> int:
        return (cycle - self._origin) * self._den // self._num

    def _cycle_of_tick(self, tick: int) -> int:
        return self._origin + -(-tick * self._num // self._den)

    def _settle(self, tick: int) -> None:
        """Apply a latch change whose reload has passed by clock `tick`."""
        if self._pending is not None and tick >= self._pending[0]:
            at, latch = self._pending
            self._seg_base += (at - self._seg_tick) // (self._seg_latch + 1)
            self._seg_tick, self._seg_latch = at, latch
            self._pending = None

    def _underflows(self, cycle: int) -> int:
        tick = self._ticks(cycle)
        self._settle(tick)
        return self._seg_base + (tick - self._seg_tick) // (self._seg_latch + 1)

    def counting(self) -> bool:
        """True while the timer counts (enabled, and not waiting on P60)."""
        return self.running and not self.halted

    # -- what the CPU sees ----------------------------------------------------------------
    def counter(self) -> int:
        """The counter's value now."""
        if not self.counting():
            return self._stopped_value
        tick = self._ticks(self._clock.cycles)
        self._settle(tick)
        return self._seg_latch - (tick - self._seg_tick) % (self._seg_latch + 1)

    def flagged(self) -> bool:
        """The TIFR flag now: set at every reload until cleared."""
        if not self.flag and self.counting():
            n = self._underflows(self._clock.cycles)
            if n > self._acked:
                self.flag = True
                self._acked = n
        return self.flag

    def clear_flag(self) -> None:
        """Writing 1 to the TIFR bit."""
        if self.counting():
            self._acked = self._underflows(self._clock.cycles)
        self.flag = False

    def next_underflow(self) -> int | None:
        """The cycle of the next reload not yet turned into the flag, if the timer counts."""
        if not self.counting():
            return None
        now = self._clock.cycles
        self._underflows(now)
        n = self._acked + 1 - self._seg_base
        tick = self._seg_tick + n * (self._seg_latch + 1)
        if self._pending is not None and tick > self._pending[0]:
            tick = self._pending[0]
        return self._cycle_of_tick(tick)

    # -- what the CPU writes --------------------------------------------------------------
    def _restart(self, value: int) -> None:
        self._origin = self._clock.cycles
        self._seg_tick = 0
        self._seg_latch = value
        self._seg_base = 0
        self._pending = None
        self._acked = 0

    def set_running(self, on: bool) -> None:
        """TER bit: starting loads the counter from the latch; stopping freezes it."""
        if on and not self.running:
            self.running = True
            self._restart(self.latch)
        elif not on and self.running:
            self.flagged()
            self._stopped_value = self.counter()
            self.running = False

    def set_halted(self, halted: bool) -> None:
        """T4 on P60 (no input in the emulator): the count stops where it is."""
        if halted == self.halted:
            return
        if halted:
            self.flagged()
            self._stopped_value = self.counter()
            self.halted = True
        else:
            self.halted = False
            if self.running:
                self._restart(self.latch)

    def write_latch(self, value: int) -> None:
        """A new latch; a running timer takes it at its next reload."""
        self.latch = value & 0xFFFF
        if not self.counting():
            return
        tick = self._ticks(self._clock.cycles)
        self._settle(tick)
        period = self._seg_latch + 1
        done = (tick - self._seg_tick) // period
        self._pending = (self._seg_tick + (done + 1) * period, self.latch)

    def write_counter(self, value: int) -> None:
        """TnCL/TnCH: the value goes into the latch and the count restarts from it."""
        self.flagged()
        self.latch = value & 0xFFFF
        if self.counting():
            self._restart(self.latch)
        else:
            self._stopped_value = self.latch


class Timers:
    """T0-T7 with their shared registers TER, TIFR and TIER."""

    def __init__(self, clock: Clock, changed: Callable[[], None]) -> None:
        self.units = [Timer(n, clock) for n in range(8)]
        self.ter = 0
        self.tier = 0
        self._changed = changed

    def reset(self) -> None:
        """All timers stopped, flags and enables clear."""
        for t in self.units:
            t.reset()
        self.ter = 0
        self.tier = 0

    def write_ter(self, value: int) -> None:
        """TER: bit n starts (1) or stops (0) timer n."""
        self.ter = value & 0xFF
        for n, t in enumerate(self.units):
            t.set_running(bool(value >> n & 1))
        self._changed()

    def read_tifr(self) -> int:
        """TIFR: bit n is timer n's flag."""
        return sum(1 << n for n, t in enumerate(self.units) if t.flagged())

    def write_tifr(self, value: int) -> None:
        """Writing 1 to a TIFR bit clears that flag."""
        for n, t in enumerate(self.units):
            if value >> n & 1:
                t.clear_flag()
        self._changed()

    def write_tier(self, value: int) -> None:
        """TIER: which timer flags raise an interrupt."""
        self.tier = value & 0xFF
        self._changed()

    def read_latch(self, n: int, high: bool) -> int:
        """A latch byte as written."""
        latch = self.units[n].latch
        return latch >> 8 if high else latch & 0xFF

    def write_latch(self, n: int, high: bool, value: int) -> None:
        """One byte of timer n's latch."""
        t = self.units[n]
        if high:
            t.write_latch((t.latch & 0x00FF) | (value << 8))
        else:
            t.write_latch((t.latch & 0xFF00) | value)
        self._changed()

    def read_counter(self, n: int, high: bool) -> int:
        """One byte of timer n's counter, as it stands at this cycle."""
        value = self.units[n].counter()
        return value >> 8 if high else value & 0xFF

    def write_counter(self, n: int, high: bool, value: int) -> None:
        """One byte written at TnCL/TnCH: latch byte set, count restarted."""
        t = self.units[n]
        if high:
            t.write_counter((t.latch & 0x00FF) | (value << 8))
        else:
            t.write_counter((t.latch & 0xFF00) | value)
        self._changed()

    def pending(self) -> int:
        """TIFR bits that are set and enabled in TIER."""
        tier = self.tier
        if not tier:
            return 0
        return sum(1 << n for n, t in enumerate(self.units) if tier >> n & 1 and t.flagged())

    def next_event(self) -> int | None:
        """The cycle of the next reload that raises an interrupt (enabled, flag clear)."""
        best = None
        tier = self.tier
        for n, t in enumerate(self.units):
            if tier >> n & 1 and not t.flagged():
                c = t.next_underflow()
                if c is not None and (best is None or c < best):
                    best = c
        return best

    def bit_cycles(self, n: int) -> int | None:
        """Cycles per UART bit when timer n is the baud clock: 16 x (latch + 1), or None."""
        t = self.units[n]
        if not t.counting():
            return None
        return 16 * (t.latch + 1)

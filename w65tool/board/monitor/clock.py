"""The time-of-day clock (R_CLOCK.ASM): the timer-1 interrupt, the read/set routines, T and N.

The clock lives in the on-chip RAM at $DF90 (DAYWK MONTH DAY YR HR MIN SEC, then the alarm),
ticked once a second by timer 1's interrupt through the page-1 slot $0124, as on the chip.
The ROM's calendar has its quirks and they are kept: the day of the week runs 1-6, the last
day of every month is skipped (the test is `DAY < LASTDY`), February's leap-year test reads
RAM at $0003 instead of a constant, and the first tick after reset adds 3 seconds more
("RESET COMPENSATION").
"""

from __future__ import annotations

from w65tool.board.monitor import layout as L
from w65tool.board.monitor.console import CR, Console, Task
from w65tool.board.registers import io_address
from w65tool.cpu.alu import add_decimal

HR, MIN, SEC = L.DAYWK + 4, L.DAYWK + 5, L.DAYWK + 6
MONTH, DAY, YR = L.DAYWK + 1, L.DAYWK + 2, L.DAYWK + 3
AHR = L.ADAYWK + 4
FORMAT_FLAGS = 0x0138
T4LL, T4LH, TIFR = io_address("T4LL"), io_address("T4LH"), io_address("TIFR")

DEFAULTS = (5, 7, 1, 93, 12, 0, 0)
"""Thursday 07-01-93, 12:00:00: what reset sets when the clock's checksum is bad."""
LASTDY = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
BINDECL = (0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, *range(0x10, 0x16))
BINDECH = (0x00, 0x16, 0x32, 0x48, 0x64, 0x80, 0x96, 0, 10, 20, 30, 40, 50, 60, 70, 80)
"""The high-nibble table, with the bytes that follow it in the ROM (DECBIN) for values
of $70 and above."""

RES_COMP, ALRMENAB, ALRMIRQ = 0x08, 0x01, 0x02
ENTR_TIME = b"\rENTER NEW TIME  \r"
ENTR_DATE = b"\rENTER NEW DATE  \r"


def b_dconv(value: int) -> bytes:
    """B_DCONV: a byte as two decimal digits through the ROM's tables."""
    bcd, _, _ = add_decimal(BINDECH[value >> 4 & 0xF], BINDECL[value & 0xF], 0, 8)
    return bytes([0x30 | bcd >> 4, 0x30 | bcd & 0xF])


class Clock:
    """The clock routines over a `Console` (memory and serial)."""

    def __init__(self, console: Console) -> None:
        self.con = console

    # -- checksum and reset ---------------------------------------------------------------------
    def _sum(self) -> int:
        r8 = self.con.r8
        total, carry = 0, 0
        for i in range(6, -1, -1):
            total = total + r8(L.DAYWK + i) + carry
            carry, total = total >> 8, total & 0xFF
        total = total + r8(T4LL) + carry
        carry, total = total >> 8, total & 0xFF
        total = (total + r8(T4LH) + carry) & 0xFF
        return total ^ 0xFF

    def checksum(self) -> None:
        """CLOCK_CK_SUM."""
        self.con.w8(L.TODCKS, self._sum())

    def reset(self) -> None:
        """Reset's check: keep the clock if its checksum holds, else the defaults."""
        if self._sum() == self.con.r8(L.TODCKS):
            return
        for i, value in enumerate(DEFAULTS):
            self.con.w8(L.DAYWK + i, value)
            self.con.w8(L.ADAYWK + i, 0)
        self.checksum()
        self.con.w8(L.FLAGS, 0)

    # -- the interrupt --------------------------------------------------------------------------
    def tick(self) -> bool:
        """TODIRQ after its register saves: one second. True when the idle power-down
        counter has just run out (the ROM then enters low-power mode)."""
        con = self.con
        r8, w8 = con.r8, con.w8
        w8(TIFR, 0x02)  # timer 1's flag
        w8(SEC, r8(SEC) + 1)
        if r8(SEC) != 60:
            if r8(SEC) < 55 and r8(L.FLAGS) & RES_COMP:
                w8(L.FLAGS, r8(L.FLAGS) & ~RES_COMP)
                w8(SEC, r8(SEC) + 3)
        else:
            self._roll_minute()
        self._after_tick()
        timer = con.r16(L.PD_TIMER)
        if timer:
            con.w16(L.PD_TIMER, timer - 1)
            return timer == 1
        return False

    def _roll_minute(self) -> None:
        r8, w8 = self.con.r8, self.con.w8
        w8(SEC, 0)
        w8(MIN, r8(MIN) + 1)
        if r8(MIN) != 60:
            return
        w8(MIN, 0)
        w8(HR, r8(HR) + 1)
        w8(FORMAT_FLAGS, r8(FORMAT_FLAGS) | 0x02)
        if r8(HR) == 1:
            # daylight saving ends: the last Sunday of October sets 01:00 back to 00:00
            dst = r8(L.DAYLIT)
            if dst & 1 and r8(MONTH) == 10 and r8(L.DAYWK) == 1 and r8(DAY) >= 25:
                if dst & 0x80:
                    w8(L.DAYLIT, dst & ~0x80)
                else:
                    w8(L.DAYLIT, dst | 0x80)
                    w8(HR, 0)
            return
        if r8(HR) >= 24:
            w8(HR, 0)
        if r8(HR) == 0:
            self._roll_day()

    def _roll_day(self) -> None:
        r8, w8 = self.con.r8, self.con.w8
        w8(L.DAYWK, r8(L.DAYWK) + 1)
        if r8(L.DAYWK) >= 7:
            w8(L.DAYWK, 1)
        w8(DAY, r8(DAY) + 1)
        if r8(L.DAYLIT) & 1 and r8(MONTH) == 4 and r8(L.DAYWK) == 1 and r8(DAY) < 8:
            w8(HR, 1)  # daylight saving starts on April's first Sunday
            return
        month = r8(MONTH)
        if r8(DAY) < LASTDY[(month - 1) % 12]:
            return
        if month == 2 and not r8(YR) & r8(0x0003) and r8(DAY) == 29:
            return
        w8(DAY, 1)
        w8(MONTH, month + 1)
        if r8(MONTH) >= 13:
            w8(MONTH, 1)
            w8(YR, r8(YR) + 1)

    def _after_tick(self) -> None:
        """T1EXIT: display flag, the alarm, the checksum."""
        r8, w8 = self.con.r8, self.con.w8
        w8(FORMAT_FLAGS, r8(FORMAT_FLAGS) | 0x01)
        if r8(L.FLAGS) & ALRMENAB:
            for i in range(3):
                want = r8(AHR + i)
                if want != 0xFF and want != r8(HR + i):
                    break
            else:
                w8(L.FLAGS, r8(L.FLAGS) | ALRMIRQ)
                self.con.w16(L.T_TIME, 0)
        self.checksum()

    # -- reading and setting ----------------------------------------------------------------
    def _write_three(self, x: int, values: tuple[int | None, ...]) -> None:
        for i, value in enumerate(values):
            where = x + 3 * i
            if value is None:
                self.con.w8(where, 0x78)
                self.con.w8(where + 1, 0x78)
            else:
                digits = b_dconv(value)
                self.con.w8(where, digits[0])
                self.con.w8(where + 1, digits[1])
        self.con.w8(x + 8, 0)

    def read_time(self, x: int) -> None:
        """READ_TIME: `HH:MM:SS` and a NUL at bank-0 address `x`."""
        r8 = self.con.r8
        self._write_three(x, (r8(HR), r8(MIN), r8(SEC)))
        self.con.w8(x + 2, 0x3A)
        self.con.w8(x + 5, 0x3A)

    def read_date(self, x: int) -> None:
        """READ_DATE: `MM-DD-YY` and a NUL."""
        r8 = self.con.r8
        self._write_three(x, (r8(MONTH), r8(DAY), r8(YR)))
        self.con.w8(x + 2, 0x2D)
        self.con.w8(x + 5, 0x2D)

    def read_alarm(self, x: int) -> None:
        """READ_ALARM: `HH:MM:SS`, `xx` for a don't-care field (no colons then)."""
        r8 = self.con.r8
        values = tuple(None if r8(AHR + i) == 0xFF else r8(AHR + i) for i in range(3))
        self._write_three(x, values)
        if values[0] is not None:
            self.con.w8(x + 2, 0x3A)
            self.con.w8(x + 5, 0x3A)

    def _convert(self, x: int) -> tuple[int, bool, int]:
        """CONVERT2ASCII: two decimal digits at `x` (`xx` = $FF). (value, carry, next x)."""
        c = self.con.r8(x)
        if c in (0x58, 0x78):
            return 0xFF, False, x + 1
        if not 0x30 <= c <= 0x39:
            return c, True, x
        x += 1
        d = self.con.r8(x)
        if not 0x30 <= d <= 0x39:
            return d, True, x
        return ((c & 0xF) * 10 + (d & 0xF)) & 0xFF, False, x

    def _fields(self, x: int, limits, separators: bytes, targets) -> bool:
        """Parse up to three fields into `targets`; returns carry (True = bad)."""
        for i, (limit, target) in enumerate(zip(limits, targets, strict=True)):
            value, bad, x = self._convert(x)
            if bad or (i < 2 and target in (MONTH, DAY) and value == 0) or value >= limit:
                return True
            self.con.w8(target, value)
            if i == 2:
                return False
            x += 1
            if self.con.r8(x) not in separators:
                return True
            x += 1
        return False

    def set_date(self, x: int) -> bool:
        """SET_DATE from `MM-DD-YY` (or `/`); fields are stored as they pass."""
        return self._fields(x, (13, 32, 100), b"-/", (MONTH, DAY, YR))

    def set_time(self, x: int) -> bool:
        """SET_TIME from `HH:MM:SS`."""
        return self._fields(x, (24, 60, 60), b":", (HR, MIN, SEC))

    def set_alarm(self, x: int) -> bool:
        """SET_ALARM from `HH:MM:SS`; arms the alarm."""
        if self._fields(x, (24, 60, 60), b":", (AHR, AHR + 1, AHR + 2)):
            return True
        self.con.w8(L.FLAGS, self.con.r8(L.FLAGS) | ALRMENAB)
        return False

    def reset_alarm(self) -> None:
        """RESET_ALARM: disarm, every alarm field don't-care."""
        self.con.w8(L.FLAGS, self.con.r8(L.FLAGS) & ~(ALRMENAB | ALRMIRQ))
        for i in range(7):
            self.con.w8(L.ADAYWK + i, 0xFF)

    def alarm_status(self) -> tuple[int, bool]:
        """GET_ALARM_STATUS: (A, carry): carry when the alarm went off (cleared now), else
        A = 1 while armed, 0 when not."""
        flags = self.con.r8(L.FLAGS)
        self.con.w8(L.FLAGS, flags & ~ALRMIRQ)
        if flags & ALRMIRQ:
            return ALRMIRQ, True
        return (ALRMENAB if flags & ALRMENAB else 0), False

    # -- T and N ----------------------------------------------------------------------------
    def time_command(self) -> Task:
        """`T` (DTIME): show the time, read a new one (ESC keeps it)."""
        return (yield from self._show_and_set(self.read_time, ENTR_TIME, self.set_time))

    def date_command(self) -> Task:
        """`N` (DDATE): show the date, read a new one."""
        return (yield from self._show_and_set(self.read_date, ENTR_DATE, self.set_date))

    def _show_and_set(self, read, prompt: bytes, store) -> Task:
        con = self.con
        yield from con.put_chr(CR)
        read(L.OUTBUF)
        yield from con.put_str_at(L.OUTBUF)
        yield from con.put_str(prompt)
        escaped = yield from con.get_str(L.STR_BUF)
        if not escaped:
            store(L.STR_BUF)
        return None

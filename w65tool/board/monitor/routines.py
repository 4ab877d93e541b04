"""The ROM routines a program calls with JSL (the jump table at $E000), as the ROM does them.

Each routine is a generator over the monitor's `Commands`: it may wait for the serial line
(`yield`), and returns a `Result`, the registers and flags the ROM's code leaves changed.
Registers not named are left as the caller had them, as the ROM's pushes and pulls do.

The ROM's code is assembled for fixed register widths: most routines need an 8-bit A
(`SEP #$20`), and those that take a pointer or count in X/Y need 16-bit index registers
(`REP #$10`). Called otherwise, the chip would misread the routine's immediate operands and
run off into the weeds; the emulation stops instead with an error that names the routine.
"""

from __future__ import annotations

from dataclasses import dataclass

from w65tool.board.monitor import layout as L
from w65tool.board.monitor.clock import BINDECH, BINDECL
from w65tool.board.monitor.commands import Commands
from w65tool.board.monitor.console import (
    BKSP,
    CR,
    ENTER_EA,
    ENTER_SA,
    ESC,
    FLAG1_S28,
    FLAG2_LCD,
    FLAG3_SPACES,
    FLAG4_CHECKSUM,
    FLAG5_SHORT,
    FLAG6_ONE_LINE,
    FLAG7_ASCII,
    Task,
    hex_digit,
    nibble_char,
)
from w65tool.board.registers import io_address
from w65tool.cpu.alu import add_decimal

NEEDS_M8 = frozenset(
    (
        "ALTER_MEMORY",
        "BACKSPACE",
        "CONTROL_TONES",
        "DUMPS28",
        "DUMP_1_LINE_TO_OUTPUT",
        "DUMP_1_LINE_TO_SCREEN",
        "DUMP_TO_OUTPUT",
        "DUMP_TO_PRINTER",
        "DUMP_TO_SCREEN",
        "DUMP_TO_SCREEN_ASCII",
        "DUMP_IT",
        "FILL_MEMORY",
        "GET_3BYTE_ADDR",
        "GET_BYTE_FROM_PC",
        "GET_CHR",
        "GET_HEX",
        "GET_PUT_CHR",
        "GET_STR",
        "GET_ADDRESS",
        "GET_E_ADDRESS",
        "GET_S_ADDRESS",
        "READ_ALARM",
        "READ_DATE",
        "READ_TIME",
        "SELECT_COMMON_BAUD_RATE",
        "SEND_CR",
        "SEND_SPACE",
        "SEND_HEX_OUT",
        "SET_BREAKPOINT",
        "VERSION",
        "WR_3_ADDRESS",
        "XS28IN",
        "ASCBIN",
        "BIN2DEC",
        "BINASC",
        "HEXIN",
        "IFASC",
        "ISDECIMAL",
        "ISHEX",
        "UPPER_CASE",
    )
)
"""Routines whose code runs with the caller's M and has 8-bit immediates."""

NEEDS_X16 = frozenset(
    (
        "ALTER_MEMORY",
        "DUMPS28",
        "DUMP_1_LINE_TO_OUTPUT",
        "DUMP_1_LINE_TO_SCREEN",
        "DUMP_TO_OUTPUT",
        "DUMP_TO_PRINTER",
        "DUMP_TO_SCREEN",
        "DUMP_TO_SCREEN_ASCII",
        "DUMP_IT",
        "FILL_MEMORY",
        "GET_3BYTE_ADDR",
        "GET_STR",
        "GET_ADDRESS",
        "GET_E_ADDRESS",
        "GET_S_ADDRESS",
        "PUT_STR",
        "SET_BREAKPOINT",
        "VERSION",
        "XS28IN",
    )
)
"""Routines whose code runs with the caller's X and has 16-bit index immediates."""

DUMPS = {
    "DUMP_1_LINE_TO_OUTPUT": (FLAG3_SPACES | FLAG6_ONE_LINE, 60),
    "DUMP_1_LINE_TO_SCREEN": (FLAG2_LCD | FLAG3_SPACES | FLAG5_SHORT | FLAG6_ONE_LINE, 12),
    "DUMP_TO_OUTPUT": (FLAG3_SPACES, 60),
    "DUMP_TO_PRINTER": (FLAG3_SPACES, 60),
    "DUMP_TO_SCREEN": (FLAG2_LCD | FLAG3_SPACES | FLAG5_SHORT, 12),
    "DUMP_TO_SCREEN_ASCII": (FLAG2_LCD | FLAG7_ASCII, 12),
    "DUMPS28": (FLAG1_S28 | FLAG4_CHECKSUM, 0),
}

BAUDOFFSET = (0, 26, 52, 78, 104)
ACIBAUD = (
    (0x0416, 0x02FF, 0x017F, 0x00BF, 0x005F, 0x003F, 0x002F, 0x0017, 0x000B, 0x0008, 0x0005,
     0x0002, 0x0001),
    (0x0573, 0x03FF, 0x01FF, 0x00FF, 0x007F, 0x0054, 0x003F, 0x001F, 0x000F, 0x000B, 0x0007,
     0x0003, 0x0002),
    (0x082E, 0x05FF, 0x02FF, 0x017F, 0x00BF, 0x007F, 0x005F, 0x002F, 0x0017, 0x0011, 0x000B,
     0x0005, 0x0003),
    (0x0AE8, 0x07FF, 0x03FF, 0x01FF, 0x00FF, 0x00AA, 0x007F, 0x003F, 0x001F, 0x0017, 0x000F,
     0x0007, 0x0004),
    (0x0DA2, 0x09FF, 0x04FF, 0x027F, 0x013F, 0x00DF, 0x009F, 0x004F, 0x0027, 0x001D, 0x0013,
     0x0009, 0x0006),
)  # fmt: skip
"""Timer-4 values for rate index 0-12 (110 ... 57600 baud) at each of the five crystals the
ROM knows (TABLES.ASM); the routine refuses index 12 and up."""
BAUD_RATES = (110, 150, 300, 600, 1200, 1800, 2400, 4800, 9600, 14400, 19200, 38400)
"""The rates SELECT_COMMON_BAUD_RATE accepts, by index (8 = 9600, $B = 38400)."""


@dataclass
class Result:
    """What a routine leaves: A's low byte, X, Y, carry, and N/Z from a value."""

    a: int | None = None
    x: int | None = None
    y: int | None = None
    carry: bool | None = None
    nz: int | None = None


def cmp_flags(a: int, operand: int) -> tuple[int, bool]:
    """CMP #operand on an 8-bit A: (the difference for N/Z, carry)."""
    return (a - operand) & 0xFF, a >= operand


def is_decimal(a: int) -> Result:
    """ISDECIMAL: carry clear for '0'-'9'."""
    if a < 0x30:
        return Result(carry=True, nz=(a - 0x30) & 0xFF)
    diff, carry = cmp_flags(a, 0x3A)
    return Result(carry=carry, nz=diff)


def upper_case(a: int) -> Result:
    """UPPER_CASE with its flags."""
    diff, carry = cmp_flags(a, 0x61)
    if not carry:
        return Result(a=a, carry=False, nz=diff)
    diff, carry = cmp_flags(a, 0x7B)
    if carry:
        return Result(a=a, carry=True, nz=diff)
    return Result(a=a - 0x20, carry=True, nz=a - 0x20)


def is_hex(a: int) -> Result:
    """ISHEX: A comes back upper-cased; carry clear for a hex digit."""
    up = upper_case(a).a
    assert up is not None
    diff, carry = cmp_flags(up, 0x41)
    if not carry:
        result = is_decimal(up)
        result.a = up
        return result
    diff, carry = cmp_flags(up, 0x47)
    return Result(a=up, carry=carry, nz=diff)


def hexin(a: int) -> Result:
    """HEXIN: the value of a hex digit (carry clear), or A upper-cased with carry set."""
    check = is_hex(a)
    if check.carry:
        return check
    value = hex_digit(a)
    return Result(a=value, carry=False, nz=value)


class Routines:
    """The jump-table routines over the monitor's `Commands` and the CPU."""

    def __init__(self, commands: Commands, cpu) -> None:
        self.c = commands
        self.cpu = cpu

    def run(self, name: str) -> Task:
        """The generator of routine `name` for the current CPU registers."""
        if name in DUMPS:
            return self._dump(*DUMPS[name])
        return getattr(self, name.lower())()

    # -- serial ---------------------------------------------------------------------------------
    def get_byte_from_pc(self) -> Task:
        byte = self.c.io.get_byte()
        return Result(a=0 if byte is None else byte, carry=byte is None)
        yield

    def get_chr(self) -> Task:
        c = yield from self.c.get_chr()
        return Result(a=c, carry=False, nz=c)

    def get_put_chr(self) -> Task:
        c = yield from self.c.get_put_chr()
        return Result(a=c, carry=False, nz=c)

    def put_chr(self) -> Task:
        yield from self.c.put_chr(self.cpu.a & 0xFF)
        return Result(carry=False)

    def send_byte_to_pc(self) -> Task:
        return Result(carry=not self.c.io.send_byte(self.cpu.a & 0xFF))
        yield

    def send_cr(self) -> Task:
        yield from self.c.put_chr(CR)
        return Result(a=CR, carry=False)

    def send_space(self) -> Task:
        yield from self.c.put_chr(0x20)
        return Result(a=0x20, carry=False)

    def backspace(self) -> Task:
        yield from self.c.put_chr(BKSP)
        return Result(a=BKSP, carry=False)

    def send_hex_out(self) -> Task:
        value = self.cpu.a & 0xFF
        yield from self.c.send_hex(value)
        return Result(a=nibble_char(value & 0xF), carry=False)

    def put_str(self) -> Task:
        cpu = self.cpu
        yield from self.c.put_str_at((cpu.a & 0xFF) << 16 | cpu.x)
        return Result(carry=False)

    def get_str(self) -> Task:
        cpu = self.cpu
        escaped = yield from self.c.get_str((cpu.a & 0xFF) << 16 | cpu.x)
        return Result(carry=escaped)

    def get_hex(self) -> Task:
        value, bad = yield from self.c.get_hex()
        return Result(a=value, carry=bad, nz=value)

    def wr_3_address(self) -> Task:
        address = self.c.r24(L.TMP0)
        yield from self.c.write_address(address)
        return Result(a=nibble_char(address & 0xF), carry=False)

    def select_common_baud_rate(self) -> Task:
        return Result(carry=self.set_baud(self.cpu.a & 0xFF))
        yield

    def set_baud(self, index: int) -> bool:
        """SELECT_COMMON_BAUD_RATE's work: timer 4 for UARTs 0, 1 and 3 at rate `index`
        (see BAUD_RATES), 8 data bits. Returns carry: True (nothing changed) for 12 and up."""
        if index >= 0x0C:
            return True
        latch = ACIBAUD[min(self.c.r8(L.SPEED), 4)][index]
        w8, r8 = self.c.w8, self.c.r8
        w8(io_address("T4LL"), latch)
        w8(io_address("T4CH"), latch >> 8)  # the counter (which loads the latch too)
        for n in (0, 1, 3):
            control = io_address(f"ACSR{n}")
            w8(control, r8(control) | 0x04)  # 8 data bits
        tier, ter = io_address("TIER"), io_address("TER")
        w8(tier, r8(tier) & ~0x10)  # no timer-4 interrupt
        w8(ter, r8(ter) | 0x10)  # timer 4 on
        return False

    # -- addresses, memory, dumps ---------------------------------------------------------------
    def get_3byte_addr(self) -> Task:
        a, bad = yield from self.c.get_3byte_addr()
        return Result(a=a, carry=bad)

    def get_address(self) -> Task:
        a, bad = yield from self.c.get_address()
        return Result(a=a, carry=bad)

    def get_s_address(self) -> Task:
        a, bad = yield from self.c.get_address(ENTER_SA)
        return Result(a=a, carry=bad)

    def get_e_address(self) -> Task:
        a, bad = yield from self.c.get_address(ENTER_EA)
        return Result(a=a, carry=bad)

    def _dump(self, flags: int, line_max: int) -> Task:
        bad = yield from self.c.dump(flags, line_max)
        return Result(carry=bad)

    def dump_it(self) -> Task:
        wrapped = yield from self.c.dump_it(self.cpu.a & 0xFF, self.cpu.x)
        return Result(carry=wrapped)

    def dumpregs(self) -> Task:
        yield from self.c.dumpregs()
        return Result()

    def alter_memory(self) -> Task:
        bad = yield from self.c.alter_memory()
        return Result(carry=bad)

    def fill_memory(self) -> Task:
        bad = yield from self.c.fill()
        return Result(carry=bad)

    def set_breakpoint(self) -> Task:
        bad = yield from self.c.set_breakpoint()
        return Result(carry=bad)

    def xs28in(self) -> Task:
        """XS28IN: only with an input device selected in INPUT_XTRL ($4D), which the ROM
        sets on a Mensch Computer with its display board, never on these boards."""
        while True:
            if not self.c.r8(L.INPUT_XTRL) & 0x0D:
                return Result(carry=True)
            c = yield from self.c.get_chr()
            if c == ESC:
                return Result(carry=True)
            if c == ord("S"):
                bad = yield from self.c.s28_load()
                return Result(carry=bad)

    def version(self) -> Task:
        return Result(a=0, x=L.MONVRS, y=L.MONDATE)
        yield

    # -- clock ----------------------------------------------------------------------------------
    def read_time(self) -> Task:
        self.c.clock.read_time(self.cpu.x)
        return Result()
        yield

    def read_date(self) -> Task:
        self.c.clock.read_date(self.cpu.x)
        return Result()
        yield

    def read_alarm(self) -> Task:
        self.c.clock.read_alarm(self.cpu.x)
        return Result()
        yield

    def set_time(self) -> Task:
        return Result(carry=self.c.clock.set_time(self.cpu.x))
        yield

    def set_date(self) -> Task:
        return Result(carry=self.c.clock.set_date(self.cpu.x))
        yield

    def set_alarm(self) -> Task:
        return Result(carry=self.c.clock.set_alarm(self.cpu.x))
        yield

    def reset_alarm(self) -> Task:
        self.c.clock.reset_alarm()
        return Result(carry=False)
        yield

    def get_alarm_status(self) -> Task:
        a, rang = self.c.clock.alarm_status()
        if rang:
            return Result(carry=True)
        return Result(a=a, carry=False, nz=a)
        yield

    # -- tones ----------------------------------------------------------------------------------
    def control_tones(self) -> Task:
        """CONTROL_TONES: A = 0 off, 1 TG0 (X = timer 5), 2 TG1 (Y = timer 6), 3 both."""
        cpu, r8, w8 = self.cpu, self.c.r8, self.c.w8
        a = cpu.a & 0xFF
        if a > 3:
            return Result(carry=True)
        bcr, ter = io_address("BCR"), io_address("TER")
        if a == 0:
            w8(bcr, r8(bcr) & ~0x06)
            w8(ter, r8(ter) & ~0x60)
            return Result(carry=False)
        for bit, timer, value in ((1, 5, cpu.x), (2, 6, cpu.y)):
            if a & bit:
                if value:
                    w8(io_address(f"T{timer}CL"), value)
                    w8(io_address(f"T{timer}CH"), value >> 8)
                w8(ter, r8(ter) | (0x10 << bit))
                w8(bcr, r8(bcr) | (bit << 1))
        return Result(carry=False)
        yield

    # -- converters (4-byte entries: JSR routine, RTL) ------------------------------------------
    def ascbin(self) -> Task:
        low = hexin(self.cpu.a & 0xFF)
        if low.carry:
            return low
        self.c.w8(L.TMP6, low.a)
        high = hexin(self.c.r8(L.TEMP))
        if high.carry:
            return high
        value = high.a << 4 | low.a
        return Result(a=value, carry=False, nz=value)
        yield

    def bin2dec(self) -> Task:
        a = self.cpu.a & 0xFF
        value, _, _ = add_decimal(BINDECH[a >> 4], BINDECL[a & 0xF], 0, 8)
        return Result(a=value)  # its PLP gives back the caller's flags
        yield

    def binasc(self) -> Task:
        a = self.cpu.a & 0xFF
        self.c.w8(L.TEMP + 1, nibble_char(a >> 4))
        low = nibble_char(a & 0xF)
        return Result(a=low, carry=a & 0xF < 10, nz=low)
        yield

    def hexin(self) -> Task:
        return hexin(self.cpu.a & 0xFF)
        yield

    def ifasc(self) -> Task:
        a = self.cpu.a & 0xFF
        if a < 0x20:
            return Result(carry=True, nz=(a - 0x20) & 0xFF)
        diff, carry = cmp_flags(a, 0x7F)
        return Result(carry=carry, nz=diff)
        yield

    def isdecimal(self) -> Task:
        return is_decimal(self.cpu.a & 0xFF)
        yield

    def ishex(self) -> Task:
        return is_hex(self.cpu.a & 0xFF)
        yield

    def upper_case(self) -> Task:
        return upper_case(self.cpu.a & 0xFF)
        yield

"""The monitor's console routines as coroutines: characters, strings, hex, addresses, dumps.

Every routine that may wait for the serial line is a generator: it `yield`s while the input
ring is empty or the output ring is full, and `return`s its result. The monitor resumes the
running one each time the idle CPU wakes (a UART or timer interrupt), so emulated time passes
at the baud rate exactly as on a chip. Routines follow WDC's source (ROM_IO.ASM,
R_UTILS.ASM, R_DEBUG.ASM, R_SBREAK.ASM) step by step, quirks included; the comments name them.
"""

from __future__ import annotations

from collections.abc import Generator

from w65tool.board.monitor import layout as L
from w65tool.board.monitor.serial import SerialPorts

Task = Generator[None, None, object]

STEP_BUDGET = 4096
"""Characters a routine may move in one resumption before it parks until the next interrupt,
as if the line had gone quiet. The rings hold 10, so a sane line never comes near it; it
bounds the loops that a program or a load writing over the monitor's ring pointers would
otherwise make endless within one step, where emulated time stands still and nothing (not
even a reset) could reach the board."""

CR, LF, BKSP, ESC, FF = 0x0D, 0x0A, 0x08, 0x1B, 0x0C

ENTER_ADDR = b"Enter Address  BB:AAAA "
ENTER_SA = b"Enter Lowest Address   BB:AAAA "
ENTER_EA = b"Enter Highest Address  BB:AAAA "
ENTER_HEX = b"Enter Byte in HEX "
PRINT_HEAD = b"Address "
S8_RECORD = b"S804000000FB"
REGTBL1 = b"\rPCntr     Acc    Xreg   Yreg   Stack\r"
REGTBL2 = b"\r  DirRg  F  DBk\r  "
ACCCCTBL = b"\r\rStatus Reg\rN  V  M  X  D  I  Z  C\r"

# DUMP_FLGS bits (R_RAM.ASM)
FLAG1_S28 = 0x01
FLAG2_LCD = 0x02
FLAG3_SPACES = 0x04
FLAG4_CHECKSUM = 0x08
FLAG5_SHORT = 0x10
FLAG6_ONE_LINE = 0x20
FLAG7_ASCII = 0x40


def upper(c: int) -> int:
    """UPPER_CASE."""
    return c - 0x20 if 0x61 <= c <= 0x7A else c


def hex_digit(c: int) -> int | None:
    """HEXIN: the value of an ASCII hex digit (either case), or None."""
    c = upper(c)
    if 0x30 <= c <= 0x39:
        return c - 0x30
    if 0x41 <= c <= 0x46:
        return c - 0x37
    return None


def nibble_char(n: int) -> int:
    """ASCII: the hex digit of a nibble."""
    return 0x30 + n if n < 10 else 0x37 + n


class Console:
    """The serial console and the memory helpers the monitor's routines share."""

    def __init__(self, bus, ports: SerialPorts) -> None:
        self.bus = bus
        self.io = ports
        self.budget = STEP_BUDGET  # the monitor refills it at each step

    # -- memory -----------------------------------------------------------------------------
    def r8(self, address: int) -> int:
        return self.bus.read(address & 0xFFFFFF)

    def w8(self, address: int, value: int) -> None:
        self.bus.write(address & 0xFFFFFF, value & 0xFF)

    def r16(self, address: int) -> int:
        return self.r8(address) | self.r8(address + 1) << 8

    def w16(self, address: int, value: int) -> None:
        self.w8(address, value)
        self.w8(address + 1, value >> 8)

    def r24(self, address: int) -> int:
        return self.r16(address) | self.r8(address + 2) << 16

    def w24(self, address: int, value: int) -> None:
        self.w16(address, value)
        self.w8(address + 2, value >> 16)

    def inc24(self, address: int) -> None:
        """INCTMP0 / INCTMP1: a 24-bit increment that sets WRAP past $FFFFFF."""
        value = (self.r24(address) + 1) & 0xFFFFFF
        self.w24(address, value)
        if value == 0:
            self.w8(L.WRAP, self.r8(L.WRAP) + 1)

    def dec24(self, address: int) -> None:
        """DECTMP0 / DECTMP1."""
        self.w24(address, self.r24(address) - 1)

    def dcmp(self) -> tuple[int, bool]:
        """DCMP: DIFF = TMP2 - TMP0 (24 bits); returns (DIFF, carry = TMP2 >= TMP0)."""
        diff = self.r24(L.TMP2) - self.r24(L.TMP0)
        self.w24(L.DIFF, diff)
        return diff & 0xFFFFFF, diff >= 0

    # -- characters ---------------------------------------------------------------------------
    def get_chr(self) -> Task:
        """GET_CHR: wait for a byte from the host; no echo."""
        while (c := self.io.get_byte()) is None:
            yield
        yield from self._spend()
        return c

    def put_chr(self, c: int) -> Task:
        """PUT_CHR: queue a byte, waiting while the output ring is full."""
        while not self.io.send_byte(c):
            yield
        yield from self._spend()
        return None

    def _spend(self) -> Task:
        """Count one character against the step's budget; yield once when it is spent."""
        self.budget -= 1
        if self.budget <= 0:
            yield
        return None

    def get_put_chr(self) -> Task:
        """GET_PUT_CHR: wait for a byte and echo it."""
        c = yield from self.get_chr()
        yield from self.put_chr(c)
        return c

    def put_str(self, text: bytes) -> Task:
        """Send bytes in order."""
        for c in text:
            yield from self.put_chr(c)
        return None

    def put_str_at(self, address: int) -> Task:
        """PUT_STR: the string at a 24-bit address, up to NUL or a byte with bit 7 set (sent
        without it), at most 640 bytes."""
        for i in range(640):
            c = self.r8(address + i)
            if c == 0:
                break
            yield from self.put_chr(c & 0x7F)
            if c & 0x80:
                break
        return None

    def get_str(self, address: int) -> Task:
        """GET_STR: an echoed line into memory at `address`, the CR kept and a NUL added;
        backspace steps back. Returns carry: True when ESC ended it (no NUL then)."""
        y = 0
        self.w16(L.STR_BUF_PTR, 0)
        while True:
            c = yield from self.get_put_chr()
            if c == BKSP:
                y = max(y - 1, 0)
            elif c == ESC:
                return True
            else:
                self.w8(address + y, c)
                y = (y + 1) & 0xFFFF
                if c == CR:
                    self.w8(address + y, 0)
                    self.w16(L.STR_BUF_PTR, y)
                    return False
            self.w16(L.STR_BUF_PTR, y)

    def send_hex(self, value: int) -> Task:
        """SEND_HEX_OUT / WRT2OUT: a byte as two hex digits (the high one kept in TEMP+1)."""
        value &= 0xFF
        high = nibble_char(value >> 4)
        self.w8(L.TEMP + 1, high)
        yield from self.put_chr(high)
        yield from self.put_chr(nibble_char(value & 0x0F))
        return None

    def write_address(self, address: int) -> Task:
        """WR_3_ADDRESS / RETURN_ADDR: `BB:AAAA`."""
        yield from self.send_hex(address >> 16)
        yield from self.put_chr(0x3A)
        yield from self.send_hex(address >> 8)
        yield from self.send_hex(address)
        return None

    def backspace2(self) -> Task:
        """BACKSPACE2."""
        yield from self.put_str(b"\x08\x08")
        return None

    # -- hex input ----------------------------------------------------------------------------
    def get_hex(self) -> Task:
        """GET_HEX: two digits, no echo. Returns (value, carry): a SPACE first gives
        (0x20, True); a non-hex digit gives (0, True)."""
        first = yield from self.get_chr()
        if first == 0x20:
            return 0x20, True
        self.w8(L.TEMP, first)
        second = yield from self.get_chr()
        value, bad = self._ascbin(first, second)
        return (0, True) if bad else (value, False)

    def get_byte(self) -> Task:
        """GET_BYTE (register editing): SPACE, ESC or CR give (char, True) unechoed; else
        two digits, echoed, giving (value, False), or (the bad digit upper-cased, True)."""
        first = yield from self.get_chr()
        if first in (0x20, ESC, CR):
            return first, True
        self.w8(L.TEMP, first)
        yield from self.put_chr(first)
        second = yield from self.get_put_chr()
        return self._ascbin(first, second)

    def _ascbin(self, first: int, second: int) -> tuple[int, bool]:
        """ASCBIN: two hex digits (the second converted first, its value kept in TMP6).
        Returns (value, carry); on a bad digit A holds that digit upper-cased, as HEXIN
        leaves it, so a SPACE as the second digit looks like a SPACE to GET_BYTE's callers."""
        lo = hex_digit(second)
        if lo is None:
            return upper(second), True
        self.w8(L.TMP6, lo)
        hi = hex_digit(first)
        if hi is None:
            return upper(first), True
        return hi << 4 | lo, False

    def get_3byte_addr(self) -> Task:
        """GET_3BYTE_ADDR: six echoed hex digits with the colon added after the bank; the
        address goes to TMP2. Returns (a, carry): ESC or CR gives (char, True)."""
        y = 0
        while True:
            c = yield from self.get_put_chr()
            if c in (ESC, CR):
                return c, True
            if c != BKSP:
                if hex_digit(c) is not None:
                    self.w8(L.STR_BUF + y, upper(c))
                    y += 1
                    if y == 7:
                        return self._addr_in()
                    if y == 2:
                        self.w8(L.STR_BUF + 2, 0x3A)
                        yield from self.put_chr(0x3A)
                        y += 1
                    continue
                # not hex: rub it out, then (as the ROM falls through) drop a digit too
                yield from self.put_chr(BKSP)
            if y == 0:
                continue
            y -= 1
            if y == 2:
                yield from self.put_chr(BKSP)
                y -= 1

    def _addr_in(self) -> tuple[int, bool]:
        """ADDR_IN: `BB:AAAA` in STR_BUF to TMP2; returns (low byte, carry)."""
        digits = bytes(self.r8(L.STR_BUF + i) for i in range(7))
        values = [hex_digit(c) for c in digits[:2] + digits[3:]]
        if digits[2] != 0x3A or None in values:
            return 0, True
        bank = values[0] << 4 | values[1]
        high = values[2] << 4 | values[3]
        low = values[4] << 4 | values[5]
        self.w24(L.TMP2, bank << 16 | high << 8 | low)
        return low, False

    def get_address(self, prompt: bytes = ENTER_ADDR, cr_first: bool = True) -> Task:
        """Get_Address / Get_S_Address / Get_E_Address: CR, the prompt, the address."""
        if cr_first:
            yield from self.put_chr(CR)
        yield from self.put_str(prompt)
        result = yield from self.get_3byte_addr()
        return result

    # -- register display (DUMPREGS) ------------------------------------------------------------
    def dumpregs(self) -> Task:
        """DUMPREGS: the saved context at $DF80 as the monitor prints it. Leaves the pointer
        TMP0 at the PC in bank 0 (WR_PC sets it, then REGTTL2 and DISP_FLAGS clear its bank)."""
        yield from self.put_chr(CR)  # CLEAR_LCD_DISPLAY starts with SEND_CR
        yield from self.put_str(REGTBL1)
        yield from self.write_pc()
        yield from self.put_str(b"   ")
        yield from self._reg_out(L.ACC, 8)
        self.w8(L.TMP0 + 2, 0)  # REGTTL2: `STZ <TMP0+2`
        yield from self.put_str(REGTBL2)
        yield from self._reg_out(L.DIRREG, 4)
        yield from self.put_str(ACCCCTBL)
        flags = self.r8(L.FLGS)
        for bit in range(7, -1, -1):
            yield from self.put_str(b"1  " if flags >> bit & 1 else b"0  ")
        yield from self.put_chr(CR)
        return None

    def write_pc(self) -> Task:
        """WR_PC: the saved PC into the pointer TMP0, printed as `BB:AAAA`."""
        pc = self.r24(L.PCL)
        self.w24(L.TMP0, pc)
        yield from self.write_address(pc)
        return None

    def _reg_out(self, address: int, count: int) -> Task:
        """REG_OUT with its callers' set-up (TMP2 = the table, TMPC = its length): byte
        pairs, high one first, `HH LL  ` each, then CR."""
        self.w16(L.TMP2, address & 0xFFFF)
        self.w16(L.TMPC, count)
        for i in range(0, count, 2):
            yield from self.send_hex(self.r8(address + i + 1))
            yield from self.put_chr(0x20)
            yield from self.send_hex(self.r8(address + i))
            yield from self.put_str(b"  ")
        yield from self.put_chr(CR)
        return None

    # -- dumps (XS28OUT and the Dump_* family) -----------------------------------------------
    def dump(self, flags: int, line_max: int) -> Task:
        """G_XS28OUT / XS28OUT: ask for the addresses (one for a one-line dump) and dump.
        Returns carry."""
        self.w16(L.LINE_MAX, line_max)
        self.w8(L.DUMP_FLGS, flags)
        if flags & FLAG6_ONE_LINE:
            _, bad = yield from self.get_address(ENTER_ADDR)
        else:
            _, bad = yield from self.get_address(ENTER_SA)
        if bad:
            return True
        start = self.r24(L.TMP2)
        self.w24(L.TMP0, start)
        self.w24(L.TMP1, start)
        if flags & FLAG6_ONE_LINE:
            # `BIT #5` where Flag5 ($10) was meant: any of bits 0 and 2 asks for 8 bytes
            self.w24(L.TMP2, start + (8 if flags & 0x05 else 16))
        else:
            _, bad = yield from self.get_address(ENTER_EA)
            if bad:
                return True
        yield from self.put_chr(CR)  # CLEAR_LCD_DISPLAY
        self.w16(L.WRAP, 0)  # `STX <WRAP` with 16-bit X: DIFF's low byte too
        self.w16(L.LINE_CNT, 0)
        wrapped = yield from self.dump_lines(flags)
        if wrapped:
            yield from self.get_chr()
            return True
        if flags & FLAG6_ONE_LINE:
            return False
        if flags & FLAG1_S28:
            yield from self.put_str(S8_RECORD)
        yield from self.get_chr()  # the ROM waits for a key before READY
        return False

    def dump_it(self, flags: int, line_max: int) -> Task:
        """Dump_It: DUMP_FLGS and LINE_MAX set, then P_HEADER with LINE_CNT as it stands."""
        self.w16(L.LINE_MAX, line_max)
        self.w8(L.DUMP_FLGS, flags)
        return (yield from self.dump_lines(flags))

    def dump_lines(self, flags: int) -> Task:
        """P_HEADER / XS28OUTA: lines from TMP0 to TMP2, with page headers every LINE_MAX
        lines (counted in LINE_CNT). Returns True when the address wrapped past $FFFFFF
        (the ROM's carry)."""
        while True:
            if flags & FLAG3_SPACES:
                yield from self.put_str(PRINT_HEAD)
                low = self.r8(L.TMP0)
                for i in range(8 if flags & FLAG2_LCD else 16):
                    yield from self.put_chr(nibble_char((low + i) & 0x0F))
                    yield from self.put_str(b"  ")
                yield from self.put_str(b"\r\r")
            while True:
                if self.r8(L.WRAP):
                    return True
                yield from self._dump_line(flags)
                _, more = self.dcmp()
                if not more:
                    return False
                line = (self.r16(L.LINE_CNT) + 1) & 0xFFFF
                self.w16(L.LINE_CNT, line)
                if line == self.r16(L.LINE_MAX):
                    break
            self.w16(L.LINE_CNT, 0)
            if flags & FLAG2_LCD:
                yield from self.get_chr()
                yield from self.put_chr(CR)
            elif flags & FLAG3_SPACES:
                yield from self.put_chr(FF)

    def _dump_line(self, flags: int) -> Task:
        """One line: `BB:AAAA XX XX ... ` or an S2 record with its checksum."""
        checksum = 0
        count = 12 if flags & FLAG5_SHORT else 20

        def out(value: int) -> Task:  # CKNOUT: add to the checksum and print
            nonlocal checksum
            checksum += value & 0xFF
            yield from self.send_hex(value)

        if flags & FLAG1_S28:
            yield from self.put_str(b"S2")
            diff, _ = self.dcmp()
            if diff < 15:
                count = diff + 5
            yield from out(count)
        count = (count - 4) & 0xFF
        address = self.r24(L.TMP0)
        yield from out(address >> 16)
        if not flags & FLAG1_S28:
            yield from self.put_chr(0x3A)
        yield from out(address >> 8)
        yield from out(address)
        if not flags & FLAG1_S28:
            yield from self.put_chr(0x20)
        while True:
            value = self.r8(self.r24(L.TMP0))
            if flags & FLAG7_ASCII:
                yield from self.put_chr(value if 0x20 <= value < 0x7F else 0x60)
            else:
                yield from out(value)
            if flags & FLAG3_SPACES:
                yield from self.put_chr(0x20)
            self.inc24(L.TMP0)
            count = (count - 1) & 0xFF
            if count == 0:
                break
        if flags & FLAG4_CHECKSUM:
            yield from self.send_hex(~checksum)
        yield from self.put_chr(CR)
        return None

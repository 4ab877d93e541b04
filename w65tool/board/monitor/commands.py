"""The monitor's prompt loop and its commands (R_MAIN.ASM, R_DEBUG.ASM, R_SBREAK.ASM).

`Commands.prompt()` is ROM_START: CR `>`, read a character (LF ignored), echo it, look it up
(case-insensitively); unknown: `?`; known: two spaces and the command. Then CR `READY` CR `>`.
A command that leaves the monitor (G, J, U, X, `*`) returns an action tuple for the monitor
to carry out on the CPU:

    ("go",)          GO_AGAIN: restore the saved context and RTI into it
    ("jsl",)         the same after pushing the return into JSL_RTL_IN (`J`)
    ("user",)        `U`: JMP to the page-1 slot $012C as a subroutine of the dispatcher
    ("jump", addr)   JMP to a bank-0 address with the monitor's registers (`X`)
    ("mensch",)      `*`: RET_TO_MENSCH
"""

from __future__ import annotations

from w65tool.board.monitor import layout as L
from w65tool.board.monitor.clock import Clock
from w65tool.board.monitor.console import (
    BKSP,
    CR,
    ENTER_EA,
    ENTER_HEX,
    ENTER_SA,
    ESC,
    FLAG1_S28,
    FLAG3_SPACES,
    FLAG4_CHECKSUM,
    FLAG6_ONE_LINE,
    LF,
    REGTBL1,
    REGTBL2,
    Console,
    Task,
    hex_digit,
    upper,
)
from w65tool.cpu.alu import add_decimal

ACK, NAK = 0x06, 0x15
READY = b"\rREADY\r>"

HELP = (
    b"\r"
    b"M      Alter memory\r"
    b"SPACE  Display memory address\r"
    b"<,>    Decrement, Increment memory address\r"
    b"D      Dump memory\r"
    b"R      Display registers\r"
    b"B      SET Breakpoint\r"
    b"G,J    JML, JSL, to PC [location]\r"
    b"F      Block Fill\r"
    b"S,W    S28 Input, Output\r"
    b"?,H    HELP\r"
    b"T      Display & Change Time\r"
    b"N      Display & Change Date\r"
    b"X      EXIT to Low Power Mode\r\r"
    b"/      Host memory access\r"
    b"|      Host register access\r"
    b"U      USER command\r"
)

PIPE_IDS = b" PAXYSDFB"
PIPE_SIZES = (0, 3, 2, 2, 2, 2, 2, 1, 1)
PIPE_ADDRS = (0, L.PCL, L.ACC, L.XREG, L.YREG, L.STK_PTR, L.DIRREG, L.FLGS, L.DBREG)


class Commands(Console):
    """The command interpreter over a `Console`."""

    def __init__(self, bus, ports) -> None:
        super().__init__(bus, ports)
        self.clock = Clock(self)
        self._table = {
            ord("A"): self.alter_regs,
            ord("M"): self.alter_memory,
            ord("<"): self.display_dec,
            ord(">"): self.display_inc,
            ord(" "): self.display_old,
            ord("R"): self.dumpregs,
            ord("G"): self.go_jml,
            ord("J"): self.go_jsl,
            ord("D"): lambda: self.dump(FLAG3_SPACES, 60),
            ord("F"): self.fill,
            ord("?"): self.help,
            ord("H"): self.help,
            ord("T"): self.clock.time_command,
            ord("N"): self.clock.date_command,
            ord("S"): self.s28_load,
            ord("W"): lambda: self.dump(FLAG1_S28 | FLAG4_CHECKSUM, 0),
            ord("X"): self.low_power,
            ord("/"): self.slash,
            ord("|"): self.pipe,
            ord("U"): self.user_command,
            ord("B"): self.set_breakpoint,
            ord("*"): self.ret_to_mensch,
        }

    # -- the prompt loop ------------------------------------------------------------------------
    def prompt(self) -> Task:
        """ROM_START: CR `>`, then commands for ever (or until one leaves the monitor)."""
        yield from self.put_str(b"\r>")
        return (yield from self._loop())

    def ready(self) -> Task:
        """RDY, where a command called through the dispatcher returns (`U`), then the loop."""
        yield from self.put_str(READY)
        return (yield from self._loop())

    def _loop(self) -> Task:
        while True:
            c = yield from self.get_chr()
            if c == LF:  # left over from a CR LF line end
                continue
            yield from self.put_chr(c)
            action = yield from self.dispatch(c)
            if action is not None:
                return action
            yield from self.put_str(READY)

    def dispatch(self, c: int) -> Task:
        """Run the command for character `c`; `?` if there is none."""
        command = self._table.get(upper(c))
        if command is None:
            yield from self.put_chr(0x3F)
            return None
        yield from self.put_str(b"  ")
        result = yield from command()
        return result if isinstance(result, tuple) else None

    # -- simple commands ------------------------------------------------------------------------
    def help(self) -> Task:
        """`?` / `H`."""
        yield from self.put_str(HELP)
        yield from self.put_chr(CR)
        return None

    def display_old(self) -> Task:
        """SPACE: `BB:AAAA XX` at the pointer TMP0."""
        address = self.r24(L.TMP0)
        yield from self.write_address(address)
        yield from self.put_chr(0x20)
        yield from self.send_hex(self.r8(address))
        return None

    def display_inc(self) -> Task:
        """`>`: pointer + 1, then display."""
        self.inc24(L.TMP0)
        yield from self.display_old()
        return None

    def display_dec(self) -> Task:
        """`<`: pointer - 1, then display."""
        self.dec24(L.TMP0)
        yield from self.display_old()
        return None

    def set_breakpoint(self) -> Task:
        """`B` (SET_Breakpoint): a BRK ($00) at the address; clears the BRK sentinel."""
        _, bad = yield from self.get_address()
        if bad:
            return True
        self.w8(self.r24(L.TMP2), 0x00)
        self.w8(L.SB_SENTL, 0)
        return False

    def _get_save_pc(self) -> Task:
        """GET_SAVE_PC: an address into the saved PC. Returns (a, carry)."""
        a, bad = yield from self.get_address()
        if not bad:
            self.w24(L.PCL, self.r24(L.TMP2))
        return a, bad

    def go_jml(self) -> Task:
        """`G`: start at an address with the saved registers; CR resumes the saved PC."""
        a, bad = yield from self._get_save_pc()
        if bad and a != CR:
            return None
        return ("go",)

    def go_jsl(self) -> Task:
        """`J`: as `G`, as a subroutine whose RTL returns to the monitor."""
        _, bad = yield from self._get_save_pc()
        if bad:
            return None
        return ("jsl",)

    def low_power(self) -> Task:
        """`X`: ENTER_LOW_POWER_MODE, `JMP (LO_PWR_JMP)`."""
        return ("jump", self.r16(L.LO_PWR_JMP))
        yield  # a generator like every command

    def user_command(self) -> Task:
        """`U`: through the JML slot at $012C (RESET until a program changes it)."""
        return ("user",)
        yield

    def ret_to_mensch(self) -> Task:
        """`*`: RET_TO_MENSCH."""
        return ("mensch",)
        yield

    # -- fill -------------------------------------------------------------------------------------
    def fill(self) -> Task:
        """`F` (FILL_Memory): lowest, highest, a byte; fills both ends included."""
        _, bad = yield from self.get_address(ENTER_SA)
        if bad:
            return True
        self.w24(L.TMP0, self.r24(L.TMP2))
        _, bad = yield from self.get_address(ENTER_EA)
        if bad:
            return True
        _, ordered = self.dcmp()
        if not ordered:
            return False
        yield from self.put_chr(CR)
        yield from self.put_str(ENTER_HEX)
        hi = hex_digit((yield from self.get_put_chr()))
        if hi is None:
            return True
        self.w8(L.TEMP, hi << 4)
        lo = hex_digit((yield from self.get_put_chr()))
        if lo is None:
            return True
        value = hi << 4 | lo
        self.w8(L.TEMP, value)
        while True:
            self.w8(self.r24(L.TMP0), value)
            diff, _ = self.dcmp()
            if diff == 0:
                return False
            self.inc24(L.TMP0)

    # -- M: alter memory --------------------------------------------------------------------------
    def alter_memory(self) -> Task:
        """`M` (Alter_Memory): one dumped line, then bytes typed over it, 16 to a line.

        Two hex digits store a byte (`??` if it does not read back), SPACE keeps one,
        backspace steps back, CR ends; anything else shows `?` and is asked again."""
        bad = yield from self.dump(FLAG3_SPACES | FLAG6_ONE_LINE, 60)
        if bad:
            return True
        while True:  # ?AM1: a new line
            left = 16
            yield from self.write_address(self.r24(L.TMP1))
            while True:  # ?AM2
                yield from self.put_chr(0x20)
                while True:  # ?AM2_1
                    c = yield from self.get_put_chr()
                    if c == CR:
                        return False
                    if c == BKSP:
                        yield from self.backspace2()
                        self.dec24(L.TMP1)
                        continue
                    if c == 0x20:
                        yield from self.put_chr(BKSP)
                        yield from self.send_hex(self.r8(self.r24(L.TMP1)))
                        break
                    hi = hex_digit(c)
                    if hi is None:
                        yield from self.put_str(b"\x08?\x08")
                        continue
                    self.w8(L.TEMP, hi << 4)
                    while True:  # ?AM2_8
                        c = yield from self.get_put_chr()
                        if c == CR:
                            return False
                        if c == BKSP:
                            continue
                        lo = hex_digit(c)
                        if lo is not None:
                            break
                        yield from self.put_str(b"\x08?\x08")
                    address = self.r24(L.TMP1)
                    self.w8(address, hi << 4 | lo)
                    if self.r8(address) != hi << 4 | lo:
                        yield from self.backspace2()
                        yield from self.put_str(b"??")
                    break
                self.inc24(L.TMP1)
                left -= 1
                if left == 0:
                    break
            yield from self.put_chr(CR)

    # -- A: alter registers -----------------------------------------------------------------------
    def alter_regs(self) -> Task:
        """`A` (ALTER_REGS): the register lines, each value typed over or kept with SPACE.

        Any other non-hex key ends it (nothing after that key is changed). As GET_BYTE
        leaves a bad digit in A, a SPACE typed as the second digit keeps the value too.
        Like DUMPREGS it moves the pointer TMP0 to the PC (as it was), in bank 0 once the
        second table is reached."""
        yield from self.put_str(REGTBL1)
        yield from self.write_pc()
        yield from self.put_str(b"   ")
        yield from self._reg_out(L.ACC, 8)
        for i, where in enumerate((L.TPBR, L.PCH, L.PCL)):
            value, bad = yield from self.get_byte()
            if bad:
                if value != 0x20:
                    return True
                yield from self.send_hex(self.r8(where))
            else:
                self.w8(where, value)
            if i == 0:
                yield from self.put_chr(0x3A)
        yield from self.put_str(b"   ")
        if (yield from self._edit_pairs(L.ACC, 8)):
            return True
        self.w8(L.TMP0 + 2, 0)  # REG_IN_II: `STZ <TMP0+2`
        yield from self.put_str(REGTBL2)
        yield from self._reg_out(L.DIRREG, 4)
        yield from self.put_str(b"  ")
        return (yield from self._edit_pairs(L.DIRREG, 4))

    def _edit_pairs(self, base: int, count: int) -> Task:
        """REG_IN: each 16-bit pair high byte first; returns True on a bad key."""
        for i in range(0, count, 2):
            for offset in (i + 1, i):
                value, bad = yield from self.get_byte()
                if bad:
                    if value != 0x20:
                        return True
                    yield from self.send_hex(self.r8(base + offset))
                else:
                    self.w8(base + offset, value)
                yield from self.put_str(b" " if offset == i + 1 else b"  ")
        return False

    # -- / and |: host access ---------------------------------------------------------------------
    def _do_hex(self, first: int) -> Task:
        """DO_HEX: `first` and the next character as a hex byte, or None."""
        hi = hex_digit(first)
        if hi is None:
            return None
        lo = hex_digit((yield from self.get_chr()))
        if lo is None:
            return None
        return hi << 4 | lo

    def slash(self) -> Task:
        """`/`: host memory access (see docs/monitor.md for its forms); NAK on bad input."""
        echo = self.io.trb(L.SFLAG3, L.ECHOFF) & L.ECHOFF
        ok = yield from self._slash()
        if not ok:
            yield from self.put_chr(NAK)
        self.io.tsb(L.SFLAG3, echo)
        return not ok

    def _slash(self) -> Task:
        c = yield from self.get_chr()
        if c == ESC:
            return False
        if c == CR:
            yield from self.write_address(self.r24(L.TMP0))
            return True
        if c != 0x20:
            first = yield from self._do_hex(c)
            if first is None:
                return False
            bank, high = 0, first
            c = yield from self.get_chr()
            if c == 0x20:
                self._slash_write(first)
            else:
                if c == 0x3A:
                    bank = first
                    high = yield from self._do_hex((yield from self.get_chr()))
                    if high is None:
                        return False
                    c = yield from self.get_chr()
                if c == ESC:
                    return False
                low = yield from self._do_hex(c)
                if low is None:
                    return False
                self.w24(L.TMP0, bank << 16 | high << 8 | low)
                c = yield from self.get_chr()
                if c != 0x20:
                    if c == ESC:
                        return False
                    data = yield from self._do_hex(c)
                    if data is None:
                        return False
                    self._slash_write(data)
        yield from self.send_hex(self.r8(self.r24(L.TMP0)))
        self.inc24(L.TMP0)
        return True

    def _slash_write(self, value: int) -> None:
        self.w8(self.r24(L.TMP0), value)

    def pipe(self) -> Task:
        """`|`: host register access: SPACE reads all, `P A X Y S D F B` + hex write one."""
        echo = self.io.trb(L.SFLAG3, L.ECHOFF) & L.ECHOFF
        ok = yield from self._pipe()
        if ok is False:
            yield from self.put_chr(NAK)
        self.io.tsb(L.SFLAG3, echo)
        return not ok

    def _pipe(self) -> Task:
        c = yield from self.get_chr()
        index = PIPE_IDS.find(bytes([c]))
        if index < 0:
            return False
        size = PIPE_SIZES[index]
        if size == 0:
            for i in range(1, 9):
                address, width = PIPE_ADDRS[i], PIPE_SIZES[i]
                for offset in range(width - 1, -1, -1):
                    yield from self.send_hex(self.r8(address + offset))
                yield from self.put_chr(0x20)
            return True
        value = 0
        if size == 3:
            bank = yield from self._do_hex((yield from self.get_chr()))
            if bank is None or (yield from self.get_chr()) != 0x3A:
                return False
            value = bank << 16
        if size >= 2:
            high = yield from self._do_hex((yield from self.get_chr()))
            if high is None:
                return False
            value |= high << 8
        low = yield from self._do_hex((yield from self.get_chr()))
        if low is None:
            return False
        value |= low
        for offset in range(size):
            self.w8(PIPE_ADDRS[index] + offset, value >> (8 * offset))
        yield from self.put_chr(ACK)
        return True

    # -- S: the S28 loader (XS28ROM) --------------------------------------------------------------
    def s28_load(self) -> Task:
        """The S28 loader: `.NNNN` after each good record, `?` after a bad one; S8 ends it.

        Returns carry: True when any record was bad. Follows XS28ROM to the letter,
        including what it does with odd input (see docs/monitor.md)."""
        self.w8(L.ERRORS, 0)
        self.w16(L.COUNT, 0)
        while True:
            self._count_error(1)  # XLSS
            kind = yield from self.get_chr()
            checksum = 0
            value, _ = yield from self.get_hex()
            left = value
            checksum += value
            left = (left - 3) & 0xFF
            good = True
            if kind == ord("8"):
                while (yield from self.get_chr()) not in (CR, LF):
                    pass
                self._count_error(-1)
                return self.r8(L.ERRORS) != 0
            if kind == ord("2"):
                left = (left - 1) & 0xFF
                address = 0
                for _ in range(3):
                    value, _ = yield from self.get_hex()
                    checksum += value
                    address = address << 8 | value
                self.w24(L.TMP0, address)
                while left:
                    value, bad = yield from self.get_hex()
                    where = self.r24(L.TMP0)
                    if not bad:
                        self.w8(where, value)
                        bad = self.r8(where) != value
                    if not bad:
                        checksum += value
                        self.inc24(L.TMP0)
                        left = (left - 1) & 0xFF
                        continue
                    # BY1, then the loop's own error path: the address and the count move
                    # twice, and the checksum is spoilt so the record ends in `?`
                    self.inc24(L.TMP0)
                    self._count_error(1)
                    checksum = (checksum & 0xFF00) | ((checksum + 1) & 0xFF)
                    checksum += value
                    self.inc24(L.TMP0)
                    left = (left - 2) & 0xFF
                value, _ = yield from self.get_hex()
                checksum += value
                good = checksum & 0xFF == 0xFF
            if good:
                self._count_error(-1)  # XLSS0
                while (yield from self.get_chr()) not in (CR, LF):
                    pass
                yield from self.put_chr(0x2E)
                count, _, _ = add_decimal(self.r16(L.COUNT), 1, 0, 16)  # the ROM's decimal ADC #1
                self.w16(L.COUNT, count)
                yield from self.send_hex(count >> 8)
                yield from self.send_hex(count)
            else:
                while True:  # XS28ERR: ESC gives up; any byte but LF answers `?`
                    c = yield from self.get_chr()
                    if c == ESC:
                        return True
                    if c != LF:
                        break
                yield from self.put_chr(0x3F)
            while (yield from self.get_chr()) != ord("S"):  # XLSFN
                pass

    def _count_error(self, step: int) -> None:
        """`INC <ERRORS` / `DEC <ERRORS`: in RAM at once, as a record may write there."""
        self.w8(L.ERRORS, self.r8(L.ERRORS) + step)

"""The ROM's interrupt-driven serial code (R_SERIAL.ASM), acting on the real registers and RAM.

Each UART has a 10-byte input ring and a 10-byte output ring in page 1, with their indices in
page 0, exactly where the ROM keeps them, so a program that looks there sees what it would see
on a chip. A ring keeps one slot free: 9 bytes wait at most. A byte received into a full input
ring pushes out the oldest unread one (the ROM's "THROW AWAY 1 CHAR"), which is how a monitor
busy printing loses what a host streams at it.

UART3 (the host port) runs XON/XOFF: XOFF from the host holds the monitor's output until XON,
and neither byte reaches the input ring. The monitor itself sends XON once after each reset,
the first time its input ring empties; the code that would send XOFF when the ring fills is
unreachable in the ROM (a `CPY RECV3_R14` where a branch was meant), so it never does.
"""

from __future__ import annotations

from w65tool.board.monitor import layout as L
from w65tool.board.registers import io_address

UIFR = io_address("UIFR")
PD5 = io_address("PD5")
PD6 = io_address("PD6")
SON = 0x01  # ACSR bit 0: transmitter on
DISCH = 0x02  # ACSR bit 1: transmit interrupt when the shift register empties
XON = 0x11
XOFF = 0x13


_ACSR = tuple(io_address(f"ACSR{n}") for n in range(4))
_ARTD = tuple(io_address(f"ARTD{n}") for n in range(4))


def acsr(n: int) -> int:
    """The address of ACSRn."""
    return _ACSR[n]


def artd(n: int) -> int:
    """The address of ARTDn."""
    return _ARTD[n]


class SerialPorts:
    """The ROM's UART queues over a bus (`read`/`write` of 24-bit addresses)."""

    def __init__(self, bus) -> None:
        self.bus = bus

    # -- memory helpers ---------------------------------------------------------------------
    def r8(self, address: int) -> int:
        return self.bus.read(address)

    def w8(self, address: int, value: int) -> None:
        self.bus.write(address, value & 0xFF)

    def r16(self, address: int) -> int:
        return self.bus.read(address) | self.bus.read(address + 1) << 8

    def w16(self, address: int, value: int) -> None:
        self.bus.write(address, value & 0xFF)
        self.bus.write(address + 1, value >> 8 & 0xFF)

    def tsb(self, address: int, bits: int) -> int:
        """TSB: set `bits`; return the old value."""
        old = self.r8(address)
        self.w8(address, old | bits)
        return old

    def trb(self, address: int, bits: int) -> int:
        """TRB: clear `bits`; return the old value."""
        old = self.r8(address)
        self.w8(address, old & ~bits)
        return old

    def _ring(self, block: int, n: int) -> tuple[int, int, int, int]:
        """Addresses of (index, end, buffer pointer, size) of UART n's ring."""
        base = block + 8 * n
        return base, base + 2, base + 4, base + 6

    # -- setup (part of RESET and DO_STD) -----------------------------------------------------
    def init_rings(self) -> None:
        """Buffer sizes and places of all four UARTs; UART3's indices cleared."""
        for n in range(4):
            _, _, ibuf, icnt = self._ring(L.SIN_BLOCK, n)
            _, _, obuf, ocnt = self._ring(L.SOUT_BLOCK, n)
            self.w16(icnt, L.RING_SIZE)
            self.w16(ocnt, L.RING_SIZE)
            self.w16(ibuf, L.ROM_IBUF[n])
            self.w16(obuf, L.ROM_OBUF[n])
        for address in (L.SINEND3, L.SININDX3, L.SOUTINDX3, L.SOUTEND3):
            self.w16(address, 0)

    # -- receive interrupt (IRQAR0-3) ---------------------------------------------------------
    def rx_irq(self, n: int) -> None:
        """A byte arrived: filter XON/XOFF (UARTs 1-3), queue it, drop the oldest if full."""
        self.w8(UIFR, 1 << (2 * n))
        byte = self.r8(artd(n))
        flag = L.SFLAG0 + n
        if n and self.r8(flag) & L.XONOFLG and byte in (XON, XOFF):
            if byte == XOFF:
                self.tsb(flag, L.SNDOVF)
            else:
                self.trb(flag, L.SNDOVF)
            self.tsb(acsr(n), SON | DISCH)  # "START UP OUTPUT"
            return
        if n == 0 and byte == 0x20 and self.r8(L.FLAGS) & 0x02:
            self.tsb(L.FLAGS, 0x04)  # a space on UART0 resets a ringing alarm
        index, end, buf, size = self._ring(L.SIN_BLOCK, n)
        y = self.r16(index) + 1
        count = self.r16(size)
        if y == count:
            y = 0
        if y == self.r16(end):
            self.tsb(L.STATUS_S3 - 3 + n, 0x40)  # overrun: throw away the oldest byte
            x = self.r16(end) + 1
            if x == count:
                x = 0
            self.w16(end, x)
        self.w16(index, y)
        self.w8(self.r16(buf) + y, byte)
        self.tsb(flag, L.SFLG)

    # -- transmit interrupt (IRQAT0-3) --------------------------------------------------------
    def tx_irq(self, n: int) -> None:
        """Send the pending XON/XOFF or the next queued byte, or shut the transmitter down."""
        self.w8(UIFR, 2 << (2 * n))
        flag, control = L.SFLAG0 + n, acsr(n)
        fl = self.r8(flag)
        pending = fl & (L.SXOFFLG | L.SXONFLG)
        if pending == L.SXOFFLG | L.SXONFLG:
            self.trb(flag, pending)  # they cancel out
        elif pending == L.SXOFFLG:
            self.trb(flag, L.SXOFFLG | L.LASTXONOF)
            return self._sent(n, XOFF)
        elif pending:
            self.trb(flag, L.SXONFLG)
            return self._sent(n, XON)
        if self.r8(control) & DISCH and self.r8(flag) & L.XONOFLG and self.r8(flag) & L.SNDOVF:
            return self._shut_down(n)
        index, end, buf, size = self._ring(L.SOUT_BLOCK, n)
        y = self.r16(index)
        if y == self.r16(end):
            if self.r8(control) & DISCH:
                return self._shut_down(n)
            self.w8(artd(n), 0)  # "FILL WITH NULL CHAR" to start the interrupts going
            self.tsb(control, SON | DISCH)
            return None
        y += 1
        if y >= self.r16(size):
            y = 0
        self.w16(index, y)
        return self._sent(n, self.r8(self.r16(buf) + y))

    def _sent(self, n: int, byte: int) -> None:
        """TRAN3_1: write the byte, then keep the interrupts going or start the shutdown."""
        self.w8(artd(n), byte)
        flag, control = L.SFLAG0 + n, acsr(n)
        if self.r8(flag) & L.SNDOVF:
            return self._shut_down(n)
        index, end, _, _ = self._ring(L.SOUT_BLOCK, n)
        if self.r16(index) == self.r16(end):
            self.tsb(control, SON | DISCH)  # interrupt once this byte is out
        else:
            self.trb(control, DISCH)
            self.tsb(control, SON)
        return None

    def _shut_down(self, n: int) -> None:
        self.tsb(PD6, 0x02 << (2 * n))  # TXD held high while the transmitter is off
        self.trb(acsr(n), SON | DISCH)

    # -- the host port, UART3 (GET_BYTE_FROM_PC, SEND_BYTE_TO_PC) -----------------------------
    def get_byte(self) -> int | None:
        """Take the next received byte (echoing it when SFLAG3's echo bit is set), or None."""
        flag = L.SFLAG3
        if not self.r8(flag) & L.SFLG:
            self.w8(L.SDATA_SI3, 0)
            return None
        y = self.r16(L.SINEND3) + 1
        if y >= self.r16(L.SINCNT3):
            y = 0
        self.w16(L.SINEND3, y)
        byte = self.r8(self.r16(L.SIN_BUF3) + y)
        self.w8(L.SDATA_SI3, byte)
        if y == self.r16(L.SININDX3):  # the ring is now empty
            fl = self.r8(flag)
            if not fl & L.XONOFLG:
                self.trb(PD5, 0x80)  # hardware handshake: DTR low, "OK to send"
            elif not fl & L.LASTXONOF:
                self.tsb(flag, L.SXONFLG | L.LASTXONOF)
                if not self.r8(acsr(3)) & SON:
                    self.tsb(acsr(3), SON | DISCH)
            self.trb(flag, L.SFLG)
        if self.r8(flag) & L.ECHOFF:
            self.send_byte(byte)
        self.w16(L.PD_TIMER, L.POWER_DOWN_COUNT)
        return byte

    def send_byte(self, byte: int) -> bool:
        """Queue a byte for the host; False (the ROM's C=1) when the output ring is full."""
        self.w16(L.PD_TIMER, L.POWER_DOWN_COUNT)
        y = self.r16(L.SOUTEND3) + 1
        if y >= self.r16(L.SOUTCNT3):
            y = 0
        if y == self.r16(L.SOUTINDX3):
            self.tsb(L.STATUS_S3, 0x80)
            return False
        self.w16(L.SOUTEND3, y)
        self.w8(self.r16(L.SOUTBUF3) + y, byte)
        control = acsr(3)
        if self.r8(L.SFLAG3) & L.XONOFLG:
            if not self.r8(L.SFLAG3) & L.SNDOVF:
                self.tsb(control, SON)
        elif not self.r8(control) & SON:
            self.tsb(control, SON)
        elif self.r8(control) & DISCH:
            self.trb(control, DISCH)
        return True

"""The four UARTs of the W65C265S, timed in CPU cycles, and the host side of UART3.

Registers (per UART n): ACSRn (control/status) and ARTDn (data); UIFR/UIER hold each UART's
receive flag at bit 2n and transmit flag at bit 2n+1. A UART clocks from timer T3 or T4 (TCR
bit 4+n), baud = FCLK / (16 x (latch + 1)), and the baud timer must be running (TER). A
character is a start bit, 7 or 8 data bits (ACSR bit 2), a parity bit when ACSR bit 3 is set,
and a stop bit: 10 bit times for 8N1, so 9600 baud (T4 latch $0017 at 3.6864 MHz) takes
3,840 cycles a character.

Transmitter: writing ARTD fills the data register; when the shift register is free the byte
moves into it at once and goes out over one character time. The transmit flag is set when
the data register empties (ACSR bit 1 = 0) or when the shift register empties with nothing
left to send (ACSR bit 1 = 1); turning the transmitter on (bit 0) while idle sets it too, the
way the monitor's code starts its output interrupts. Writing ARTD or writing 1 to the flag's
UIFR bit clears it. Receiver: with ACSR bit 5 on, a byte from the host lands in the data
register at the end of its character time and sets the receive flag; reading ARTD takes the
byte and clears the flag (so does writing 1 to UIFR). A byte that completes while the
previous one is still unread is lost and sets ACSR bit 7 (receive error; write 1 to clear);
`overruns` counts such bytes.

Host side (the far end of the serial cable):
    board.uart3.host_send(data)      bytes arrive one by one at the baud rate, in emulated time;
                                     with `host_buffer` set, at most that many wait to go on
                                     the wire and the rest are dropped (counted in
                                     `host_dropped`), as a host's full transmit buffer does
    board.uart3.host_flush()         discard what waits (a client that left: its bytes never
                                     reach the board)
    board.uart3.host_receive()       everything transmitted since the last call

Python side, for the ROM monitor's high-level emulation (the same effects as the ROM's own
code touching the registers):
    uart.rx_ready() -> bool          a received byte waits in the data register
    uart.read_rx() -> int            take it (as reading ARTD)
    uart.tx_ready() -> bool          the transmit data register is empty
    uart.write_tx(byte)              as writing ARTD
    uart.send(data)                  queue bytes behind the transmitter (the ROM's output
                                     buffer): each enters the data register as it empties;
                                     turns the transmitter on, as the ROM's output code does
    uart.tx_pending() -> int         bytes queued or in the transmitter, not yet on the wire
    uart.rx_listeners                callables `(cycle, byte)` told of each received byte
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol

ACSR_TXEN = 0x01
ACSR_TXSR = 0x02
ACSR_8BIT = 0x04
ACSR_PARITY = 0x08
ACSR_RXEN = 0x20
ACSR_RXERR = 0x80


class Clock(Protocol):
    """Anything with a running cycle count (the CPU)."""

    cycles: int


class UART:
    """One asynchronous serial port; see the module docstring for the model."""

    def __init__(
        self,
        index: int,
        clock: Clock,
        bit_cycles: Callable[[int], int | None],
        changed: Callable[[], None],
    ) -> None:
        """`bit_cycles(index)` gives the cycles of one bit now (None: no baud clock);
        `changed()` is called when a flag or the next event time may have changed."""
        self.index = index
        self._clock = clock
        self._bit_cycles = bit_cycles
        self._changed = changed
        self.rx_listeners: list[Callable[[int, int], None]] = []
        self.host_buffer: int | None = None  # bytes the host side holds; None: no limit
        # line statistics, kept across resets (the cable does not reset with the board)
        self.overruns = 0  # received while the data register was still full: lost
        self.host_dropped = 0  # sent by the host while its buffer was full: lost
        self.reset()

    def reset(self) -> None:
        """The state after a hardware reset: everything off and empty."""
        self.acsr = 0
        self.rx_flag = False
        self.tx_flag = False
        self._rx_data = 0
        self._rx_full = False
        self._tx_data: int | None = None  # the transmit data register
        self._tx_shift: int | None = None  # the byte going out on the wire
        self._tx_done_at: int | None = None  # cycle at which that byte is out
        self._fifo: deque[int] = deque()  # `send` queue (the ROM's output buffer)
        self._host_in: deque[int] = deque()  # bytes the host sent, not yet on the line
        self._rx_done_at: int | None = None  # cycle at which the byte on the line completes
        self._sent = bytearray()  # bytes fully transmitted, not yet host_receive()d

    # -- timing ---------------------------------------------------------------------------
    def char_cycles(self) -> int | None:
        """Cycles one character takes with the current format and baud clock, or None."""
        bit = self._bit_cycles(self.index)
        if bit is None:
            return None
        bits = 2 + (8 if self.acsr & ACSR_8BIT else 7) + (1 if self.acsr & ACSR_PARITY else 0)
        return bits * bit

    def next_event(self) -> int | None:
        """The cycle of this UART's next transmit or receive completion, if one is due."""
        a, b = self._tx_done_at, self._rx_done_at
        if a is None:
            return b
        if b is None:
            return a
        return min(a, b)

    def advance(self, now: int) -> None:
        """Complete every transfer due at or before cycle `now`, in time order."""
        while True:
            t = self.next_event()
            if t is None or t > now:
                return
            if self._tx_done_at == t:
                self._finish_tx(t)
            else:
                self._finish_rx(t)

    def reclock(self) -> None:
        """The baud clock or format changed: schedule what was waiting for a clock."""
        now = self._clock.cycles
        if self._tx_shift is None:
            self._start_tx(now)
        if self._rx_done_at is None:
            self._start_rx(now)
        self._changed()

    # -- transmitter ----------------------------------------------------------------------
    def _start_tx(self, now: int) -> None:
        """Move the next byte into the idle shift register, if the line can run."""
        if self._tx_data is None and self._fifo:
            self._tx_data = self._fifo.popleft()
            self.tx_flag = False
        if self._tx_data is None or not self.acsr & ACSR_TXEN:
            return
        char = self.char_cycles()
        if char is None:
            return
        self._tx_shift, self._tx_data = self._tx_data, None
        self._tx_done_at = now + char
        if self._fifo:
            self._tx_data = self._fifo.popleft()
        elif not self.acsr & ACSR_TXSR:
            self.tx_flag = True

    def _finish_tx(self, t: int) -> None:
        assert self._tx_shift is not None
        self._sent.append(self._tx_shift)
        self._tx_shift = None
        self._tx_done_at = None
        self._start_tx(t)
        if self._tx_shift is None and self.acsr & ACSR_TXSR:
            self.tx_flag = True
        self._changed()

    def write_tx(self, value: int) -> None:
        """Write the transmit data register (ARTD); clears the transmit flag."""
        self._tx_data = value & 0xFF
        self.tx_flag = False
        if self._tx_shift is None:
            self._start_tx(self._clock.cycles)
        self._changed()

    def tx_ready(self) -> bool:
        """True when the transmit data register is empty."""
        return self._tx_data is None

    def send(self, data: bytes) -> None:
        """Queue bytes behind the transmitter and turn it on (the ROM's output buffer)."""
        self._fifo.extend(data)
        self.acsr |= ACSR_TXEN
        if self._tx_shift is None:
            self._start_tx(self._clock.cycles)
        self._changed()

    def tx_pending(self) -> int:
        """Bytes queued or in the transmitter that are not yet on the wire."""
        return len(self._fifo) + (self._tx_data is not None) + (self._tx_shift is not None)

    # -- receiver -------------------------------------------------------------------------
    def _start_rx(self, now: int) -> None:
        if not self._host_in:
            return
        char = self.char_cycles()
        if char is None:
            return
        self._rx_done_at = now + char

    def _finish_rx(self, t: int) -> None:
        byte = self._host_in.popleft()
        self._rx_done_at = None
        if self.acsr & ACSR_RXEN:
            if self._rx_full:
                self.acsr |= ACSR_RXERR  # overrun: the new byte is lost
                self.overruns += 1
            else:
                self._rx_data = byte
                self._rx_full = True
                self.rx_flag = True
                for listener in self.rx_listeners:
                    listener(t, byte)
        self._start_rx(t)
        self._changed()

    def rx_ready(self) -> bool:
        """True when a received byte waits in the data register."""
        return self._rx_full

    def read_rx(self) -> int:
        """Read the receive data register (ARTD): takes the byte, clears the receive flag."""
        self._rx_full = False
        if self.rx_flag:
            self.rx_flag = False
            self._changed()
        return self._rx_data

    # -- registers ------------------------------------------------------------------------
    def read_acsr(self) -> int:
        """ACSR as the CPU reads it."""
        return self.acsr

    def write_acsr(self, value: int) -> None:
        """ACSR write: bit 7 (receive error) clears when written 1; the rest are stored."""
        error = self.acsr & ACSR_RXERR and not value & ACSR_RXERR
        self.acsr = (value & 0x7F) | (ACSR_RXERR if error else 0)
        if value & ACSR_TXEN:
            # The transmit flag follows the condition bit 1 selects, as a level: the data
            # register empty (0), or the whole transmitter idle (1). The ROM's output code
            # switches between the two and relies on the flag coming (or not) at once.
            data_empty = self._tx_data is None and not self._fifo
            if value & ACSR_TXSR:
                self.tx_flag = data_empty and self._tx_shift is None
            elif data_empty:
                self.tx_flag = True
        self.reclock()

    # -- host side ------------------------------------------------------------------------
    def host_send(self, data: bytes) -> int:
        """Bytes from the host; they arrive one by one at the baud rate in emulated time.

        Returns how many were taken: past `host_buffer` waiting bytes the rest are dropped
        and counted in `host_dropped`.
        """
        if self.host_buffer is not None:
            room = max(0, self.host_buffer - len(self._host_in))
            if len(data) > room:
                self.host_dropped += len(data) - room
                data = data[:room]
        self._host_in.extend(data)
        if self._rx_done_at is None:
            self._start_rx(self._clock.cycles)
        self._changed()
        return len(data)

    def host_flush(self) -> int:
        """Discard every host byte not yet received, the one on the wire too (a cut line
        does not finish its character); returns how many were discarded."""
        count = len(self._host_in)
        self._host_in.clear()
        if self._rx_done_at is not None:
            self._rx_done_at = None
            self._changed()
        return count

    def host_receive(self) -> bytes:
        """Everything the board transmitted since the last call."""
        out = bytes(self._sent)
        self._sent.clear()
        return out

    def host_pending(self) -> int:
        """Bytes the host sent that have not yet reached the receiver."""
        return len(self._host_in)


class UARTs:
    """The four UARTs with their shared flag and enable registers (UIFR, UIER)."""

    def __init__(
        self,
        clock: Clock,
        bit_cycles: Callable[[int], int | None],
        changed: Callable[[], None],
    ) -> None:
        self.units = [UART(n, clock, bit_cycles, changed) for n in range(4)]
        self.uier = 0
        self._changed = changed

    def reset(self) -> None:
        """All UARTs off, all flags and enables clear."""
        for u in self.units:
            u.reset()
        self.uier = 0

    def read_uifr(self) -> int:
        """UIFR: receive flag of UART n at bit 2n, transmit flag at 2n+1."""
        value = 0
        for n, u in enumerate(self.units):
            value |= (u.rx_flag << (2 * n)) | (u.tx_flag << (2 * n + 1))
        return value

    def write_uifr(self, value: int) -> None:
        """Writing 1 to a UIFR bit clears that flag."""
        for n, u in enumerate(self.units):
            if value & (1 << (2 * n)):
                u.rx_flag = False
            if value & (1 << (2 * n + 1)):
                u.tx_flag = False
        self._changed()

    def write_uier(self, value: int) -> None:
        """UIER: which UART flags raise an interrupt."""
        self.uier = value & 0xFF
        self._changed()

    def pending(self) -> int:
        """The UIFR bits that are set and enabled."""
        return self.read_uifr() & self.uier

    def next_event(self) -> int | None:
        """The earliest transfer completion of any UART."""
        times = [t for u in self.units if (t := u.next_event()) is not None]
        return min(times) if times else None

    def advance(self, now: int) -> None:
        """Complete every transfer due by cycle `now`."""
        for u in self.units:
            u.advance(now)

    def reclock(self) -> None:
        """A baud clock may have changed: reschedule every UART."""
        for u in self.units:
            u.reclock()

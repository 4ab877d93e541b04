"""Moving a board and the host to another baud rate for a while (`w65 load --fast`).

The ROM routine SELECT_COMMON_BAUD_RATE ($00:E060, A = rate index, 8-bit A) reloads timer
T4, which clocks UARTs 0, 1 and 3, at once: it does not wait for characters still going out.
So a small helper is placed in RAM and run with `J`: it waits about 90 ms (the echo of its
address drains, and the host sees the echo and switches its own port), switches, and returns
with RTL; the monitor then prints its register display at the new rate. The registers the
helper and `J` change are put back afterwards, so a later `G` starts as the user expects.
"""

from __future__ import annotations

from w65tool.image import Image
from w65tool.target.base import Registers, TargetError
from w65tool.target.config import BAUD_RATES
from w65tool.target.monitor import MonitorClient
from w65tool.target.protocol import address_digits, address_echo

FAST_BAUD = 38400
"""The fastest rate the ROM offers (index $B)."""

HELPER_RATE_OFFSET = 12
"""Where the rate index sits in `helper_code` (the operand of LDA #)."""

HELPER_PLACES = (0x00E0, 0x00C0, 0x7FC0, 0x1F00)
"""Where the helper may go: the monitor's spare page-0 area (both boards), then SXB RAM."""

HELPER_DELAY = 0.09
"""Seconds the helper waits before switching (65,535 x 5 cycles at 3.6864 MHz)."""


def helper_code(rate_index: int) -> bytes:
    """The helper, 19 bytes of 65816 code (native mode, as the monitor runs user code)."""
    return bytes(
        [
            0x08,  # PHP            keep the caller's register widths
            0xC2, 0x10,  # REP #$10       16-bit X for the delay count
            0xE2, 0x20,  # SEP #$20       8-bit A, as the ROM routine wants
            0xA2, 0xFF, 0xFF,  # LDX #$FFFF
            0xCA,  # DEX            5 cycles a turn with the branch
            0xD0, 0xFD,  # BNE *-1
            0xA9, rate_index,  # LDA #index
            0x22, 0x60, 0xE0, 0x00,  # JSL $00E060    SELECT_COMMON_BAUD_RATE
            0x28,  # PLP
            0x6B,  # RTL            back to the monitor, which shows the registers
        ]
    )  # fmt: skip


class BaudSwitch:
    """Run the board and the host at `rate` inside a `with` block, and back afterwards."""

    def __init__(self, client: MonitorClient, rate: int = FAST_BAUD, avoid: Image | None = None):
        if rate not in BAUD_RATES:
            raise TargetError(f"the monitor cannot switch to {rate} baud")
        self.client = client
        self.rate = rate
        self.avoid = avoid or Image()
        self.original = client.link.port.baudrate
        self.place: int | None = None

    def __enter__(self) -> BaudSwitch:
        if self.rate != self.original:
            self.switch(self.rate)
        return self

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        if self.client.link.port.baudrate == self.original:
            return
        try:
            self.switch(self.original)
        except TargetError:
            if error is None:
                raise

    def _find_place(self) -> int:
        """Put the helper where the program is not and RAM reads back; return its address."""
        code = helper_code(BAUD_RATES.index(self.rate))
        for place in HELPER_PLACES:
            if any(place + i in self.avoid.data for i in range(len(code))):
                continue
            try:
                self.client.write_memory(place, code[:1])  # `/` reads back: is it RAM?
            except TargetError:
                continue
            self.client.write_memory(place + 1, code[1:])
            return place
        spots = ", ".join(f"${p:06X}" for p in HELPER_PLACES)
        raise TargetError(
            f"--fast needs {len(code)} bytes of free RAM outside the program at one of {spots}",
            hint="load without --fast, or move the program",
        )

    def switch(self, rate: int) -> None:
        """Move both ends to `rate`; on failure try to get back to the old rate and say so."""
        client, link = self.client, self.client.link
        before = link.port.baudrate
        client.sync()
        saved = client.read_registers()
        if self.place is None:
            self.place = self._find_place()
        else:
            index = BAUD_RATES.index(rate)
            client.write_memory(self.place + HELPER_RATE_OFFSET, bytes([index]))
        what = f"switch the board to {rate} baud"
        link.discard()
        link.write(b"J" + address_digits(self.place))
        link.expect(_literal(address_echo(self.place)), link.reply_timeout(60), what)
        client.at_prompt = False
        link.port.baudrate = rate
        try:
            after = client.wait_return(what, HELPER_DELAY + link.reply_timeout(260))
            client.sync()
        except TargetError:
            link.port.baudrate = before
            client.at_prompt = False
            try:
                client.sync()
            except TargetError:
                raise TargetError(
                    f"lost the board while switching to {rate} baud",
                    hint=f"press the board's reset button (the monitor restarts at {before})",
                ) from None
            raise TargetError(f"the board did not switch to {rate} baud") from None
        _restore(client, saved, after)


def _restore(client: MonitorClient, saved: Registers, now: Registers) -> None:
    """Write back the saved registers the helper's `J` changed."""
    for name in ("pc", "a", "x", "y", "s", "d", "p", "dbr"):
        value = getattr(saved, name)
        if getattr(now, name) != value:
            client.write_register(name, value)


def _literal(text: bytes):
    import re

    return re.compile(re.escape(text))

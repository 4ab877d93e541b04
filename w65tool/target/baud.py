"""Moving a board and the host to another baud rate for a while (`w65 load --fast`).

The ROM routine SELECT_COMMON_BAUD_RATE ($00:E060, A = rate index, 8-bit A) reloads timer
T4, which clocks UARTs 0, 1 and 3, at once: it does not wait for characters still going out.
So a small helper is placed in RAM and run with `J`: it waits about 90 ms (the echo of its
address drains, and the host sees the echo and switches its own port), switches, and returns
with RTL; the monitor then prints its register display at the new rate. The registers the
helper and `J` change are put back afterwards, so a later `G` starts as the user expects.
"""

from __future__ import annotations

import contextlib
import re

from w65tool.image import Image
from w65tool.target.base import Registers, TargetError
from w65tool.target.config import BAUD_RATES
from w65tool.target.link import PortLost
from w65tool.target.monitor import ENTER_ADDRESS, MonitorClient
from w65tool.target.protocol import address_digits
from w65tool.target.upload import TRIES_PER_RETRY

NOP = 0xEA

SIXTH_DIGIT_ECHO = re.compile(rb"\A[0-9A-F]")
"""The echo of the `J` address's last digit, whichever hex digit it became."""

FAST_BAUD = 38400
"""The fastest rate the ROM offers (index $B)."""

SLED = 16
"""NOPs before the helper: the `J` address is its first byte, and the monitor acts on the
address's sixth digit before the host can see that digit's echo. A damaged sixth digit
moves the call by less than 16 bytes, into the NOPs, which slide into the helper: every
address the call can reach runs the same code."""

HELPER_RATE_OFFSET = SLED + 12
"""Where the rate index sits in the placed helper (the operand of LDA #)."""

HELPER_PLACES = (0x00C0, 0x00D0, 0x7FC0, 0x1F00)
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


def placed_helper(rate_index: int) -> bytes:
    """What is stored at the helper's place: `SLED` NOPs, then `helper_code`."""
    return bytes([NOP]) * SLED + helper_code(rate_index)


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
        if isinstance(error, KeyboardInterrupt):
            # switching back takes seconds of commands; Ctrl-C promises an exit within one
            rate = self.client.link.port.baudrate
            self.client._say(
                f"interrupted: the board stays at {rate} baud (its prompt answers there, "
                f"e.g. `--baud {rate}`); its reset button brings it back to {self.original}"
            )
            return
        try:
            self.switch(self.original)
        except TargetError:
            if error is None:
                raise

    def _find_place(self) -> int:
        """Put the helper where the program is not and RAM reads back; return its address."""
        code = placed_helper(BAUD_RATES.index(self.rate))
        for place in HELPER_PLACES:
            if any(self.avoid.get(place + i) is not None for i in range(len(code))):
                continue
            try:
                self._write_slash(place, code[:1])  # `/` reads back: is it RAM?
            except TargetError:
                continue
            self._write_slash(place + 1, code[1:])
            return place
        spots = ", ".join(f"${p:06X}" for p in HELPER_PLACES)
        raise TargetError(
            f"--fast needs {len(code)} bytes of free RAM outside the program at one of {spots}",
            hint="load without --fast, or move the program",
        )

    def _write_slash(self, address: int, data: bytes) -> None:
        """Store with `/`, each byte read back: the S28 loader could put a record damaged on
        the line at another address, unseen, before the load's own checks begin."""
        client = self.client
        tries = TRIES_PER_RETRY * (client.retries + 1)  # as a record: harmless to repeat
        for offset, value in enumerate(data):
            for attempt in range(tries):
                try:
                    client._command(
                        lambda a=address + offset, v=value: client._slash_write(a, bytes([v]))
                    )
                    break
                except PortLost:
                    raise
                except TargetError:
                    if attempt == tries - 1:
                        raise

    def _check_helper(self, place: int, rate: int) -> None:
        """Read the placed helper back through checksummed dump lines; refuse to run it
        unless every byte is what it must be."""
        code = placed_helper(BAUD_RATES.index(rate))
        got = self.client.read_memory(place, len(code))
        if got != code:
            at = next(i for i, (a, b) in enumerate(zip(code, got, strict=True)) if a != b)
            raise TargetError(
                f"--fast: the baud-rate helper at ${place + at:06X} reads back "
                f"${got[at]:02X}, not ${code[at]:02X}: not running it",
                hint="load without --fast; the line may be noisy",
            )

    def switch(self, rate: int) -> None:
        """Move both ends to `rate`; on failure try to get back to the old rate and say so."""
        client, link = self.client, self.client.link
        before = link.port.baudrate
        client.sync()
        saved = client.read_registers_checked()
        if self.place is None:
            self.place = self._find_place()
        else:
            index = BAUD_RATES.index(rate)
            self._write_slash(self.place + HELPER_RATE_OFFSET, bytes([index]))
        self._check_helper(self.place, rate)
        what = f"switch the board to {rate} baud"
        place = self.place
        # `J`, its prompt and five digits are checked before the monitor can act; the sixth
        # lands somewhere in the helper's NOPs whatever it became (see SLED)
        client._command(lambda: client._address_prompt(b"J", place, what, ENTER_ADDRESS))
        client.at_prompt = False
        link.write(address_digits(place)[5:])
        with contextlib.suppress(TargetError):
            # a damaged or lost echo: the helper may still run, so look at both rates below
            link.expect(SIXTH_DIGIT_ECHO, link.reply_timeout(16), what)
        link.port.baudrate = rate
        try:
            after = client.wait_return(what, HELPER_DELAY + link.reply_timeout(260))
            client.sync()
        except TargetError:
            after = self._recover(rate, before)
        _restore(client, saved, after)

    def _recover(self, rate: int, before: int) -> Registers:
        """The register display did not come at `rate`: find the monitor at `rate` (the
        display may only have come damaged) and return the registers; else back at
        `before`, and say the board did not switch, or that it is lost."""
        client, link = self.client, self.client.link
        client.at_prompt = False
        try:
            client.sync()
            return client.read_registers_checked()
        except TargetError:
            pass
        link.port.baudrate = before
        client.at_prompt = False
        try:
            client.sync()
        except TargetError:
            raise TargetError(
                f"lost the board while switching to {rate} baud",
                hint="press the board's reset button (the monitor restarts at 9600 baud)",
            ) from None
        raise TargetError(f"the board did not switch to {rate} baud") from None


def _restore(client: MonitorClient, saved: Registers, now: Registers) -> None:
    """Write back the saved registers the helper's `J` changed (read back, checked)."""
    names = ("pc", "a", "x", "y", "s", "d", "p", "dbr")
    changed = {
        name: getattr(saved, name) for name in names if getattr(now, name) != getattr(saved, name)
    }
    if changed:
        client.write_registers(changed)

"""A scripted stand-in for the ROM monitor on a pty, for testing the serial client.

It follows WDC's monitor source (ROM 2.07) command by command, including its quirks: the
echo of the command letter and two spaces, `?` for unknown input, the S28 loader that stores
bytes as they arrive and then skips to the next `S`, `/` writes that need no SPACE, the `W`
dump that waits for a key, the NUL after output bursts and the one XON. It does not run code:
`J` returns at once as if the code were `RTL`, except for the baud-rate helper (NOPs, then a
`JSL $00:E060` with `LDA #n` before it), which changes the fake's rate; while the host's pty is
set to another rate the fake's output arrives scrambled and its input is lost, as on a real line.
Faults (`FakeMonitor(faults=...)`) damage bytes in either direction, reproducibly by seed.
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import termios
import threading
import time
import tty

RATES = (110, 150, 300, 600, 1200, 1800, 2400, 4800, 9600, 14400, 19200, 38400)
REGS = {"pc": 0x00E358, "a": 0xFF00, "x": 0xE0B7, "y": 0x0002, "s": 0x01FF, "d": 0, "p": 0x22}
READY = b"\rREADY\r>"


class Stop(Exception):
    """The fake is shutting down."""


class FakeMonitor(threading.Thread):
    """The monitor's serial side on a pty; `path` is the device to open."""

    def __init__(
        self,
        faults: dict[str, float] | None = None,
        seed: int = 0,
        silent=False,
        pace=0.0,
        reset_on_input=False,
    ):
        super().__init__(daemon=True)
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.memory = bytearray(1 << 16)  # bank 0 only; other banks read $FF
        self.banks: dict[int, bytearray] = {}
        self.regs = dict(REGS, dbr=0)
        self.faults = faults or {}
        self.random = random.Random(seed)
        self.silent = silent
        self.pace = pace  # seconds per received character, to act like a slow line
        self.reset_on_input = reset_on_input  # the reset button is pressed as the host starts
        self.flaky: dict[int, int] = {}  # address -> value the W dump shows instead
        self.spoil_once: dict[int, int] = {}  # address -> value stored after the next load
        self.baud = 9600
        self.running = False  # a program started with G
        self.commands: list[str] = []
        self.received = bytearray()
        self._halt = threading.Event()
        self._pending = bytearray()
        self.start()

    # -- plumbing -------------------------------------------------------------------------
    def wait_running(self, timeout: float = 2.0) -> bool:
        """True once a `G` has started a program (the echo reaches the host a moment before)."""
        deadline = time.monotonic() + timeout
        while not self.running and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.running

    def close(self) -> None:
        self._halt.set()
        self.join(2)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _host_rate(self) -> int:
        speed = termios.tcgetattr(self.slave)[5]
        names = {getattr(termios, f"B{r}"): r for r in RATES if hasattr(termios, f"B{r}")}
        return names.get(speed, -1)

    def getc(self) -> int:
        while True:
            if self._pending:
                c = self._pending.pop(0)
                if self.pace:
                    time.sleep(self.pace)
                if self.faults.get("drop_in") and self.random.random() < self.faults["drop_in"]:
                    continue
                if self.faults.get("flip_in") and self.random.random() < self.faults["flip_in"]:
                    c ^= 1 << self.random.randrange(7)
                if self._host_rate() != self.baud:
                    continue  # framing errors: the character is lost
                return c
            if self._halt.is_set():
                raise Stop
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.master, 256)
                except OSError:
                    raise Stop from None
                self.received += data
                self._pending += data

    def put(self, data: bytes) -> None:
        if self.silent:
            return
        out = bytearray()
        for c in data:
            if self.faults.get("drop_out") and self.random.random() < self.faults["drop_out"]:
                continue
            if self.faults.get("flip_out") and self.random.random() < self.faults["flip_out"]:
                c ^= 1 << self.random.randrange(7)
            out.append(c)
        if self._host_rate() != self.baud:
            out = bytearray(0x80 | (c >> 1) for c in out)  # wrong rate: garbage arrives
        out += b"\x00"  # the ROM's transmit interrupt ends a burst with a NUL
        os.write(self.master, bytes(out))

    # -- memory ---------------------------------------------------------------------------
    def peek(self, addr: int) -> int:
        if addr >> 16:
            return self.banks.get(addr >> 16, bytearray(b"\xff" * 65536))[addr & 0xFFFF]
        return self.memory[addr]

    def poke(self, addr: int, value: int) -> None:
        if addr >> 16:
            self.banks.setdefault(addr >> 16, bytearray(b"\xff" * 65536))[addr & 0xFFFF] = value
        elif not 0xE000 <= addr <= 0xFFFF:  # the mask ROM ignores writes
            self.memory[addr] = value

    # -- the monitor ----------------------------------------------------------------------
    def run(self) -> None:
        try:
            self.put(b"\r>")
            self.put(b"\x11")
            while True:
                c = self.getc()
                if self.reset_on_input:
                    self.reset_on_input = False
                    self.put(b"\rMENSCH ROM Version 2.07\r (C) Copyright 1995\rAssembled today\r")
                    self.show_registers()
                    continue
                if self.running or c == 0x0A:
                    continue
                self.put(bytes([c]))
                cmd = chr(c).upper()
                self.commands.append(cmd)
                handler = {
                    "|": self.pipe,
                    "/": self.slash,
                    "S": self.loader,
                    "W": self.dump,
                    "G": self.go,
                    "J": self.call,
                }.get(cmd)
                if handler is None:
                    self.put(b"?" + READY)
                    continue
                self.put(b"  ")
                if handler() is not False:
                    self.put(READY)
        except Stop:
            return

    def hex_pair(self, first: int | None = None) -> int | None:
        a = self.getc() if first is None else first
        b = self.getc()
        try:
            return int(bytes([a, b]).decode(), 16)
        except (ValueError, UnicodeDecodeError):
            return None

    def get_address(self, prompt: bytes) -> int | None:
        """Six echoed digits; None for ESC, and for CR (echoed, like every character)."""
        self.put(b"\r" + prompt)
        digits = b""
        self.last_key = None
        while len(digits) < 6:
            c = self.getc()
            self.put(bytes([c]))
            if c in (0x1B, 0x0D):
                self.last_key = c
                return None
            if chr(c) in "0123456789abcdefABCDEF":
                digits += bytes([c])
                if len(digits) == 2:
                    self.put(b":")
            else:
                self.put(b"\x08")
        return int(digits, 16)

    def pipe(self) -> None:
        c = chr(self.getc())
        if c == " ":
            r = self.regs
            self.put(
                f"{r['pc']:06X} {r['a']:04X} {r['x']:04X} {r['y']:04X} {r['s']:04X} "
                f"{r['d']:04X} {r['p']:02X} {r['dbr']:02X} ".encode()
            )
            return
        sizes = {"P": 3, "A": 2, "X": 2, "Y": 2, "S": 2, "D": 2, "F": 1, "B": 1}
        if c not in sizes:
            self.put(b"\x15")
            return
        value = 0
        for i in range(sizes[c]):
            if c == "P" and i == 1 and self.getc() != ord(":"):
                self.put(b"\x15")
                return
            byte = self.hex_pair()
            if byte is None:
                self.put(b"\x15")
                return
            value = value << 8 | byte
        name = {"P": "pc", "F": "p", "B": "dbr"}.get(c, c.lower())
        self.regs[name] = value
        self.put(b"\x06")

    def slash(self) -> None:
        ptr = getattr(self, "pointer", 0)
        c = self.getc()
        if c == 0x1B:
            self.put(b"\x15")
            return
        if c == 0x0D:
            self.put(f"{ptr >> 16:02X}:{ptr & 0xFFFF:04X}".encode())
            return
        if c != 0x20:
            first = self.hex_pair(c)
            if first is None:
                self.put(b"\x15")
                return
            c = self.getc()
            if c == 0x20:
                self.poke(ptr, first)
            else:
                bank = 0
                high = first
                if c == ord(":"):
                    bank = first
                    high = self.hex_pair()
                    c = self.getc()
                low = self.hex_pair(c)
                if high is None or low is None:
                    self.put(b"\x15")
                    return
                ptr = bank << 16 | high << 8 | low
                c = self.getc()
                if c != 0x20:
                    data = self.hex_pair(c)
                    if data is None:
                        self.put(b"\x15")
                        return
                    self.poke(ptr, data)
        self.put(f"{self.peek(ptr):02X}".encode())
        self.pointer = (ptr + 1) & 0xFFFFFF

    def loader(self) -> None:
        count = 0
        while True:
            kind = chr(self.getc())
            n = self.hex_pair()
            total = n or 0
            if kind == "8":
                while self.getc() not in (0x0D, 0x0A):
                    pass
                for addr, value in self.spoil_once.items():
                    self.poke(addr, value)  # as a record acknowledged but never stored
                self.spoil_once = {}
                return
            if kind == "2":
                left = (total - 4) & 0xFF
                addr = 0
                for _ in range(3):
                    b = self.hex_pair()
                    addr = addr << 8 | (b or 0)
                    total += b or 0
                good = n is not None
                for _ in range(left):
                    b = self.hex_pair()
                    if b is None:
                        good = False
                        total += 0x21
                    else:
                        self.poke(addr, b)
                        if self.peek(addr) != b:
                            good = False
                        total += b
                    addr = (addr + 1) & 0xFFFFFF
                ck = self.hex_pair()
                total += 0x20 if ck is None else ck
                if total & 0xFF != 0xFF or not good:
                    c = self.getc()
                    while c == 0x0A:
                        c = self.getc()
                    self.put(b"?")
                    while self.getc() != ord("S"):
                        pass
                    continue
            while self.getc() not in (0x0D, 0x0A):
                pass
            count += 1
            self.put(f".{count % 10000:04d}".encode())
            while self.getc() != ord("S"):
                pass

    def dump(self) -> None:
        low = self.get_address(b"Enter Lowest Address   BB:AAAA ")
        if low is None:
            return
        self.pointer = low  # the ROM's dump points `/` at its first address
        high = self.get_address(b"Enter Highest Address  BB:AAAA ")
        if high is None:
            return
        self.put(b"\r")
        addr = low
        while addr <= high:
            n = min(16, high - addr + 1)
            body = bytes([n + 4]) + addr.to_bytes(3, "big")
            body += bytes(self.flaky.get(addr + i, self.peek(addr + i)) for i in range(n))
            self.put(b"S2" + body.hex().upper().encode() + f"{~sum(body) & 0xFF:02X}\r".encode())
            addr += n
        self.put(b"S804000000FB")
        self.getc()

    def go(self) -> bool | None:
        addr = self.get_address(b"Enter Address  BB:AAAA ")
        if addr is None and self.last_key != 0x0D:
            return None
        if addr is not None:
            self.regs["pc"] = addr
        self.running = True  # CR: at the saved PC
        return False

    def call(self) -> bool | None:
        addr = self.get_address(b"Enter Address  BB:AAAA ")
        if addr is None:
            return None
        self.regs["pc"] = addr
        start = addr
        while self.peek(start) == 0xEA and start < addr + 16:  # NOPs slide into the code
            start += 1
        code = bytes(self.peek(start + i) for i in range(19))
        if code[13:17] == b"\x22\x60\xe0\x00" and code[11] == 0xA9:
            time.sleep(0.09)  # the helper's delay loop
            if code[12] < len(RATES):
                self.baud = RATES[code[12]]
            self.regs["a"] = code[12]
            self.regs["x"] = 0
        self.show_registers()
        return False

    def show_registers(self) -> None:
        r = self.regs
        self.put(
            b"\r\rPCntr     Acc    Xreg   Yreg   Stack\r"
            + f"{r['pc'] >> 16:02X}:{r['pc'] & 0xFFFF:04X}   ".encode()
            + "".join(f"{r[k] >> 8:02X} {r[k] & 0xFF:02X}  " for k in "axys").encode()
            + b"\r\r  DirRg  F  DBk\r  "
            + f"{r['d'] >> 8:02X} {r['d'] & 0xFF:02X}  {r['p']:02X} {r['dbr']:02X}  ".encode()
            + b"\r\r\rStatus Reg\rN  V  M  X  D  I  Z  C\r"
            + "".join(f"{r['p'] >> (7 - i) & 1}  " for i in range(8)).encode()
            + b"\r\r>"
        )

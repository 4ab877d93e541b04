"""The W65C265S memory map as the CPU sees it, with a fast path for plain memory.

Bank $00:
    $0000-$01FF   on-chip RAM
    $0200-$7FFF   external SRAM on boards that have it (the SXB), while BCR bit 0 enables
                  the external bus; unmapped otherwise
    $8000-$DEFF   external ROM/flash space: unmapped (no chip fitted)
    $DF00-$DF7F   I/O registers (through Python)
    $DF80-$DFBF   on-chip RAM
    $DFC0-$DFFF   expansion chip select: unmapped
    $E000-$FFFF   the mask ROM: reads give its contents, writes are ignored
Banks $01-$FF are unmapped. An unmapped read returns UNMAPPED ($FF, what a floating data
bus with the board's pull-ups reads back); unmapped writes are ignored.

`ram` is a 16 MiB `bytearray` holding every byte of the map; `read_hooks`/`write_hooks`
flag the 256-byte pages whose accesses must go through `read`/`write` (I/O, ROM writes,
unmapped space), so the CPU's fast path reads and writes the rest of `ram` directly.

Watchpoints (`set_watches`) hook only the pages they cover: those pages become `_WATCHED`
and their accesses go through `read`/`write`, which check them after the page's own kind. Every
other page, and every page while no watchpoint is set, keeps its path untouched: a
watchpoint costs nothing where it is not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from w65tool.chip import IO_FIRST, ROM_FIRST
from w65tool.cpu.bus import PageFlags

UNMAPPED = 0xFF
ADDRESS_SPACE = 1 << 24

_RAM, _ROM, _NONE, _MIXED, _WATCHED = 0, 1, 2, 3, 4  # page kinds; _MIXED is page $DF


@dataclass(frozen=True)
class Watch:
    """Stop on `access` ("read", "write" or "access": both) of a byte in `first`-`last`."""

    first: int
    last: int
    access: str

    def covers(self, address: int, access: str) -> bool:
        """True when this watch is about an `access` at `address`."""
        wanted = self.access == "access" or self.access == access
        return wanted and self.first <= address <= self.last


WatchListener = Callable[[int, str, int], None]
"""Called as listener(address, access, value) when a watched access happens."""


@dataclass(frozen=True)
class WatchHit:
    """A watched access: what (`access` "read" or "write") at `address`, the byte read or
    written, and the address of the instruction that made it (`pc`)."""

    address: int
    access: str
    value: int
    pc: int


class Bus:
    """Memory of one board; I/O goes to `io_read(address)`/`io_write(address, value)`."""

    def __init__(
        self,
        external_ram: tuple[int, int] | None,
        io_read: Callable[[int], int],
        io_write: Callable[[int, int], None],
    ) -> None:
        """`external_ram` is the (first, last) address of the board's SRAM in bank 0."""
        self.ram = bytearray(ADDRESS_SPACE)
        self.read_hooks = PageFlags(1)
        self.write_hooks = PageFlags(1)
        self._kind = bytearray([_NONE]) * 65536
        self._external = external_ram
        self.io_read = io_read
        self.io_write = io_write
        self._watches: tuple[Watch, ...] = ()
        self._under: dict[int, int] = {}  # a watched page -> its own kind
        self._quiet = 0  # > 0: accesses from outside the CPU (a debugger) do not count
        self.on_watch: WatchListener | None = None
        for page in (0x00, 0x01):
            self._set(page, _RAM)
        for page in range(ROM_FIRST >> 8, 0x100):
            self._set(page, _ROM)
        self._set(IO_FIRST >> 8, _MIXED)
        self.set_external_bus(False)

    def _set(self, page: int, kind: int) -> None:
        if page in self._under:
            self._under[page] = kind  # stays watched; its own kind serves the access
            return
        self._kind[page] = kind
        self.read_hooks[page] = kind not in (_RAM, _ROM)
        self.write_hooks[page] = kind != _RAM

    # -- watchpoints ----------------------------------------------------------------------
    @property
    def watches(self) -> tuple[Watch, ...]:
        """The watchpoints set."""
        return self._watches

    def set_watches(self, watches: tuple[Watch, ...] | list[Watch]) -> None:
        """Watch these ranges (replacing any before); `on_watch` hears each hit."""
        pages = {p for w in watches for p in range(w.first >> 8, (w.last >> 8) + 1)}
        for page in list(self._under):
            if page not in pages:
                kind = self._under.pop(page)
                self._set(page, kind)
        for page in pages:
            if page not in self._under:
                self._under[page] = self._kind[page]
                self._kind[page] = _WATCHED
                self.read_hooks[page] = self.write_hooks[page] = 1
        self._watches = tuple(watches)

    @contextmanager
    def unwatched(self) -> Iterator[None]:
        """Accesses in this block (a debugger reading memory) never hit a watchpoint."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _own(self, page: int) -> int:
        kind = self._kind[page]
        return self._under[page] if kind == _WATCHED else kind

    def _watched_read(self, address: int) -> int:
        kind = self._under[address >> 8]
        if kind <= _ROM:
            value = self.ram[address]
        elif kind == _MIXED:
            value = self._read_mixed(address)
        else:
            value = UNMAPPED
        self._check(address, "read", value)
        return value

    def _watched_write(self, address: int, value: int) -> None:
        kind = self._under[address >> 8]
        if kind == _RAM:
            self.ram[address] = value
        elif kind == _MIXED:
            self._write_mixed(address, value)
        self._check(address, "write", value)

    def _check(self, address: int, access: str, value: int) -> None:
        if self._quiet or self.on_watch is None:
            return
        if any(w.covers(address, access) for w in self._watches):
            self.on_watch(address, access, value)

    def set_external_bus(self, on: bool) -> None:
        """BCR bit 0: the external SRAM answers only while ports 0-3 are the bus."""
        if self._external is not None:
            first, last = self._external
            for page in range(first >> 8, (last >> 8) + 1):
                self._set(page, _RAM if on else _NONE)

    def mapped(self, address: int) -> bool:
        """True where a read returns memory or a register rather than UNMAPPED."""
        kind = self._own(address >> 8)
        if kind == _MIXED:
            return (address & 0xFF) < 0xC0
        return kind != _NONE

    def read(self, address: int) -> int:
        """The byte the CPU reads at a 24-bit address."""
        kind = self._kind[address >> 8]
        if kind <= _ROM:
            return self.ram[address]
        if kind == _MIXED:
            low = address & 0xFF
            if low < 0x80:
                return self.io_read(address)
            if low < 0xC0:
                return self.ram[address]
        elif kind == _WATCHED:
            return self._watched_read(address)
        return UNMAPPED

    def _read_mixed(self, address: int) -> int:
        low = address & 0xFF
        if low < 0x80:
            return self.io_read(address)
        return self.ram[address] if low < 0xC0 else UNMAPPED

    def write(self, address: int, value: int) -> None:
        """A CPU write; ROM and unmapped space ignore it."""
        kind = self._kind[address >> 8]
        if kind == _RAM:
            self.ram[address] = value
        elif kind == _MIXED:
            low = address & 0xFF
            if low < 0x80:
                self.io_write(address, value)
            elif low < 0xC0:
                self.ram[address] = value
        elif kind == _WATCHED:
            self._watched_write(address, value)

    def _write_mixed(self, address: int, value: int) -> None:
        low = address & 0xFF
        if low < 0x80:
            self.io_write(address, value)
        elif low < 0xC0:
            self.ram[address] = value

    def peek(self, address: int) -> int:
        """The byte at an address without touching I/O (reads of registers give 0)."""
        if self._own(address >> 8) == _MIXED and (address & 0xFF) < 0x80:
            return 0
        if not self.mapped(address):
            return UNMAPPED
        with self.unwatched():
            return self.read(address)

    def store(self, address: int, data: bytes) -> None:
        """Place bytes in the backing memory whatever the map says (ROM contents, loading).

        Bytes stored in unmapped space stay invisible until that space is mapped (the SXB's
        SRAM while the external bus is off)."""
        end = address + len(data)
        if address < 0 or end > ADDRESS_SPACE:
            raise ValueError(f"${address:06X}+{len(data)} is outside the 24-bit space")
        self.ram[address:end] = data

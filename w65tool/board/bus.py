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
"""

from __future__ import annotations

from collections.abc import Callable

from w65tool.chip import IO_FIRST, ROM_FIRST

UNMAPPED = 0xFF
ADDRESS_SPACE = 1 << 24

_RAM, _ROM, _NONE, _MIXED = 0, 1, 2, 3  # page kinds; _MIXED is page $DF


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
        self.read_hooks = bytearray(b"\x01") * 65536
        self.write_hooks = bytearray(b"\x01") * 65536
        self._kind = bytearray([_NONE]) * 65536
        self._external = external_ram
        self.io_read = io_read
        self.io_write = io_write
        for page in (0x00, 0x01):
            self._set(page, _RAM)
        for page in range(ROM_FIRST >> 8, 0x100):
            self._set(page, _ROM)
        self._set(IO_FIRST >> 8, _MIXED)
        self.set_external_bus(False)

    def _set(self, page: int, kind: int) -> None:
        self._kind[page] = kind
        self.read_hooks[page] = kind not in (_RAM, _ROM)
        self.write_hooks[page] = kind != _RAM

    def set_external_bus(self, on: bool) -> None:
        """BCR bit 0: the external SRAM answers only while ports 0-3 are the bus."""
        if self._external is not None:
            first, last = self._external
            for page in range(first >> 8, (last >> 8) + 1):
                self._set(page, _RAM if on else _NONE)

    def mapped(self, address: int) -> bool:
        """True where a read returns memory or a register rather than UNMAPPED."""
        kind = self._kind[address >> 8]
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
        return UNMAPPED

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

    def peek(self, address: int) -> int:
        """The byte at an address without touching I/O (reads of registers give 0)."""
        if self._kind[address >> 8] == _MIXED and (address & 0xFF) < 0x80:
            return 0
        return self.read(address) if self.mapped(address) else UNMAPPED

    def store(self, address: int, data: bytes) -> None:
        """Place bytes in the backing memory whatever the map says (ROM contents, loading).

        Bytes stored in unmapped space stay invisible until that space is mapped (the SXB's
        SRAM while the external bus is off)."""
        end = address + len(data)
        if address < 0 or end > ADDRESS_SPACE:
            raise ValueError(f"${address:06X}+{len(data)} is outside the 24-bit space")
        self.ram[address:end] = data

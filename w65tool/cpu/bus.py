"""`FlatBus`: 16 MiB of plain RAM, the simplest thing a `CPU` can run on."""

from __future__ import annotations

MEMORY_SIZE = 1 << 24
PAGES = MEMORY_SIZE >> 8


class FlatBus:
    """The whole 24-bit address space as RAM, with no I/O.

    It carries the fast-path attributes the core looks for: `ram` (the memory itself) and
    `read_hooks` / `write_hooks` (one flag per 256-byte page, all clear, so the core never
    needs to call `read` or `write`). Setting a page's flag in a subclass routes that page's
    accesses through `read`/`write`.
    """

    def __init__(self) -> None:
        self.ram = bytearray(MEMORY_SIZE)
        self.read_hooks = bytearray(PAGES)
        self.write_hooks = bytearray(PAGES)

    def read(self, address: int) -> int:
        """The byte at 24-bit `address`."""
        return self.ram[address & 0xFFFFFF]

    def write(self, address: int, value: int) -> None:
        """Store byte `value` at 24-bit `address`."""
        self.ram[address & 0xFFFFFF] = value & 0xFF

    def load(self, address: int, data: bytes) -> None:
        """Copy `data` into memory from `address` on (wrapping at 16 MiB)."""
        address &= 0xFFFFFF
        head = data[: MEMORY_SIZE - address]
        self.ram[address : address + len(head)] = head
        self.ram[: len(data) - len(head)] = data[len(head) :]

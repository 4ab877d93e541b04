"""`FlatBus`: 16 MiB of plain RAM, the simplest thing a `CPU` can run on; `PageFlags`, the
per-page hook flags a bus hands the core."""

from __future__ import annotations

from typing import Any, NoReturn, SupportsIndex

MEMORY_SIZE = 1 << 24
PAGES = MEMORY_SIZE >> 8


class PageFlags(bytearray):
    """One flag per 256-byte page of the 24-bit space (set: the core goes through the bus).

    Besides the flags it keeps two lists for the core (CPython indexes a list faster than a
    `bytearray`): `listed`, the same flags, and `fetch`, which the core reads before each
    instruction it runs alone: `fetch[p]` is 0 only when any instruction starting in page `p`
    may be fetched straight from RAM, that is when neither `p` nor the page after it is
    flagged and `p` is not the last page of its bank (where the program counter wraps). A
    clear `fetch` spares the core two tests per instruction; a set one sends it to the exact
    test. Both lists are kept current on every assignment, so the flags change only by index
    or slice: methods that would change the length or bypass the update are refused.
    """

    def __init__(self, value: int = 0) -> None:
        super().__init__(bytes([value]) * PAGES)
        self.listed = [value] * PAGES
        self.fetch = [1] * PAGES
        self._refresh(0, PAGES)

    def _refresh(self, first: int, last: int) -> None:
        """Recompute `fetch` for pages `first` to `last` - 1 (and the page before, which
        reads into `first`)."""
        for page in range(max(first - 1, 0), min(last, PAGES)):
            self.fetch[page] = 1 if (page & 0xFF) == 0xFF or self[page] or self[page + 1] else 0

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            changed = range(*index.indices(PAGES))
            value = bytes(value)
            if len(value) != len(changed):  # a bytearray would grow or shrink
                raise TypeError("page flags change only by index or slice assignment")
            super().__setitem__(index, value)
            self.listed[index] = self[index]
            if changed:
                self._refresh(min(changed), max(changed) + 1)
        else:
            super().__setitem__(index, value)
            page = index.__index__() % PAGES
            self.listed[page] = self[page]
            self._refresh(page, page + 1)

    def _refuse(self, *_: object) -> NoReturn:
        raise TypeError("page flags change only by index or slice assignment")

    __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = reverse = _refuse  # type: ignore[assignment]

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        # copy and pickle rebuild `fetch` through assignment, not from a bytes argument
        return (_page_flags, (bytes(self),))


def _page_flags(data: bytes) -> PageFlags:
    flags = PageFlags()
    flags[:] = data
    return flags


class FlatBus:
    """The whole 24-bit address space as RAM, with no I/O.

    It carries the fast-path attributes the core looks for: `ram` (the memory itself) and
    `read_hooks` / `write_hooks` (`PageFlags`: one flag per 256-byte page, all clear, so the
    core never needs to call `read` or `write`). Setting a page's flag (by index or slice, in
    a subclass or at any time) routes that page's accesses through `read`/`write`.
    """

    def __init__(self) -> None:
        self.ram = bytearray(MEMORY_SIZE)
        self.read_hooks = PageFlags()
        self.write_hooks = PageFlags()

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

"""The disassembly the TUI shows: a few instructions before PC, then on from PC.

Code before PC cannot be decoded backwards with certainty (instructions are 1 to 4 bytes),
so the lines before PC are a vote: of the starts within `BACK` bytes whose decoding lands
exactly on PC, the one with the fewest unlikely instructions (BRK, COP, WDM, STP, data)
just before PC wins, ties going to the decoding most starts agree on. From PC on, decoding
starts at PC itself with the widths of P and E, so those lines are always right. Memory is
read once, never in the I/O window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from w65tool.disasm import Line, State, disassemble_memory

BACK = 24
"""Bytes before PC tried as starting points for the lines shown above it."""

Reader = Callable[[int, int], bytes]


def widths(p: int, e: int | None) -> dict[str, bool]:
    """The disassembler's width arguments for status register `p` and emulation flag `e`."""
    state = State.from_status(p, e)
    return {"m8": state.m8, "x8": state.x8, "emulation": state.emulation}


def around_pc(
    read: Reader,
    pc: int,
    p: int,
    e: int | None,
    *,
    before: int = 4,
    count: int = 40,
    symbols: Mapping[str, int] | None = None,
) -> list[Line]:
    """Up to `before` lines before `pc` and `count` lines from it, reading through `read`."""
    bank = pc & 0xFF0000
    first = max(bank, pc - BACK)
    known: dict[int, int] = {}

    def remember(address: int, length: int) -> bytes:
        data = read(address, length)
        known.update(zip(range(address, address + len(data)), data, strict=False))
        return data

    def cached(address: int, length: int) -> bytes:
        out = bytearray()
        for where in range(address, address + length):
            if where not in known:
                break
            out.append(known[where])
        return bytes(out)

    kw = widths(p, e)
    # one read covers every candidate start: from `first` over what `count` lines may need
    disassemble_memory(remember, first, count + BACK, **kw)
    after = disassemble_memory(cached, pc, count, symbols=symbols, **kw)
    tails: dict[tuple[int, ...], list[Line]] = {}
    votes: dict[tuple[int, ...], int] = {}
    for start in range(first, pc):
        head: list[Line] = []
        for line in disassemble_memory(cached, start, BACK + 1, symbols=symbols, **kw):
            if line.address >= pc:
                if line.address == pc and head and before:
                    tail = head[-before:]
                    key = tuple(x.address for x in tail)
                    tails[key] = tail
                    votes[key] = votes.get(key, 0) + 1
                break
            head.append(line)
    if not tails:
        return after
    best = min(tails, key=lambda k: (_unlikely(tails[k]), -votes[k], -len(k)))
    return tails[best] + after


UNLIKELY = frozenset({"brk", "cop", "wdm", "stp", ".byte", ""})
"""What real code rarely holds just before PC: decodings full of these lose the vote."""


def _unlikely(lines: list[Line]) -> int:
    return sum(line.mnemonic in UNLIKELY for line in lines)


def instruction_at(read: Reader, pc: int, p: int, e: int | None) -> Line:
    """The one instruction at `pc` (for step over: is it a JSR or JSL, and how long)."""
    return disassemble_memory(read, pc, 1, **widths(p, e))[0]

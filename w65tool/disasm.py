"""The disassembler: bytes -> source text in the assembler's own dialect.

Every line it writes assembles back to exactly the bytes it came from: `asm(disasm(x)) == x`.
Opcode facts come only from `w65tool.isa` (mnemonic, mode, operand size); the operand is
written through the mode's `syntax` template. Where the assembler would pick a shorter
encoding for the same value, the mnemonic carries a size suffix: `lda.w $0012` keeps an
absolute operand below $100 absolute, `lda.l $001234` keeps a long operand below $10000 long.

Immediate widths follow the register widths, tracked by the model the assembler uses
(`w65tool.widths`): REP and SEP set and clear M and X, XCE after a known carry (CLC, SEC,
REP/SEP of the carry bit) enters native or emulation mode, emulation mode holds both
registers at 8 bits, and PLP restores what PHP saved. Where the model loses a width (PLP
with no PHP in the run, XCE with an unknown carry from 16 bits), the last known width is
kept, and the source `to_source` writes restates the widths after each such instruction.

Two entry points: `disassemble(data, org)` over bytes, and `disassemble_memory(read, ...)`
over a live reader such as `Target.read_memory`. Like bsnes's disassembler, the reader variant
never reads the I/O window $00:DF00-$00:DF7F: reading a UART data or interrupt flag register
changes the board's state, and a disassembly must not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from w65tool import widths
from w65tool.chip import IO_FIRST, IO_LAST
from w65tool.isa import MNEMONICS, OPCODES, Mode, Opcode, Width, modes_of

ADDRESS_MASK = 0xFFFFFF
_MAX_INSTRUCTION = 4  # bytes: opcode + 24-bit operand, or opcode + 16-bit immediate + ...

# Modes that reach a bank-relative program address, and the static targets of control flow.
_RELATIVE = frozenset({"rel8", "rel16"})
_JUMPS_IN_BANK = frozenset({("jmp", "abs"), ("jsr", "abs")})
# Operands in the program bank: the assembler reads them as 24-bit addresses in the bank of
# the code (`jmp $7E1234` at $7E0000), and takes a bank-0 value there as a JML/JSL.
_PROGRAM_BANK = _JUMPS_IN_BANK | {("jmp", "abs_x_ind"), ("jsr", "abs_x_ind")}
_LONG_OPERAND = frozenset({"long", "long_x"})

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED = frozenset({"a", "x", "y", "s"}) | MNEMONICS
_NAME_OR_NUMBER = re.compile(r"\$[0-9A-Fa-f]+|([A-Za-z_][A-Za-z0-9_]*)")


State = widths.Widths
"""Register widths the disassembler decodes with, `State(m8, x8, emulation)`: the one record
of widths (`w65tool.widths.Widths`), which the CPU's handlers are specialised for too."""


@dataclass(frozen=True, slots=True)
class Line:
    """One disassembled instruction (or data, or an unread I/O run).

    `target` is the address the instruction refers to where the bytes and the line's own
    address determine it: branch, BRL and PER targets, JMP/JSR absolute in the program bank,
    and long operands. `state` is the register widths after the line.
    """

    address: int
    data: bytes
    mnemonic: str  # "lda", "lda.w" (size forced), ".byte", or "" for an unread I/O run
    operand: str
    target: int | None
    state: State
    size: int  # bytes covered; equals len(data) except for an unread I/O run

    @property
    def text(self) -> str:
        """The line as assembler source: mnemonic and operand."""
        if not self.mnemonic:
            return f"; I/O registers ${self.address:06X}-${self.address + self.size - 1:06X}"
        return f"{self.mnemonic} {self.operand}" if self.operand else self.mnemonic

    @property
    def m8(self) -> bool:
        """The accumulator is 8-bit after this line."""
        return self.state.m8

    @property
    def x8(self) -> bool:
        """The index registers are 8-bit after this line."""
        return self.state.x8


def hex_value(value: int, digits: int) -> str:
    """`value` as `$` and at least `digits` upper-case hex digits."""
    return f"${value:0{digits}X}"


def usable_symbols(symbols: Mapping[str, int]) -> dict[int, str]:
    """Invert a name -> value table, keeping names the assembler reads as plain identifiers.

    When several names share a value, the alphabetically first wins, so output is stable.
    """
    by_value: dict[int, str] = {}
    for name in sorted(symbols):
        if _IDENTIFIER.match(name) and name.lower() not in _RESERVED:
            by_value.setdefault(symbols[name], name)
    return by_value


class _Tracker:
    """The widths through a run of instructions, by the assembler's own model
    (`w65tool.widths`); where the model no longer knows a width (PLP with no PHP before it),
    the last known one is kept."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.model = widths.known(state)
        self.pushed: list[widths.Tracked] = []  # what PHP saved, for PLP

    def forget_carry(self) -> None:
        """After bytes not decoded: the carry they left is not known."""
        self.model = widths.without_carry(self.model)

    def after(self, op: Opcode, operand: int) -> State:
        name = op.mnemonic
        if name not in widths.CHANGES_STATE:
            return self.state
        model = self.model = widths.after(self.model, name, operand, -1, self.pushed)
        s = self.state
        m, x, emulation = model[widths.M], model[widths.X], model[widths.E] == 1
        m8 = emulation or (s.m8 if m is None else m == 8)
        x8 = emulation or (s.x8 if x is None else x == 8)
        self.state = State(m8, x8, emulation)
        return self.state


def _force_below(op: Opcode) -> int:
    """Operand values below this would assemble to a shorter form of the same mnemonic.

    The assembler picks direct page or absolute by value among the modes written alike
    (`$12`, `$1234`, `$123456`); an operand below the limit needs a size suffix.
    """
    limit = 0
    for other in modes_of(op.mnemonic).values():
        mode = other.mode
        if (
            mode.syntax == op.mode.syntax
            and mode.width is Width.FIXED
            and mode.name not in _RELATIVE
            and mode.size < op.mode.size
        ):
            limit = max(limit, 1 << (8 * mode.size))
    return limit


_FORCE_BELOW = tuple(_force_below(op) for op in OPCODES)


def _address_text(value: int, digits: int, symbols: Mapping[int, str], full: int) -> str:
    """A symbol's name when one has the value `full`, else the value in hex."""
    name = symbols.get(full)
    return name if name is not None else hex_value(value, digits)


_SIZE_SUFFIX = {2: ".w", 3: ".l"}


def _decode(
    op: Opcode,
    operand: bytes,
    address: int,
    state: State,
    symbols: Mapping[int, str],
) -> tuple[str, str, int | None]:
    """Mnemonic, operand text and static target of an instruction whose bytes are all known."""
    mode: Mode = op.mode
    value = int.from_bytes(operand, "little")
    name = mode.name
    mnemonic = op.mnemonic
    if mode.size == 0:
        return mnemonic, "", None
    if mode.width is not Width.FIXED or name == "imm8":
        return mnemonic, mode.syntax.format(hex_value(value, 2 * len(operand))), None
    if name == "block":  # bytes are destination then source; WDC syntax writes source first
        # `#` marks the banks as bank numbers, an order no assembler reads differently
        banks = "#" + hex_value(operand[1], 2), "#" + hex_value(operand[0], 2)
        return mnemonic, mode.syntax.format(*banks), None
    bank = address & 0xFF0000
    if name in _RELATIVE:
        offset = value - (1 << 8 * mode.size) if value >> (8 * mode.size - 1) else value
        end = address + 1 + mode.size
        target = bank | ((end + offset) & 0xFFFF)
        digits = 4 if bank == 0 else 6
        text = _address_text(target, digits, symbols, target)
        return mnemonic, mode.syntax.format(text), target
    target = value if name in _LONG_OPERAND else None
    if value < _FORCE_BELOW[op.code]:
        mnemonic += _SIZE_SUFFIX[mode.size]
    if (op.mnemonic, name) in _PROGRAM_BANK:
        address_in_bank = bank | value
        if (op.mnemonic, name) in _JUMPS_IN_BANK:
            target = address_in_bank
        text = _address_text(address_in_bank, 6 if bank else 4, symbols, address_in_bank)
    else:
        text = _address_text(value, 2 * mode.size, symbols, value)
    return mnemonic, mode.syntax.format(text), target


def _data_line(address: int, data: bytes, state: State) -> Line:
    operand = ",".join(hex_value(b, 2) for b in data)
    return Line(address, data, ".byte", operand, None, state, len(data))


def _disassemble_known(
    fetch: Callable[[int], int | None],
    address: int,
    end: int,
    state: State,
    symbols: Mapping[int, str],
    max_lines: int | None,
) -> list[Line]:
    """Decode from `address` up to `end` (exclusive). `fetch` returns None for unread bytes."""
    tracker = _Tracker(state)
    lines: list[Line] = []
    while address < end and (max_lines is None or len(lines) < max_lines):
        first = fetch(address)
        if first is None:  # an unread I/O run: one line up to its end
            stop = address
            while stop < end and fetch(stop) is None:
                stop += 1
            lines.append(Line(address, b"", "", "", None, tracker.state, stop - address))
            tracker.forget_carry()
            address = stop
            continue
        op = OPCODES[first]
        length = op.length(tracker.state.m8, tracker.state.x8)
        raw = [first]
        for i in range(1, length):
            byte = fetch(address + i) if address + i < end else None
            if byte is None:
                break
            raw.append(byte)
        data = bytes(raw)
        if len(data) < length:  # truncated by the end or by the I/O window
            lines.append(_data_line(address, data, tracker.state))
            tracker.forget_carry()
            address += len(data)
            continue
        mnemonic, operand, target = _decode(op, data[1:], address, tracker.state, symbols)
        after = tracker.after(op, int.from_bytes(data[1:], "little"))
        lines.append(Line(address, data, mnemonic, operand, target, after, length))
        address += length
    return lines


def disassemble(
    data: bytes,
    org: int = 0,
    *,
    m8: bool = True,
    x8: bool = True,
    emulation: bool = False,
    symbols: Mapping[str, int] | None = None,
) -> list[Line]:
    """Disassemble `data` loaded at `org`, starting with the given register widths.

    Bytes at the end that do not make a whole instruction become a `.byte` line. `symbols`
    (name -> value) names branch targets and address operands whose value matches exactly.
    """
    if not 0 <= org <= ADDRESS_MASK or org + len(data) > ADDRESS_MASK + 1:
        raise ValueError(f"bytes at ${org:06X} fall outside the 24-bit address space")
    start = State(m8 or emulation, x8 or emulation, emulation)

    def fetch(address: int) -> int:
        return data[address - org]

    by_value = usable_symbols(symbols or {})
    return _disassemble_known(fetch, org, org + len(data), start, by_value, None)


def disassemble_memory(
    read: Callable[[int, int], bytes],
    address: int,
    count: int,
    *,
    m8: bool = True,
    x8: bool = True,
    emulation: bool = False,
    symbols: Mapping[str, int] | None = None,
) -> list[Line]:
    """Disassemble `count` lines of live memory from `address`, e.g. around a board's PC.

    `read(address, length) -> bytes` is called for the bytes needed (at most four per line),
    in one or two calls that leave out the I/O window $00:DF00-$00:DF7F: an instruction that
    reaches into the window becomes a `.byte` line, and the window itself one line of unread
    bytes (empty `mnemonic` and `data`, `size` the bytes skipped).
    """
    end = address + count * _MAX_INSTRUCTION
    if address <= IO_LAST and end > IO_FIRST:  # the window takes one line, not its bytes
        end += IO_LAST + 1 - IO_FIRST
    end = min(end, ADDRESS_MASK + 1)
    known: dict[int, int] = {}
    for lo, hi in _outside_io(address, end):
        chunk = read(lo, hi - lo)
        known.update(zip(range(lo, lo + len(chunk)), chunk, strict=False))
    start = State(m8 or emulation, x8 or emulation, emulation)
    by_value = usable_symbols(symbols or {})
    return _disassemble_known(known.get, address, end, start, by_value, count)


def _outside_io(start: int, end: int) -> list[tuple[int, int]]:
    """The parts of [start, end) outside the I/O window, as half-open ranges."""
    parts = []
    if start < IO_FIRST:
        parts.append((start, min(end, IO_FIRST)))
    if end > IO_LAST + 1:
        parts.append((max(start, IO_LAST + 1), end))
    return [(lo, hi) for lo, hi in parts if lo < hi]


def _width_directives(state: State) -> list[str]:
    return [".a8" if state.m8 else ".a16", ".i8" if state.x8 else ".i16"]


# After these the widths model may have lost a width the tracker kept (see `_Tracker`), or the
# CPU may hold P the model cannot see (PLP, RTI), so the source restates the widths.
_RESTATE_AFTER = frozenset({"rep", "sep", "xce", "plp", "rti"})


def to_source(
    runs: Iterable[tuple[State, list[Line]]],
    *,
    symbols: Mapping[str, int] | None = None,
    header: Iterable[str] = (),
) -> str:
    """A complete source file for runs of lines, each run with the widths it starts with.

    Each run begins with `.org` and width directives; width directives follow every
    instruction that changes the widths, so the assembler reproduces each immediate's size.
    Symbols used in operands become labels where a line starts at their value, and constant
    definitions otherwise. The result assembles back to the bytes the lines came from.
    """
    runs = list(runs)
    by_value = usable_symbols(symbols or {})
    starts = {line.address for _, lines in runs for line in lines if line.mnemonic}
    labels = {value: name for value, name in by_value.items() if value in starts}
    used = _names_in_operands(line for _, lines in runs for line in lines)
    out = [f"; {text}" if text else ";" for text in header]
    constants = [
        f"{name} = {hex_value(value, 6 if value > 0xFFFF else 4)}"
        for value, name in sorted(by_value.items(), key=lambda item: item[1])
        if name in used and value not in labels
    ]
    if constants:
        out.extend(["", *constants])
    for state, lines in runs:
        if not lines:
            continue
        out.append("")
        out.append(f"        .org {hex_value(lines[0].address, 4)}")
        out.extend(f"        {d}" for d in _width_directives(state))
        for line in lines:
            name = labels.get(line.address)
            if name is not None and line.mnemonic:
                out.append(f"{name}:")
            bytes_text = " ".join(f"{b:02X}" for b in line.data)
            out.append(f"        {line.text:<24}; {line.address:06X}  {bytes_text}".rstrip())
            if line.mnemonic in _RESTATE_AFTER:
                out.extend(f"        {d}" for d in _width_directives(line.state))
    return "\n".join(out) + "\n"


def _names_in_operands(lines: Iterable[Line]) -> set[str]:
    """The identifiers written in these lines' operands (hex numbers left out)."""
    names: set[str] = set()
    for line in lines:
        names.update(n for n in _NAME_OR_NUMBER.findall(line.operand) if n)
    return names

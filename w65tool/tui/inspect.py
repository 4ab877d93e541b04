"""What the Watch panel shows: watch expressions and the stack with its return addresses.

Expressions, as typed:

    A  X  Y  S  D  P  PC  DBR  PBR   a register (any case)
    [ADDR]                           the byte at ADDR
    [ADDR].w                         the little-endian word at ADDR
    NAME                             a symbol: its address and the byte there

ADDR is hex, a symbol or file:line (`w65tool.tui.addresses.locate`). The stack view reads
the bytes from S+1 upward and marks the return addresses a JSR (two bytes) or a JSL (three)
left there: those whose code just before the address is that call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from w65tool.disasm import IO_FIRST, IO_LAST
from w65tool.errors import W65Error
from w65tool.target.base import Registers
from w65tool.tui.addresses import format_address

REGISTERS = {
    "a": "a",
    "x": "x",
    "y": "y",
    "s": "s",
    "d": "d",
    "p": "p",
    "pc": "pc",
    "dbr": "dbr",
    "db": "dbr",
    "pbr": "pbr",
    "pb": "pbr",
}
"""Register names a watch expression may use, and the `Registers` field each reads."""

MEMORY = re.compile(r"^\[(?P<address>[^\]]+)\](?P<word>\.w)?$", re.IGNORECASE)

STACK_BYTES = 16
"""Bytes of the stack shown, from S+1 up."""

JSR_OPCODES = frozenset({0x20, 0xFC})  # JSR abs, JSR (abs,X): 3 bytes, push PC+2
JSL_OPCODE = 0x22  # JSL long: 4 bytes, pushes PC+3 with the bank

Reader = Callable[[int, int], bytes]


@dataclass(frozen=True)
class Expression:
    """One parsed watch expression: a register, a byte or word in memory, or a symbol."""

    text: str
    register: str | None = None
    address: int | None = None
    size: int = 1  # bytes read at `address`


def parse(text: str, locate: Callable[[str, str], int], symbols: Mapping[str, int]) -> Expression:
    """`text` as an expression (see the module docstring); a `W65Error` says what is wrong."""
    raw = text.strip()
    if not raw:
        raise W65Error("no watch expression given: a register (A), [ADDR], [ADDR].w or a symbol")
    if raw.lower() in REGISTERS:
        return Expression(raw.upper(), register=REGISTERS[raw.lower()])
    match = MEMORY.match(raw)
    if match is not None:
        address = locate(match["address"], "watch address")
        return Expression(raw, address=address, size=2 if match["word"] else 1)
    if raw in symbols or raw.lower() in {n.lower() for n in symbols}:
        return Expression(raw, address=locate(raw, "watch symbol"))
    raise W65Error(
        f"bad watch expression {raw!r}: not a register (A X Y S D P PC DBR PBR), "
        "[ADDR], [ADDR].w or a known symbol"
    )


def evaluate(expression: Expression, registers: Registers, read: Reader) -> str:
    """The expression's value as shown: `A = $0012`, `[00:0200] = $05`, `loop = 00:00C5 [$1A]`."""
    if expression.register is not None:
        if expression.register == "pc":
            return f"{expression.text} = {format_address(registers.pc)}"
        if expression.register == "pbr":
            return f"{expression.text} = ${registers.pc >> 16:02X}"
        value = getattr(registers, expression.register)
        digits = 2 if expression.register in ("p", "dbr") else 4
        return f"{expression.text} = ${value:0{digits}X}"
    assert expression.address is not None
    if any(_in_io(expression.address + i) for i in range(expression.size)):
        shown = "(an I/O register: not read, reading may change it)"
    elif expression.size == 2:
        shown = f"${int.from_bytes(read(expression.address, 2), 'little'):04X}"
    else:
        shown = f"${read(expression.address, 1)[0]:02X}"
    if expression.text.startswith("["):
        return f"{expression.text} = {shown}"
    return f"{expression.text} = {format_address(expression.address)} [{shown}]"


def stack_lines(
    registers: Registers, read: Reader, labels: Mapping[int, str], count: int = STACK_BYTES
) -> list[str]:
    """The stack from S+1 up: one line a byte, or a return address (named by the label at
    or before it) where a JSR or JSL left one."""
    first = (registers.s + 1) & 0xFFFF
    # page 1 in emulation mode; a stack in the on-chip RAM ends there too
    top = 0x01FF if registers.e or registers.s <= 0x01FF else 0xFFFF
    count = max(0, min(count, top - first + 1))
    data = read(first, count) if count else b""
    bank = registers.pc & 0xFF0000
    lines: list[str] = []
    i = 0
    while i < len(data):
        where = first + i
        back = _return_at(data, i, bank, read)
        if back is not None:
            size, target, call = back
            shown = " ".join(f"{b:02X}" for b in data[i : i + size])
            lines.append(
                f"{format_address(where)}  {shown:<9} return to {format_address(target)}"
                f"{_name(target, labels)} ({call})"
            )
            i += size
            continue
        lines.append(f"{format_address(where)}  {data[i]:02X}")
        i += 1
    return lines


def _return_at(data: bytes, i: int, bank: int, read: Reader) -> tuple[int, int, str] | None:
    """(bytes, return address, "jsl"/"jsr") when the bytes at `i` are a return address whose
    code just before is the call that pushed it."""
    if i + 3 <= len(data):
        pushed = data[i] | data[i + 1] << 8 | data[i + 2] << 16
        target = pushed + 1
        if target & 0xFFFF >= 3 and target <= 0xFFFFFF and _opcode(read, target - 4) == JSL_OPCODE:
            return 3, target, "jsl"
    if i + 2 <= len(data):
        pushed = data[i] | data[i + 1] << 8
        target = bank | (pushed + 1) & 0xFFFF
        if pushed >= 2 and _opcode(read, target - 3) in JSR_OPCODES:
            return 2, target, "jsr"
    return None


def _in_io(address: int) -> bool:
    """True in the I/O window, which is never read: reading a register may change it."""
    return IO_FIRST <= address <= IO_LAST


def _opcode(read: Reader, address: int) -> int | None:
    if not 0 <= address <= 0xFFFFFF or _in_io(address):
        return None
    data = read(address, 1)
    return data[0] if data else None


def _name(address: int, labels: Mapping[int, str]) -> str:
    """` loop+3`: the nearest label at or before `address` in its bank, or ""."""
    best = max(
        (a for a in labels if a <= address and a >> 16 == address >> 16),
        default=None,
    )
    if best is None or address - best > 0xFF:
        return ""
    offset = address - best
    return f" {labels[best]}" + (f"+{offset}" if offset else "")

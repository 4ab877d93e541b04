"""The 65C816's arithmetic and logic, one snippet per operation and width.

Flags are kept lazily in the generated core: `fz` is zero exactly when Z is set; N is bit 7 of
`fn` (8-bit results store the result, 16-bit ones its high byte); `fv` is truthy when V is
set; `fc` is the int 0 or 1, never a bool; `fd` and `fi` are 0 or their bit of P (8 and 4),
so that P is a sum of disjoint bits: CPython specialises `+` for ints (not `|`, and not for a
bool), and a compare that picks 1 or 0 is cheaper than one that makes a bool.

Read operations take the operand in `v` and update registers and flags; modify operations
(shifts, INC/DEC, TSB/TRB) turn `v` into the value to write back. Decimal-mode ADC/SBC call
`add_decimal`/`subtract_decimal`, plain functions here, since BCD is the rare path.
"""

from __future__ import annotations


def nz(var: str, bits: int) -> str:
    """Set N and Z from a result held in `var`."""
    return f"fn = fz = {var}" if bits == 8 else f"fz = {var}; fn = {var} >> 8"


def width_bits(m8: bool, x8: bool) -> int:
    """P's M and X bits for known widths (both set in emulation mode)."""
    return (0x20 if m8 else 0) | (0x10 if x8 else 0)


def status(widths: str) -> str:
    """P as one expression, its M and X bits given by `widths` (an expression, or a
    constant in a handler where they are known)."""
    return f"(fn & 0x80) + (0x40 if fv else 0) + fd + fi + (0 if fz else 2) + fc + ({widths})"


def unpack_status(var: str) -> list[str]:
    """Lines setting every flag of P but M and X from `var`."""
    return [
        f"fn = {var}",
        f"fv = {var} & 0x40",
        f"fd = {var} & 8",
        f"fi = {var} & 4",
        f"fz = 0 if {var} & 2 else 1",
        f"fc = {var} & 1",
        "if irq and not fi:  # a held IRQ line is unmasked: look before the next instruction",
        "    attn = True",
    ]


def set_status(var: str, m8: bool, x8: bool, emulation: bool) -> list[str]:
    """Lines setting P from `var` in a handler where M and X are known: the flags are
    unpacked in place; only a change of width calls the core's `set_p`, which also masks X
    and Y and swaps the dispatch tables. In emulation mode M and X stay set whatever `var`."""
    flags = unpack_status(var)
    if emulation:
        return flags
    widths = width_bits(m8, x8)
    return [
        f"if ({var} & 0x30) != {widths:#04x}:",
        f"    set_p({var})",
        "else:",
        *(f"    {line}" for line in flags),
    ]


def _set_acc(value: str, bits: int) -> str:
    return f"a = (a & 0xFF00) + {value}" if bits == 8 else f"a = {value}"


def read_op(mnemonic: str, bits: int) -> list[str]:
    """Lines applying read operation `mnemonic` (lda, adc, cmp, ldx, ...) to operand `v`."""
    mask = 0xFF if bits == 8 else 0xFFFF
    low = "(a & 0xFF)" if bits == 8 else "a"
    if mnemonic == "lda":
        return [_set_acc("v", bits), nz("v", bits)]
    if mnemonic in ("ldx", "ldy"):
        reg = mnemonic[2]
        return [f"{reg} = v", nz("v", bits)]
    if mnemonic == "and":
        return [f"a &= v | {0xFFFF ^ mask:#x}", "r = " + low, nz("r", bits)]
    if mnemonic == "ora":
        return ["a |= v", "r = " + low, nz("r", bits)]
    if mnemonic == "eor":
        return ["a ^= v", "r = " + low, nz("r", bits)]
    if mnemonic in ("cmp", "cpx", "cpy"):
        reg = {"cmp": low, "cpx": "x", "cpy": "y"}[mnemonic]
        return [f"r = {reg} - v", "fc = 1 if r >= 0 else 0", f"r &= {mask:#x}", nz("r", bits)]
    if mnemonic == "bit":
        sign = 0x80 if bits == 8 else 0x8000
        return ["fz = a & v", f"fn = v >> {bits - 8}", f"fv = v & {sign >> 1:#x}"]
    if mnemonic in ("adc", "sbc"):
        sign = 0x80 if bits == 8 else 0x8000
        decimal = "add_decimal" if mnemonic == "adc" else "subtract_decimal"
        lines = [] if mnemonic == "adc" else [f"v ^= {mask:#x}"]
        return [
            *lines,
            "if fd:",
            f"    r, fc, fv = {decimal}({low}, v, fc, {bits})",
            "else:",
            f"    r = {low} + v + fc",
            f"    fv = ({low} ^ r) & (v ^ r) & {sign:#x}",
            f"    fc = 1 if r > {mask:#x} else 0",
            f"    r &= {mask:#x}",
            _set_acc("r", bits),
            nz("r", bits),
        ]
    raise ValueError(f"no read operation {mnemonic!r}")


def bit_immediate(bits: int) -> list[str]:
    """BIT #imm changes only Z."""
    return ["fz = a & v"] if bits == 16 else ["fz = a & v & 0xFF"]


def modify_op(mnemonic: str, bits: int) -> list[str]:
    """Lines turning `v` into the result of read-modify-write operation `mnemonic`."""
    mask = 0xFF if bits == 8 else 0xFFFF
    top = bits - 1
    body = {
        "asl": [f"fc = v >> {top}", f"v = (v << 1) & {mask:#x}"],
        "lsr": ["fc = v & 1", "v >>= 1"],
        "rol": ["v = (v << 1) | fc", f"fc = v >> {bits}", f"v &= {mask:#x}"],
        "ror": [f"r = (v >> 1) | (fc << {top})", "fc = v & 1", "v = r"],
        "inc": [f"v = (v + 1) & {mask:#x}"],
        "dec": [f"v = (v - 1) & {mask:#x}"],
        "tsb": [f"fz = v & a & {mask:#x}", f"v |= a & {mask:#x}"],
        "trb": [f"fz = v & a & {mask:#x}", "v &= ~a"],
    }[mnemonic]
    if mnemonic in ("tsb", "trb"):
        return body  # these set only Z, from A AND memory
    return [*body, nz("v", bits)]


def add_decimal(acc: int, value: int, carry: int, bits: int) -> tuple[int, int, int]:
    """Decimal-mode ADC as the 65C816 does it, digit by digit, invalid digits included.

    Returns (result masked to `bits`, carry, overflow), overflow computed before the last
    digit's decimal adjust, as the chip does.
    """
    result = 0
    carry = 1 if carry else 0
    for shift in range(0, bits, 4):
        digit, below = 0xF << shift, (1 << shift) - 1
        result = (acc & digit) + (value & digit) + (carry << shift) + (result & below)
        if shift == bits - 4:
            break
        if result > (0x9 << shift) | below:
            result += 0x6 << shift
        carry = 1 if result > digit | below else 0
    sign = 1 << (bits - 1)
    overflow = ~(acc ^ value) & (acc ^ result) & sign
    if result > (0x9 << (bits - 4)) | ((1 << (bits - 4)) - 1):
        result += 0x6 << (bits - 4)
    mask = (1 << bits) - 1
    return result & mask, 1 if result > mask else 0, overflow


def subtract_decimal(acc: int, value: int, carry: int, bits: int) -> tuple[int, int, int]:
    """Decimal-mode SBC; `value` comes already inverted (SBC adds the complement)."""
    result = 0
    carry = 1 if carry else 0
    for shift in range(0, bits, 4):
        digit, below = 0xF << shift, (1 << shift) - 1
        result = (acc & digit) + (value & digit) + (carry << shift) + (result & below)
        if shift == bits - 4:
            break
        if result <= digit | below:
            result -= 0x6 << shift
        carry = 1 if result > digit | below else 0
    sign = 1 << (bits - 1)
    overflow = ~(acc ^ value) & (acc ^ result) & sign
    mask = (1 << bits) - 1
    if result <= mask:
        result -= 0x6 << (bits - 4)
    return result & mask, 1 if result > mask else 0, overflow

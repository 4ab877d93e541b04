"""Instruction handlers by how they touch memory, as generated Python source.

Each opcode row of `w65tool.isa.OPCODES` is bound here to one family (read, write, modify,
program counter, other) and, for the first three, to an ALU operation from `alu.py`; the
addressing mode comes from the row, the wrap rules from `access.py`. `handler_body(op, w)`
gives the straight-line body of the handler for one register-width state: it leaves PC on
the next instruction and returns the instruction's cycle count (datasheet base cycles from
the opcode table plus the conditional ones: 16-bit data, DL != 0, page crossing, branches).
"""

from __future__ import annotations

from collections.abc import Callable

from w65tool.cpu.access import (
    DIRECT_ZERO_FROM,
    HandlerKey,
    advance,
    direct,
    direct_new,
    direct_page,
    direct_x_pointer_high,
    dl_cycle,
    fetch,
    fetch_byte,
    fix_stack,
    index_cycle,
    pull,
    pull_new,
    push,
    push_new,
    read,
    write,
)
from w65tool.cpu.alu import (
    bit_immediate,
    modify_op,
    nz,
    read_op,
    set_status,
    status,
    width_bits,
)
from w65tool.isa import Opcode

INDEX_OPS = frozenset({"ldx", "ldy", "cpx", "cpy", "stx", "sty"})
READ_OPS = frozenset({"lda", "ldx", "ldy", "adc", "sbc", "and", "ora", "eor", "cmp", "cpx"})
READ_OPS |= {"cpy", "bit"}
WRITE_OPS = frozenset({"sta", "stx", "sty", "stz"})
MODIFY_OPS = frozenset({"asl", "lsr", "rol", "ror", "inc", "dec", "tsb", "trb"})


def _bits(op: Opcode, w: HandlerKey) -> int:
    """Operand width of a data instruction: X decides for index registers, M for the rest."""
    eight = w.widths.x8 if op.mnemonic in INDEX_OPS else w.widths.m8
    return 8 if eight else 16


D_CHANGED = [f"if (kstate >= {DIRECT_ZERO_FROM}) == (d != 0):", "    select()"]
"""After TCD and PLD: when D = 0 or not no longer matches the dispatch tables (`KEYS`), pick
the others."""


def _cycles(base: int, extras: list[str]) -> str:
    """The cycle-count expression: `base` plus extras, each a number or a condition that
    adds one cycle when true."""
    fixed = base + sum(int(extra) for extra in extras if extra.isdigit())
    conditions = [extra for extra in extras if not extra.isdigit()]
    if not conditions:
        return str(fixed)
    if len(conditions) == 1:
        return f"{fixed + 1} if {conditions[0]} else {fixed}"
    return " + ".join([str(fixed), *(f"(1 if {c} else 0)" for c in conditions)])


def locate(mode: str, w: HandlerKey, wide: bool, is_read: bool) -> tuple[list[str], list[str], str]:
    """Lines leaving the effective address in `ea` (and the next byte's in `ea2` when `wide`),
    the conditional cycle terms of the mode, and `ea`'s page when it is known ("0"), else
    ""."""
    lines: list[str] = []
    extras: list[str] = []
    page = ""
    second = "ea2 = (ea + 1) & 0xFFFFFF"  # data-bank and long addresses carry across banks
    if mode in ("dp", "dp_x", "dp_y"):
        offset = {"dp": "o", "dp_x": "o + x", "dp_y": "o + y"}[mode]
        lines += [*fetch("o", 1, w), f"ea = {direct(offset, w)}"]
        second = f"ea2 = {direct(offset + ' + 1', w)}"
        extras += dl_cycle(w)
        page = direct_page(offset, w)
    elif mode in ("dp_ind", "dp_x_ind", "dp_ind_y"):
        lines += fetch("o", 1, w)
        if mode == "dp_x_ind":
            zero = direct_page("o + x", w)
            lines += [f"q = {direct('o + x', w)}", *read("p", "q", zero)]
            lines += read("u", direct_x_pointer_high("q", w), zero)
        else:
            lines += read("p", direct("o", w), direct_page("o", w))
            lines += read("u", direct("o + 1", w), direct_page("o + 1", w))
        lines.append("p |= u << 8")
        if mode == "dp_ind_y":
            lines.append("ea = (db + p + y) & 0xFFFFFF")
            if is_read:
                extras.append(index_cycle("p", "y", w))
        else:
            lines.append("ea = db + p")
        extras += dl_cycle(w)
    elif mode in ("dp_lind", "dp_lind_y"):
        lines += fetch("o", 1, w)
        lines += read("p", direct_new("o", w))
        lines += read("u", direct_new("o + 1", w))
        lines.append("p |= u << 8")
        lines += read("u", direct_new("o + 2", w))
        lines.append("p |= u << 16")
        lines.append("ea = p" if mode == "dp_lind" else "ea = (p + y) & 0xFFFFFF")
        extras += dl_cycle(w)
    elif mode in ("abs", "abs_x", "abs_y"):
        lines += fetch("o", 2, w)
        if mode == "abs":
            lines.append("ea = db + o")
        else:
            index = mode[-1]
            lines.append(f"ea = (db + o + {index}) & 0xFFFFFF")
            if is_read:
                extras.append(index_cycle("o", index, w))
    elif mode in ("long", "long_x"):
        lines += fetch("o", 3, w)
        lines.append("ea = o" if mode == "long" else "ea = (o + x) & 0xFFFFFF")
    elif mode == "sr":
        lines += [*fetch("o", 1, w), "ea = (s + o) & 0xFFFF"]
        second = "ea2 = (s + o + 1) & 0xFFFF"  # the stack is in bank 0
    elif mode == "sr_ind_y":
        lines += fetch("o", 1, w)
        lines += read("p", "(s + o) & 0xFFFF")
        lines += read("u", "(s + o + 1) & 0xFFFF")
        lines += ["p |= u << 8", "ea = (db + p + y) & 0xFFFFFF"]
    else:
        raise ValueError(f"no data addressing mode {mode!r}")
    if wide:
        lines.append(second)
    return lines, extras, page


def read_family(op: Opcode, w: HandlerKey) -> list[str]:
    """Loads, arithmetic, logic, compares and BIT: fetch an operand, apply the ALU."""
    bits = _bits(op, w)
    size = op.length(w.widths.m8, w.widths.x8)
    extras = ["1"] if bits == 16 else []
    if op.mode.name in ("imm_m", "imm_x"):
        lines = fetch("v", size - 1, w)
        alu = bit_immediate(bits) if op.mnemonic == "bit" else read_op(op.mnemonic, bits)
    else:
        lines, more, page = locate(op.mode.name, w, bits == 16, is_read=True)
        lines += read("v", "ea", page)
        if bits == 16:
            lines += [*read("u", "ea2"), "v |= u << 8"]
        extras += more
        alu = read_op(op.mnemonic, bits)
    return [*lines, *alu, advance(size, w), f"return {_cycles(op.cycles, extras)}"]


def write_family(op: Opcode, w: HandlerKey) -> list[str]:
    """Stores: STA, STX, STY, STZ."""
    bits = _bits(op, w)
    source = {"sta": "a", "stx": "x", "sty": "y", "stz": "0"}[op.mnemonic]
    lines, extras, page = locate(op.mode.name, w, bits == 16, is_read=False)
    if source == "0":
        low, high = "0", "0"
    elif source == "a" or bits == 16:
        low, high = f"{source} & 0xFF", f"{source} >> 8"
    else:
        low, high = source, ""  # an 8-bit index register has no high byte
    lines += write("ea", low, page)
    if bits == 16:
        lines += write("ea2", high)
        extras.insert(0, "1")
    return [*lines, advance(op.size, w), f"return {_cycles(op.cycles, extras)}"]


def modify_family(op: Opcode, w: HandlerKey) -> list[str]:
    """Read-modify-write: shifts, rotates, INC, DEC, TSB, TRB, on A or memory."""
    bits = 8 if w.widths.m8 else 16
    if op.mode.name == "acc":
        take = "v = a & 0xFF" if bits == 8 else "v = a"
        put = "a = (a & 0xFF00) + v" if bits == 8 else "a = v"
        return [take, *modify_op(op.mnemonic, bits), put, advance(1, w), f"return {op.cycles}"]
    lines, extras, page = locate(op.mode.name, w, bits == 16, is_read=False)
    lines += read("v", "ea", page)
    if bits == 16:
        lines += [*read("u", "ea2"), "v |= u << 8"]
        extras.insert(0, "2")
    lines += modify_op(op.mnemonic, bits)
    if bits == 16:  # the high byte is written first
        lines += write("ea2", "v >> 8")
        lines += write("ea", "v & 0xFF", page)
    else:
        lines += write("ea", "v", page)
    return [*lines, advance(op.size, w), f"return {_cycles(op.cycles, extras)}"]


BRANCH_TAKEN = {
    "bpl": "not fn & 0x80",
    "bmi": "fn & 0x80",
    "bvc": "not fv",
    "bvs": "fv",
    "bcc": "not fc",
    "bcs": "fc",
    "bne": "fz",
    "beq": "not fz",
    "bra": "True",
}


def _branch(op: Opcode, w: HandlerKey) -> list[str]:
    jump = [
        "n = (pc + SIGNED[o]) & 0xFFFF",  # SIGNED: the offset byte as a signed number
        # Emulation mode only: a taken branch that crosses a page costs one more cycle.
        "c = 4 if (n ^ pc) > 0xFF else 3" if w.widths.emulation else "c = 3",
        "pc = n",
        "return c",
    ]
    if w.inline:  # the offset is read only when the branch is taken
        lines, jump = [advance(2, w)], [*fetch("o", 1, w), *jump]
    else:
        lines = [*fetch("o", 1, w), advance(2, w)]
    if op.mnemonic == "bra":
        return [*lines, *jump]
    return [*lines, f"if {BRANCH_TAKEN[op.mnemonic]}:", *(f"    {j}" for j in jump), "return 2"]


def pc_family(op: Opcode, w: HandlerKey) -> list[str]:
    """Branches, jumps, calls and returns."""
    name, mode = op.mnemonic, op.mode.name
    if name in BRANCH_TAKEN:
        return _branch(op, w)
    if name == "brl":
        return [*fetch("o", 2, w), "pc = (pc + 3 + o) & 0xFFFF", "return 4"]
    if (name, mode) == ("jmp", "abs"):
        return [*fetch("o", 2, w), "pc = o", "return 3"]
    if (name, mode) == ("jmp", "abs_ind"):  # the pointer is in bank 0
        return [
            *fetch("o", 2, w),
            *read("v", "o"),
            *read("u", "(o + 1) & 0xFFFF"),
            "pc = v | u << 8",
            "return 5",
        ]
    if (name, mode) == ("jmp", "abs_x_ind"):  # the pointer is in the program bank
        return [
            *fetch("o", 2, w),
            *read("v", "pb | ((o + x) & 0xFFFF)"),
            *read("u", "pb | ((o + x + 1) & 0xFFFF)"),
            "pc = v | u << 8",
            "return 6",
        ]
    if (name, mode) == ("jml", "long"):
        return [*fetch("o", 3, w), "pc = o & 0xFFFF", "pb = o & 0xFF0000", "return 4"]
    if (name, mode) == ("jml", "abs_lind"):
        return [
            *fetch("o", 2, w),
            *read("v", "o"),
            *read("u", "(o + 1) & 0xFFFF"),
            "pc = v | u << 8",
            *read("u", "(o + 2) & 0xFFFF"),
            "pb = u << 16",
            "return 6",
        ]
    if (name, mode) == ("jsr", "abs"):
        return [
            *fetch("o", 2, w),
            "r = (pc + 2) & 0xFFFF",  # the return address is the call's last byte
            *push("r >> 8", w),
            *push("r & 0xFF", w),
            "pc = o",
            "return 6",
        ]
    if (name, mode) == ("jsr", "abs_x_ind"):
        # The chip pushes the return address between the two operand fetches.
        return [
            *fetch("o", 1, w),
            "r = (pc + 2) & 0xFFFF",
            *push_new("r >> 8"),
            *push_new("r & 0xFF"),
            *fetch_byte("u", 2, w),
            "o |= u << 8",
            *read("v", "pb | ((o + x) & 0xFFFF)"),
            *read("u", "pb | ((o + x + 1) & 0xFFFF)"),
            "pc = v | u << 8",
            *fix_stack(w),
            "return 8",
        ]
    if name == "jsl":
        # PBR is pushed before the bank byte of the target is fetched.
        return [
            *fetch("o", 2, w),
            *push_new("pb >> 16"),
            *fetch_byte("u", 3, w),
            "r = (pc + 3) & 0xFFFF",
            *push_new("r >> 8"),
            *push_new("r & 0xFF"),
            "pc = o",
            "pb = u << 16",
            *fix_stack(w),
            "return 8",
        ]
    if name == "rts":
        return [*pull("v", w), *pull("u", w), "pc = ((v | u << 8) + 1) & 0xFFFF", "return 6"]
    if name == "rtl":
        return [
            *pull_new("v"),
            *pull_new("u"),
            "pc = ((v | u << 8) + 1) & 0xFFFF",
            *pull_new("u"),
            "pb = u << 16",
            *fix_stack(w),
            "return 6",
        ]
    if name == "rti":
        lines = [*pull("v", w), *_set_status("v", w), *pull("v", w), *pull("u", w)]
        lines.append("pc = v | u << 8")
        if w.widths.emulation:
            return [*lines, "return 6"]
        return [*lines, *pull("u", w), "pb = u << 16", "return 7"]
    raise ValueError(f"no program-counter instruction {name} {mode}")


def _status(w: HandlerKey) -> str:
    """P in a handler specialised on `w` (M and X are constants there)."""
    return status(f"{width_bits(w.widths.m8, w.widths.x8):#04x}")


def _set_status(var: str, w: HandlerKey) -> list[str]:
    """Set P from `var` in a handler specialised on `w`."""
    return set_status(var, w.widths.m8, w.widths.x8, w.widths.emulation)


def _push_register(value: str, wide: bool, w: HandlerKey, cycles: int) -> list[str]:
    lines = [*push(f"{value} >> 8", w), *push(f"{value} & 0xFF", w)] if wide else push(value, w)
    return [*lines, advance(1, w), f"return {cycles + wide}"]


def _pull_register(reg: str, wide: bool, w: HandlerKey, cycles: int) -> list[str]:
    if wide:
        lines = [*pull("v", w), *pull("u", w), "v |= u << 8", f"{reg} = v", nz("v", 16)]
    else:
        put = "a = (a & 0xFF00) + v" if reg == "a" else f"{reg} = v"
        lines = [*pull("v", w), put, nz("v", 8)]
    return [*lines, advance(1, w), f"return {cycles + wide}"]


def _transfer(source: str, dest: str, bits: int) -> list[str]:
    """TAX-style transfer: `bits` is the destination's width."""
    if bits == 16:
        return [f"{dest} = {source}", nz(dest, 16)]
    if dest == "a":
        return [f"v = {source} & 0xFF", "a = (a & 0xFF00) + v", nz("v", 8)]
    return [f"{dest} = {source} & 0xFF", nz(dest, 8)]


FLAG_OPS = {
    "clc": "fc = 0",
    "sec": "fc = 1",
    "cli": "fi = 0; attn = attn or irq",  # a held IRQ line is now unmasked
    "sei": "fi = 4",
    "cld": "fd = 0",
    "sed": "fd = 8",
    "clv": "fv = 0",
}


def other_family(op: Opcode, w: HandlerKey) -> list[str]:
    """Everything else: stack, flags, transfers, interrupts, block moves, WAI/STP/WDM."""
    name = op.mnemonic
    m16, x16 = not w.widths.m8, not w.widths.x8
    xbits = 16 if x16 else 8
    done = [advance(op.size, w), f"return {op.cycles}"]
    if name in FLAG_OPS:
        return [FLAG_OPS[name], *done]
    if name in ("brk", "cop"):
        # The signature byte is skipped; the pushed status has B set in emulation mode.
        enter = "enter_e" if w.widths.emulation else "enter_n"
        pushed = _status(w)
        return [*fetch("o", 1, w), f"return {enter}({name!r}, (pc + 2) & 0xFFFF, {pushed})"]
    if name == "wdm":
        # The hook runs with PC past both bytes and the two cycles counted; it may change
        # registers, PC and the cycle count, so the handler returns what the count moved
        # by in all (from where it was, as its callers add the return value themselves).
        return [
            *fetch("o", 1, w),
            advance(2, w),
            "hook = cpu.wdm_hook",
            "if hook is None:",
            "    return 2",
            "c = cyc",
            "cyc = c + 2",
            "hook(o)",
            "suspect_all()  # the hook may have written memory",
            "n = cyc - c",
            "cyc = c",
            "return n",
        ]
    if name == "nop":
        return done
    if name == "php":
        return _push_register(_status(w), False, w, op.cycles)
    if name == "plp":
        return [*pull("v", w), *_set_status("v", w), *done]
    if name == "pha":
        return _push_register("a" if m16 else "a & 0xFF", m16, w, op.cycles)
    if name in ("phx", "phy"):
        return _push_register(name[2], x16, w, op.cycles)
    if name == "pla":
        return _pull_register("a", m16, w, op.cycles)
    if name in ("plx", "ply"):
        return _pull_register(name[2], x16, w, op.cycles)
    if name == "phb":
        return _push_register("db >> 16", False, w, op.cycles)
    if name == "phk":
        return _push_register("pb >> 16", False, w, op.cycles)
    if name == "plb":
        # A 65816 instruction: in emulation mode it pulls from above page 1 (S = $01FF reads
        # $0200), then S returns to page 1.
        return [*pull_new("v"), "db = v << 16", nz("v", 8), *fix_stack(w), *done]
    if name == "phd":
        return [*push_new("d >> 8"), *push_new("d & 0xFF"), *fix_stack(w), *done]
    if name == "pld":
        return [
            *pull_new("v"),
            *pull_new("u"),
            "d = v | u << 8",
            nz("d", 16),
            *D_CHANGED,
            *fix_stack(w),
            *done,
        ]
    if name == "pea":
        return [*fetch("o", 2, w), *push_new("o >> 8"), *push_new("o & 0xFF"), *fix_stack(w), *done]
    if name == "pei":
        return [
            *fetch("o", 1, w),
            *read("v", direct_new("o", w)),
            *read("u", direct_new("o + 1", w)),
            *push_new("u"),
            *push_new("v"),
            *fix_stack(w),
            advance(2, w),
            f"return {_cycles(op.cycles, dl_cycle(w))}",
        ]
    if name == "per":
        return [
            *fetch("o", 2, w),
            "v = (pc + 3 + o) & 0xFFFF",
            *push_new("v >> 8"),
            *push_new("v & 0xFF"),
            *fix_stack(w),
            *done,
        ]
    if name == "rep":
        return [*fetch("o", 1, w), f"set_p(({_status(w)}) & ~o)", *done]
    if name == "sep":
        return [*fetch("o", 1, w), f"set_p({_status(w)} | o)", *done]
    if name == "xce":
        return ["exchange_ce()", *done]
    if name == "xba":
        return ["a = ((a >> 8) | (a << 8)) & 0xFFFF", "v = a & 0xFF", nz("v", 8), *done]
    transfers = {
        "tax": ("a", "x", xbits),
        "tay": ("a", "y", xbits),
        "txa": ("x", "a", 16 if m16 else 8),
        "tya": ("y", "a", 16 if m16 else 8),
        "txy": ("x", "y", xbits),
        "tyx": ("y", "x", xbits),
        "tsx": ("s", "x", xbits),
        "tcd": ("a", "d", 16),
        "tdc": ("d", "a", 16),
        "tsc": ("s", "a", 16),
    }
    if name in transfers:
        moved = _transfer(*transfers[name])
        return [*moved, *(D_CHANGED if name == "tcd" else []), *done]
    if name == "tcs":
        return ["s = 0x100 | (a & 0xFF)" if w.widths.emulation else "s = a", *done]
    if name == "txs":
        return ["s = 0x100 | x" if w.widths.emulation else "s = x", *done]
    if name in ("inx", "iny", "dex", "dey"):
        reg, step = name[2], "+" if name[0] == "i" else "-"
        mask = "0xFFFF" if x16 else "0xFF"
        return [f"{reg} = ({reg} {step} 1) & {mask}", nz(reg, xbits), *done]
    if name in ("mvn", "mvp"):
        # One byte per execution; PC stays on the instruction until A wraps to $FFFF.
        step = "+" if name == "mvn" else "-"
        mask = "0xFFFF" if x16 else "0xFF"
        return [
            *fetch("o", 2, w),
            "db = (o & 0xFF) << 16",
            *read("v", "(o & 0xFF00) << 8 | x"),
            *write("db | y", "v"),
            f"x = (x {step} 1) & {mask}",
            f"y = (y {step} 1) & {mask}",
            "a = (a - 1) & 0xFFFF",
            "if a == 0xFFFF:",
            "    " + advance(3, w),
            "return 7",
        ]
    if name == "wai":
        return ["waiting = attn = True", *done]
    if name == "stp":
        return ["stopped = attn = True", *done]
    raise ValueError(f"no handler for {name}")


FAMILIES: dict[str, Callable[[Opcode, HandlerKey], list[str]]] = {}
for _names, _family in (
    (READ_OPS, read_family),
    (WRITE_OPS, write_family),
    (MODIFY_OPS, modify_family),
    (set(BRANCH_TAKEN) | {"brl", "jmp", "jml", "jsr", "jsl", "rts", "rtl", "rti"}, pc_family),
):
    FAMILIES.update(dict.fromkeys(_names, _family))


def handler_body(op: Opcode, w: HandlerKey) -> list[str]:
    """Source lines of the handler of opcode row `op` in width state `w`."""
    return FAMILIES.get(op.mnemonic, other_family)(op, w)

"""Encoding: one instruction statement to its bytes, with the address size and immediate
width it takes, and the opcode facts the encoder reads (from `w65tool.isa`).

`Encoder` is a base of `passes.Assembler` and runs on its state: the address `pc`, the
registers the code runs with (`dpage`, `databank`, the widths in `state`), the symbols, and
`_emit`, `_error`, `_warn` for what it writes and says.
"""

from __future__ import annotations

from w65tool import isa, widths
from w65tool.asm.diagnostics import Note
from w65tool.asm.expr import Binary, Expr, Sym, evaluate
from w65tool.asm.statements import Instruction

# Addressing families: the direct-page, absolute and long modes an operand shape can take.
FAMILIES: dict[str, tuple[str | None, str | None, str | None]] = {
    "addr": ("dp", "abs", "long"),
    "addr_x": ("dp_x", "abs_x", "long_x"),
    "addr_y": ("dp_y", "abs_y", None),
    "addr_s": ("sr", None, None),
    "ind": ("dp_ind", "abs_ind", None),
    "ind_x": ("dp_x_ind", "abs_x_ind", None),
    "ind_y": ("dp_ind_y", None, None),
    "sr_ind_y": ("sr_ind_y", None, None),
    "lind": ("dp_lind", "abs_lind", None),
    "lind_y": ("dp_lind_y", None, None),
}
SHAPE_TEXT = {
    "none": "no operand",
    "acc": "accumulator (a)",
    "imm": "immediate (#e)",
    "imm_pair": "block move (#src,#dst)",
    "pair": "two-operand (e,e)",
    "addr": "address (e)",
    "addr_x": "indexed (e,x)",
    "addr_y": "indexed (e,y)",
    "addr_s": "stack relative (e,s)",
    "ind": "indirect ((e))",
    "ind_x": "indexed indirect ((e,x))",
    "ind_y": "indirect indexed ((e),y)",
    "sr_ind_y": "stack relative indirect ((e,s),y)",
    "lind": "indirect long ([e])",
    "lind_y": "indirect long indexed ([e],y)",
}
RANK_NAME = ("direct page", "absolute", "long")
_BYTE = [bytes((b,)) for b in range(256)]  # one-byte instructions, built once
FORCE_RANK = {"dp": 0, "abs": 1, "long": 2}
SUFFIX_RANK = {"b": 0, "w": 1, "l": 2}


def _opcodes() -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for op in isa.OPCODES:
        table.setdefault(op.mnemonic, {})[op.mode.name] = op.code
    # WDC spellings that name another mnemonic's opcode: jmp/jsr to a long address, jmp [a]
    table["jmp"]["long"] = isa.BY_MNEMONIC_MODE[("jml", "long")].code
    table["jmp"]["abs_lind"] = isa.BY_MNEMONIC_MODE[("jml", "abs_lind")].code
    table["jsr"]["long"] = isa.BY_MNEMONIC_MODE[("jsl", "long")].code
    return table


OPCODES = _opcodes()
# The ranks (0 direct page, 1 absolute, 2 long) each (mnemonic, operand shape) can take.
_AVAIL: dict[tuple[str, str], tuple[int, ...]] = {}
BRANCHES = frozenset(o.mnemonic for o in isa.OPCODES if o.mode.name in ("rel8", "rel16"))
JUMPS = frozenset({"jmp", "jml", "jsr", "jsl"})
_FITS = {1: (-0x80, 0xFF), 2: (-0x8000, 0xFFFF), 3: (-0x800000, 0xFFFFFF)}


def hex_text(value: int) -> str:
    """A value as diagnostics write it: $12, $1234, $123456 (negative: in decimal)."""
    if value < 0:
        return str(value)
    return (
        f"${value:02X}"
        if value <= 0xFF
        else (f"${value:04X}" if value <= 0xFFFF else f"${value:06X}")
    )


def fits(value: int, size: int) -> bool:
    """Whether `value` can be written in `size` bytes (signed or unsigned)."""
    if size >= 8:
        return -(1 << 63) <= value < (1 << 64)
    lo, hi = _FITS.get(size, (-(1 << (8 * size - 1)), (1 << (8 * size)) - 1))
    return lo <= value <= hi


class Encoder:
    """Instructions to bytes (a base of the assembler)."""

    def _instruction(self, st: Instruction) -> None:
        mnemonic = st.mnemonic
        op = st.operand
        shape = op.shape
        modes = OPCODES[mnemonic]
        state = self.state
        i = self.i
        self.states[i] = state
        self.here = self.pc
        value: int | None = None
        if shape == "none" or shape == "acc":
            self._implied(st, modes)
        elif shape == "imm":
            value = self._immediate(st, modes, state)
        elif shape == "pair" or shape == "imm_pair":
            self._block_move(st, modes)
        elif mnemonic in BRANCHES:
            self._branch(st, modes, state)
        else:
            self._address(st, modes, state)
        if mnemonic in self.tracked:
            self.state = widths.after(state, mnemonic, value, i, self.php)
        self.fall = mnemonic not in widths.NO_FALL_THROUGH
        self.last_code = i

    def _bad_mode(self, st: Instruction) -> None:
        shapes = sorted(
            {
                isa.MODES[m].syntax.replace("{}", "e") or isa.MODES[m].description
                for m in OPCODES[st.mnemonic]
            }
        )
        col = st.operand.col or st.col
        self._error(
            f"'{st.mnemonic}' has no {SHAPE_TEXT[st.operand.shape]} addressing mode",
            col,
            [Note(f"'{st.mnemonic}' takes: {', '.join(shapes)}", None)],
        )

    def _implied(self, st: Instruction, modes: dict[str, int]) -> None:
        if st.operand.shape == "acc" and "acc" in modes:
            self._emit(_BYTE[modes["acc"]])
        elif "imp" in modes:
            self._emit(_BYTE[modes["imp"]])
        elif "acc" in modes:
            self._emit(_BYTE[modes["acc"]])
        elif st.mnemonic in ("brk", "wdm"):
            # naken_asm's form: the opcode alone (the CPU still skips a signature byte)
            self._emit(_BYTE[modes["imm8"]])
        else:
            self._error(f"'{st.mnemonic}' needs an operand", st.col + len(st.mnemonic))

    def _immediate(
        self, st: Instruction, modes: dict[str, int], state: widths.Tracked
    ) -> int | None:
        op = st.operand
        expr = op.exprs[0]
        value = expr if isinstance(expr, int) else expr.ev(self)  # `evaluate`, inlined
        mnemonic = st.mnemonic
        if mnemonic == "pea":
            return self._sized(modes["abs"], value, 2, op.col)
        for mode in ("imm_m", "imm_x"):
            if mode in modes:
                break
        else:
            if "imm8" in modes:
                if st.suffix in ("w", "l"):
                    self._error(f"'{mnemonic}' takes a one-byte operand", st.col)
                return self._sized(modes["imm8"], value, 1, op.col)
            self._bad_mode(st)
            return value
        reg = "A" if mode == "imm_m" else "X"
        known = state[widths.M if reg == "A" else widths.X]
        at = state[widths.M_AT if reg == "A" else widths.X_AT]
        if known is not None and not st.suffix and not self.dialect.fixed_immediates:
            bits = known  # what _immediate_bits decides for the common case, without the call
        else:
            bits = self._immediate_bits(st, reg, known, at)
        self._sized(modes[mode], value, bits // 8, op.col, reg, known, at)
        return value

    def _immediate_bits(self, st: Instruction, reg: str, known: int | None, at: int) -> int:
        suffix = st.suffix
        selector = st.operand.selector
        col = st.col
        if suffix == "l":
            self._error(f"an immediate is 8 or 16 bits: '{st.mnemonic}.l' has no meaning", col)
            return 16
        if self.dialect.fixed_immediates:
            bits = 8 if suffix == "b" or (selector and not suffix) else 16
            if known is not None and known != bits:
                self._warn(
                    "naken-width",
                    f"{reg} is {known}-bit here, but naken_asm assembles this immediate as "
                    f"{bits}-bit (write {st.mnemonic}.{'b' if known == 8 else 'w'})",
                    col,
                    self._width_notes(reg, known, at),
                )
            return bits
        if suffix:
            bits = 8 if suffix == "b" else 16
            if known is not None and known != bits:
                self._warn(
                    "width-override",
                    f"'.{suffix}' asks for a {bits}-bit immediate, but {reg} is {known}-bit here",
                    col,
                    self._width_notes(reg, known, at),
                )
            return bits
        if known is not None:
            return known
        bits = 8 if selector else 16
        directive = ".a16" if reg == "A" else ".i16"
        flag = "$20" if reg == "A" else "$10"
        self._warn(
            "unknown-width",
            f"the width of {reg} is not known here; assembled as {bits}-bit "
            f"(say it with {directive}/{directive[:-2]}8, 'rep #{flag}'/'sep #{flag}', "
            f"{st.mnemonic}.w/{st.mnemonic}.b, or --default-width)",
            col,
        )
        return bits

    def _width_notes(self, reg: str, known: int, at: int) -> list[Note]:
        self.cited_lines = True
        if at < 0:
            return [Note(f"{reg} is {known}-bit from the start (--default-width)", None)]
        return [self._note(f"{reg} became {known}-bit here", at, self._stmt_col(at))]

    def _stmt_col(self, i: int) -> int:
        pl = self.parsed[i]
        st = pl.statement if pl is not None else None
        return st.col if st is not None else 1

    def _sized(
        self,
        opcode: int,
        value: int | None,
        size: int,
        col: int,
        reg: str = "",
        known: int | None = None,
        at: int = -1,
    ) -> int | None:
        if value is None:
            self._emit(bytes((opcode,)) + bytes(size))
            return None
        if not fits(value, size):
            bits = size * 8
            if reg and known is not None:
                self._error(
                    f"immediate {hex_text(value)} does not fit in {bits} bits: "
                    f"{reg} is {bits}-bit here",
                    col,
                    self._width_notes(reg, known, at),
                )
            else:
                self._error(f"value {hex_text(value)} does not fit in {bits} bits", col)
        if size == 1:
            self._emit(bytes((opcode, value & 0xFF)))
        elif size == 2:
            self._emit(bytes((opcode, value & 0xFF, (value >> 8) & 0xFF)))
        else:
            self._emit(
                bytes((opcode,)) + (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
            )
        return value

    def _block_move(self, st: Instruction, modes: dict[str, int]) -> None:
        if "block" not in modes:
            self._bad_mode(st)
            return
        op = st.operand
        a = evaluate(op.exprs[0], self)
        b = evaluate(op.exprs[1], self)
        banks = []
        for v, e in ((a, op.exprs[0]), (b, op.exprs[1])):
            if v is None:
                banks.append(0)
            elif 0 <= v <= 0xFF:
                banks.append(v)
            elif 0 <= v <= 0xFFFFFF:
                banks.append(v >> 16)
            else:
                self._error(f"{hex_text(v)} is neither a bank nor a 24-bit address", e.col)
                banks.append(0)
        if op.shape == "pair" and self.dialect.written_mvn_order:
            first, second = banks  # naken_asm: the bytes in the order written
        else:
            src, dst = banks
            first, second = dst, src
            if (
                op.shape == "pair"
                and self.dialect.naken_warnings
                and a != b
                and max(a or 0, b or 0) <= 0xFF
            ):
                self._warn(
                    "mvn-order",
                    f"read in WDC order: source bank ${src:02X}, destination ${dst:02X} "
                    f"(naken_asm reads the destination first; write {st.mnemonic} "
                    f"#${src:02X},#${dst:02X} to say it plainly)",
                    op.col,
                )
        self._emit(bytes((modes["block"], first, second)))

    def _branch(self, st: Instruction, modes: dict[str, int], state: widths.Tracked) -> None:
        op = st.operand
        if op.shape != "addr":
            self._bad_mode(st)
            return
        target = op.exprs[0]
        if not isinstance(target, int):  # `evaluate`, inlined
            target = target.ev(self)
        pc = self.pc
        long = "rel16" in modes
        size = 3 if long else 2
        if target is None:
            self._emit(bytes((modes["rel16" if long else "rel8"],)) + bytes(size - 1))
            return
        if st.mnemonic != "per":
            self.targets[self.i] = target
            self.jumps_next.setdefault(target, []).append((state, self.i))
        # the CPU adds the offset to the 16-bit PC, wrapping within the bank: the reach is
        # measured around the bank (brl reaches all of it)
        offset = ((target - (pc + size) + 0x8000) & 0xFFFF) - 0x8000
        if (target >> 16) != (pc >> 16) or target < 0:
            self._error(
                f"branch target {hex_text(target)} is outside the current bank ${pc >> 16:02X}",
                op.col,
            )
        elif not long and not -128 <= offset <= 127:
            by = offset - 127 if offset > 127 else -128 - offset
            self._error(
                f"branch too far by {by} byte{'s' if by != 1 else ''} "
                f"({'forward' if offset > 0 else 'back'} {abs(offset)}; the reach is -128..+127)",
                op.col,
                [
                    Note(
                        "use brl, or branch on the opposite condition over a jmp",
                        None,
                    )
                ],
            )
        mode = "rel16" if long else "rel8"
        self._emit(
            bytes((modes[mode],))
            + (offset & (0xFFFF if long else 0xFF)).to_bytes(size - 1, "little")
        )

    def _address(self, st: Instruction, modes: dict[str, int], state: widths.Tracked) -> None:
        op = st.operand
        family = FAMILIES[op.shape]
        mnemonic = st.mnemonic
        avail = _AVAIL.get((mnemonic, op.shape))
        if avail is None:
            avail = _AVAIL[mnemonic, op.shape] = tuple(
                r for r in range(3) if family[r] is not None and family[r] in modes
            )
        if not avail:
            self._bad_mode(st)
            return
        expr = op.exprs[0]
        value = expr if isinstance(expr, int) else expr.ev(self)  # `evaluate`, inlined
        force = op.force
        if st.suffix:
            if force and FORCE_RANK[force] != SUFFIX_RANK[st.suffix]:
                self._error(
                    f"'.{st.suffix}' and the operand's prefix ask for different sizes", st.col
                )
            force = ("dp", "abs", "long")[SUFFIX_RANK[st.suffix]]
        if force:
            rank = FORCE_RANK[force]
            if rank not in avail:
                self._error(
                    f"'{mnemonic}' has no {RANK_NAME[rank]} form of {SHAPE_TEXT[op.shape]}", op.col
                )
                rank = avail[-1]
            elif value is not None and not self._reaches(rank, value, mnemonic, family[rank]):
                self._warn(
                    "truncated",
                    f"{hex_text(value)} does not fit the {RANK_NAME[rank]} form asked for; "
                    f"its low {8 * (rank + 1)} bits are used",
                    op.col,
                )
        else:
            floor = self.floor[self.i]
            if value is None:
                want = avail[0]
                if self.dialect.forward_absolute and 1 in avail:
                    want = 1  # naken_asm: a label not yet defined is taken as 16-bit
                elif want == 0 and 1 in avail:
                    low = self.forward.bound(expr, self.i, self.pc)
                    if low is not None and low > self.dpage + 0xFF:
                        want = 1  # it cannot be direct page: size it as it will end
            else:
                for want in avail:
                    if self._reaches(want, value, mnemonic, family[want]):
                        break
                else:
                    self._unreachable(st, value, avail)
                    want = avail[-1]
            if want == 0 and self.sizes_by_kind and 1 in avail and self._absolute_operand(expr):
                want = 1
            rank = avail[-1]
            for r in avail:
                if r >= want and r >= floor:
                    rank = r
                    break
            self.floor[self.i] = rank
            if (
                rank == 0
                and value is not None
                and 1 in avail
                and self.dialect.naken_warnings
                and not isinstance(expr, int)
                # the first pass knows only symbols defined above (outside nested scopes, the
                # very names `_forward` looks up): none is forward where the value is known
                and (self.count > 1 or len(self.chain) > 1)
                and self._forward(expr)
            ):
                self._warn(
                    "forward-dp",
                    f"forward reference assembled as direct page ({hex_text(value)}); naken_asm "
                    f"would use absolute (write {mnemonic}.b to say it, {mnemonic}.w for absolute)",
                    op.col,
                )
        mode = family[rank]
        assert mode is not None
        opcode = modes[mode]
        if (
            mnemonic in ("jmp", "jsr")
            and mode == "long"
            and not force
            and value is not None
            and self.dialect.warn_jump_long
        ):
            self._warn(
                "jump-long",
                f"{hex_text(value)} is outside bank ${self.pc >> 16:02X}: assembled as "
                f"{'jml' if mnemonic == 'jmp' else 'jsl'}",
                op.col,
            )
        if mnemonic in JUMPS and op.shape == "addr" and value is not None:
            self.targets[self.i] = value
            self.jumps_next.setdefault(value, []).append((state, self.i))
        v = 0 if value is None else value
        if rank == 0:
            operand = ((v - self.dpage) if op.shape not in ("addr_s", "sr_ind_y") else v) & 0xFF
            self._emit(bytes((opcode, operand)))
        elif rank == 1:
            self._emit(bytes((opcode, v & 0xFF, (v >> 8) & 0xFF)))
        else:
            self._emit(bytes((opcode, v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF)))

    def _absolute_operand(self, expr: Expr) -> bool:
        """Whether the dialect makes this operand absolute though its value is direct page:
        every operand without `<` (WDC); a label its segment places, outside the zero page
        and any `.org` (or a name set to one, plus or minus a constant) (ca65)."""
        dialect = self.dialect
        if dialect.bare_absolute:
            return True
        if not dialect.labels_absolute or isinstance(expr, int):
            return False
        e = expr
        while isinstance(e, Binary) and e.op in ("add", "sub"):
            e = e.b if e.op == "add" and isinstance(e.b, Sym) and not isinstance(e.a, Sym) else e.a
        if not isinstance(e, Sym):
            return False
        key = next((p + e.name for p in self.chain if p + e.name in self.kinds), None)
        if e.name[0] == "@":
            key = self._key(e.name)
        return key in self.relocatable

    def _reaches(self, rank: int, value: int, mnemonic: str, mode: str | None) -> bool:
        if value < 0:
            return False
        if rank == 0:
            if mode in ("sr", "sr_ind_y"):
                return value <= 0xFF
            return 0 <= value - self.dpage <= 0xFF and value <= 0xFFFF
        if rank == 1:
            if mode in ("abs_ind", "abs_lind"):
                return value <= 0xFFFF  # the pointer is read from bank 0
            if mnemonic in JUMPS:
                return (value >> 16) == (self.pc >> 16)
            if mnemonic == "pea":
                return value <= 0xFFFFFF  # a constant pushed, not read: its low 16 bits (ca65)
            return (value >> 16) == self.databank
        return value <= 0xFFFFFF

    def _unreachable(self, st: Instruction, value: int, avail: tuple[int, ...]) -> None:
        op = st.operand
        if value < 0 or value > 0xFFFFFF:
            self._error(f"address {hex_text(value)} is outside the 24-bit address space", op.col)
        elif avail == (0,):
            self._error(
                f"{hex_text(value)} is not in the direct page (D = {hex_text(self.dpage)}): "
                f"'{st.mnemonic}' has only a direct page form of {SHAPE_TEXT[op.shape]}",
                op.col,
            )
        else:
            self._error(
                f"{hex_text(value)} is not in data bank ${self.databank:02X}, and '{st.mnemonic}' "
                f"has no long form of {SHAPE_TEXT[op.shape]}",
                op.col,
                [Note("'.databank' tells the assembler the DBR value", None)],
            )

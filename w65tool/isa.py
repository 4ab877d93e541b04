"""The 65C816 instruction set: the one opcode table of w65.

Every consumer reads this module: the assembler picks an opcode by (mnemonic, mode), the
disassembler decodes by opcode, and the CPU binds each row to a family handler. Nothing else
in the package lists opcodes.

Facts per opcode: mnemonic, addressing mode, and base cycle count as printed in the WDC
W65C816S datasheet's opcode matrix (8-bit registers, direct page low byte zero, no page
crossing, branch not taken; the CPU adds the datasheet's conditional cycles itself).
Operand sizes come from the mode; immediate modes say which width flag (M or X) governs them.
"""

from __future__ import annotations

from enum import Enum


class Width(Enum):
    """What decides the byte count of an operand."""

    FIXED = "fixed"
    M = "m"  # 1 byte when the M flag is set (8-bit accumulator), else 2
    X = "x"  # 1 byte when the X flag is set (8-bit index registers), else 2


class Mode:
    """An addressing mode: its name, operand byte count and how it is written.

    One object per mode, built here and never changed.
    """

    __slots__ = ("description", "name", "size", "syntax", "width")
    name: str
    size: int  # operand bytes (for M/X immediates: the 8-bit size)
    width: Width
    syntax: str  # template; "{}" stands for the operand expression
    description: str

    def __init__(self, name: str, size: int, width: Width, syntax: str, description: str) -> None:
        self.name = name
        self.size = size
        self.width = width
        self.syntax = syntax
        self.description = description


def _mode(name: str, size: int, syntax: str, description: str, width: Width = Width.FIXED) -> Mode:
    return Mode(name, size, width, syntax, description)


MODES: dict[str, Mode] = {
    m.name: m
    for m in (
        _mode("imp", 0, "", "implied"),
        _mode("acc", 0, "", "accumulator"),
        _mode("imm_m", 1, "#{}", "immediate, width follows M", Width.M),
        _mode("imm_x", 1, "#{}", "immediate, width follows X", Width.X),
        _mode("imm8", 1, "#{}", "immediate byte (REP, SEP, COP, BRK and WDM signatures)"),
        _mode("dp", 1, "{}", "direct page"),
        _mode("dp_x", 1, "{},x", "direct page indexed by X"),
        _mode("dp_y", 1, "{},y", "direct page indexed by Y"),
        _mode("dp_ind", 1, "({})", "direct page indirect"),
        _mode("dp_x_ind", 1, "({},x)", "direct page indexed indirect"),
        _mode("dp_ind_y", 1, "({}),y", "direct page indirect indexed"),
        _mode("dp_lind", 1, "[{}]", "direct page indirect long"),
        _mode("dp_lind_y", 1, "[{}],y", "direct page indirect long indexed"),
        _mode("abs", 2, "{}", "absolute"),
        _mode("abs_x", 2, "{},x", "absolute indexed by X"),
        _mode("abs_y", 2, "{},y", "absolute indexed by Y"),
        _mode("abs_ind", 2, "({})", "absolute indirect (JMP)"),
        _mode("abs_x_ind", 2, "({},x)", "absolute indexed indirect (JMP, JSR)"),
        _mode("abs_lind", 2, "[{}]", "absolute indirect long (JML)"),
        _mode("long", 3, "{}", "absolute long"),
        _mode("long_x", 3, "{},x", "absolute long indexed by X"),
        _mode("sr", 1, "{},s", "stack relative"),
        _mode("sr_ind_y", 1, "({},s),y", "stack relative indirect indexed"),
        _mode("rel8", 1, "{}", "program counter relative"),
        _mode("rel16", 2, "{}", "program counter relative long"),
        _mode("block", 2, "{},{}", "block move (source bank, destination bank)"),
    )
}


class Opcode:
    """One row of the opcode matrix, built here and never changed."""

    __slots__ = ("code", "cycles", "mnemonic", "mode")
    code: int
    mnemonic: str  # lower case
    mode: Mode
    cycles: int  # datasheet base cycles (8-bit registers, DL = 0, no extras)

    def __init__(self, code: int, mnemonic: str, mode: Mode, cycles: int) -> None:
        self.code = code
        self.mnemonic = mnemonic
        self.mode = mode
        self.cycles = cycles

    @property
    def size(self) -> int:
        """Instruction length in bytes with 8-bit registers."""
        return 1 + self.mode.size

    def length(self, m8: bool, x8: bool) -> int:
        """Instruction length in bytes for the given register widths."""
        width = self.mode.width
        if (width is Width.M and not m8) or (width is Width.X and not x8):
            return 2 + self.mode.size
        return 1 + self.mode.size


# One row per opcode, eight to a line, as "mnemonic mode cycles".
_MATRIX = """
brk imm8 7      ora dp_x_ind 6  cop imm8 7      ora sr 4        tsb dp 5        ora dp 3        asl dp 5        ora dp_lind 6
php imp 3       ora imm_m 2     asl acc 2       phd imp 4       tsb abs 6       ora abs 4       asl abs 6       ora long 5
bpl rel8 2      ora dp_ind_y 5  ora dp_ind 5    ora sr_ind_y 7  trb dp 5        ora dp_x 4      asl dp_x 6      ora dp_lind_y 6
clc imp 2       ora abs_y 4     inc acc 2       tcs imp 2       trb abs 6       ora abs_x 4     asl abs_x 7     ora long_x 5
jsr abs 6       and dp_x_ind 6  jsl long 8      and sr 4        bit dp 3        and dp 3        rol dp 5        and dp_lind 6
plp imp 4       and imm_m 2     rol acc 2       pld imp 5       bit abs 4       and abs 4       rol abs 6       and long 5
bmi rel8 2      and dp_ind_y 5  and dp_ind 5    and sr_ind_y 7  bit dp_x 4      and dp_x 4      rol dp_x 6      and dp_lind_y 6
sec imp 2       and abs_y 4     dec acc 2       tsc imp 2       bit abs_x 4     and abs_x 4     rol abs_x 7     and long_x 5
rti imp 6       eor dp_x_ind 6  wdm imm8 2      eor sr 4        mvp block 7     eor dp 3        lsr dp 5        eor dp_lind 6
pha imp 3       eor imm_m 2     lsr acc 2       phk imp 3       jmp abs 3       eor abs 4       lsr abs 6       eor long 5
bvc rel8 2      eor dp_ind_y 5  eor dp_ind 5    eor sr_ind_y 7  mvn block 7     eor dp_x 4      lsr dp_x 6      eor dp_lind_y 6
cli imp 2       eor abs_y 4     phy imp 3       tcd imp 2       jml long 4      eor abs_x 4     lsr abs_x 7     eor long_x 5
rts imp 6       adc dp_x_ind 6  per rel16 6     adc sr 4        stz dp 3        adc dp 3        ror dp 5        adc dp_lind 6
pla imp 4       adc imm_m 2     ror acc 2       rtl imp 6       jmp abs_ind 5   adc abs 4       ror abs 6       adc long 5
bvs rel8 2      adc dp_ind_y 5  adc dp_ind 5    adc sr_ind_y 7  stz dp_x 4      adc dp_x 4      ror dp_x 6      adc dp_lind_y 6
sei imp 2       adc abs_y 4     ply imp 4       tdc imp 2       jmp abs_x_ind 6 adc abs_x 4     ror abs_x 7     adc long_x 5
bra rel8 3      sta dp_x_ind 6  brl rel16 4     sta sr 4        sty dp 3        sta dp 3        stx dp 3        sta dp_lind 6
dey imp 2       bit imm_m 2     txa imp 2       phb imp 3       sty abs 4       sta abs 4       stx abs 4       sta long 5
bcc rel8 2      sta dp_ind_y 6  sta dp_ind 5    sta sr_ind_y 7  sty dp_x 4      sta dp_x 4      stx dp_y 4      sta dp_lind_y 6
tya imp 2       sta abs_y 5     txs imp 2       txy imp 2       stz abs 4       sta abs_x 5     stz abs_x 5     sta long_x 5
ldy imm_x 2     lda dp_x_ind 6  ldx imm_x 2     lda sr 4        ldy dp 3        lda dp 3        ldx dp 3        lda dp_lind 6
tay imp 2       lda imm_m 2     tax imp 2       plb imp 4       ldy abs 4       lda abs 4       ldx abs 4       lda long 5
bcs rel8 2      lda dp_ind_y 5  lda dp_ind 5    lda sr_ind_y 7  ldy dp_x 4      lda dp_x 4      ldx dp_y 4      lda dp_lind_y 6
clv imp 2       lda abs_y 4     tsx imp 2       tyx imp 2       ldy abs_x 4     lda abs_x 4     ldx abs_y 4     lda long_x 5
cpy imm_x 2     cmp dp_x_ind 6  rep imm8 3      cmp sr 4        cpy dp 3        cmp dp 3        dec dp 5        cmp dp_lind 6
iny imp 2       cmp imm_m 2     dex imp 2       wai imp 3       cpy abs 4       cmp abs 4       dec abs 6       cmp long 5
bne rel8 2      cmp dp_ind_y 5  cmp dp_ind 5    cmp sr_ind_y 7  pei dp_ind 6    cmp dp_x 4      dec dp_x 6      cmp dp_lind_y 6
cld imp 2       cmp abs_y 4     phx imp 3       stp imp 3       jml abs_lind 6  cmp abs_x 4     dec abs_x 7     cmp long_x 5
cpx imm_x 2     sbc dp_x_ind 6  sep imm8 3      sbc sr 4        cpx dp 3        sbc dp 3        inc dp 5        sbc dp_lind 6
inx imp 2       sbc imm_m 2     nop imp 2       xba imp 3       cpx abs 4       sbc abs 4       inc abs 6       sbc long 5
beq rel8 2      sbc dp_ind_y 5  sbc dp_ind 5    sbc sr_ind_y 7  pea abs 5       sbc dp_x 4      inc dp_x 6      sbc dp_lind_y 6
sed imp 2       sbc abs_y 4     plx imp 4       xce imp 2       jsr abs_x_ind 8 sbc abs_x 4     inc abs_x 7     sbc long_x 5
"""


def _build() -> tuple[Opcode, ...]:
    words = _MATRIX.split()
    if len(words) != 256 * 3:
        raise AssertionError(f"opcode matrix has {len(words) / 3} rows, not 256")
    return tuple(
        Opcode(code, words[3 * code], MODES[words[3 * code + 1]], int(words[3 * code + 2]))
        for code in range(256)
    )


OPCODES: tuple[Opcode, ...] = _build()
"""All 256 opcodes, indexed by opcode byte."""

BY_MNEMONIC_MODE: dict[tuple[str, str], Opcode] = {(o.mnemonic, o.mode.name): o for o in OPCODES}
"""(mnemonic, mode name) -> opcode row; what the assembler looks up."""

MNEMONICS: frozenset[str] = frozenset(o.mnemonic for o in OPCODES)
"""The 92 mnemonics of the 65C816 (JML and JSL included)."""


def modes_of(mnemonic: str) -> dict[str, Opcode]:
    """The addressing modes a mnemonic has, by mode name."""
    return {o.mode.name: o for o in OPCODES if o.mnemonic == mnemonic}

"""The Lark transformer: parse callbacks that build statement objects from one line.

Written in the style of Lark's `examples/calc.py`: grammar aliases name the methods, which
take their children inline (`shapes.ShapeParser` calls them so, and Lark through
`parser.LarkCallbacks`). Mistakes a line can hold on its own (unknown mnemonic, bad number,
an operand shape no instruction has) raise `LineError` at their column.
"""

from __future__ import annotations

from w65tool import isa
from w65tool.asm.dialects import W65, Dialect
from w65tool.asm.directive_table import DOTLESS
from w65tool.asm.expr import Expr, Here, Num, Paren, Sym, Text, Unary, binary, strip_paren, unary
from w65tool.asm.numbers import NumberError, parse_number, unescape
from w65tool.asm.shapes import Token
from w65tool.asm.statements import (
    Assign,
    Directive,
    Instruction,
    Label,
    Operand,
    ParsedLine,
    Statement,
)


class LineError(Exception):
    """A mistake on one line, at a column (1-based, in the expanded line)."""

    def __init__(self, message: str, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.col = col


# What a dialect's reader writes between the parts of a qualified name (ca65's `a::b`,
# 64tass's `a.b`): the symbol is then `a.b`, a name in scope `a`, as `.scope a` keys it.
SCOPE_MARK = "__scope__"
SELECTORS = frozenset({"low_byte", "high_byte", "bank_byte"})
REGISTERS = frozenset({"x", "y", "s"})
# Mnemonics that have an accumulator form (`asl`, `asl a`).
ACC_MNEMONICS = frozenset(o.mnemonic for o in isa.OPCODES if o.mode.name == "acc")
_SUFFIXES = {"b": "b", "w": "w", "l": "l"}
_MNEMONICS = isa.MNEMONICS
_NO_OPERAND = Operand("none")  # statements never change: every bare mnemonic shares it


def _register(e: Expr | Text) -> str | None:
    if isinstance(e, Sym) and e.name.lower() in REGISTERS:
        return e.name.lower()
    return None


def _leftmost_prefix(e: Expr) -> tuple[str, Expr]:
    """An address-size prefix written first in an operand, and the operand without it.

    `<` (direct page) and `>` (long) bind loosest, so they sit at the root; `!` (absolute)
    binds tightest, so `!label+1` is found down the left edge and lifted to the whole operand.
    """
    if isinstance(e, Unary):
        if e.op == "low_byte":
            return "dp", e.a
        if e.op == "high_byte":
            return "long", e.a
        if e.op == "logical_not":
            return "abs", e.a
        return "", e
    if isinstance(e, Num) or not hasattr(e, "a"):
        return "", e
    force, left = _leftmost_prefix(e.a)  # type: ignore[attr-defined]
    if not force:
        return "", e
    return force, binary(e.op, left, e.b, e.col)  # type: ignore[attr-defined]


def _col(e: Expr | Text) -> int:
    return e.col


class LineBuilder:
    """Builds a `ParsedLine` from the parse of one line."""

    def __init__(self, dialect: Dialect = W65) -> None:
        self.dialect = dialect
        self.warnings: list[tuple[str, str, int]] = []
        self._numbers: dict[str, tuple[int, bool]] = {}  # number text -> `parse_number`'s answer

    # -- the line -------------------------------------------------------------------------
    def start(self, *children: Label | Statement) -> ParsedLine:
        # `label* statement?`: every child but a last statement is a label
        if children and not isinstance(children[-1], Label):
            labels, stmt = children[:-1], children[-1]
        else:
            labels, stmt = children, None
        if not self.warnings:
            return ParsedLine(labels, stmt)  # type: ignore[arg-type]
        warnings = tuple(self.warnings)
        self.warnings.clear()
        return ParsedLine(labels, stmt, warnings)  # type: ignore[arg-type]

    def label(self, name: Token) -> Label:
        if "." in name:
            raise LineError(f"'{name}' is not a label name", name.column)
        return Label(str(name), name.column)

    # -- statements -----------------------------------------------------------------------
    def instruction(self, name: Token, args: tuple[str, list] | None = None) -> Statement:
        word = name.lower()
        suffix = ""
        if "." in word:
            word, _, suffix = word.partition(".")
        if word in _MNEMONICS:
            return Instruction(
                word, _SUFFIXES.get(suffix, ""), self._operand(word, args), name.column
            )
        if word in DOTLESS and not suffix:
            return self._directive(word, args, name.column)
        raise LineError(f"unknown mnemonic '{name}'", name.column)

    def directive(self, name: Token, args: tuple[str, list] | None = None) -> Directive:
        return self._directive(name[1:].lower(), args, name.column)

    def assign(self, name: Token, expr: Expr) -> Assign:
        return Assign(self._name(name), expr, "=", name.column)

    def equate(self, name: Token, _equ: Token, expr: Expr) -> Assign:
        e = strip_paren(expr)
        compound = not isinstance(e, Num | Sym) or (isinstance(e, Num) and e.folded)
        return Assign(self._name(name), expr, "equ", name.column, compound)

    def named_directive(self, name: Token, directive: Token, expr: Expr) -> Assign:
        kind = directive[1:].lower()
        if kind not in ("set", "equ", "var"):
            raise LineError(f"'{directive}' does not take a name before it", directive.column)
        return Assign(self._name(name), expr, "equ" if kind == "equ" else "set", name.column)

    def word_assign(self, word: Token, name: Token, expr: Expr) -> Assign:
        kind = word.lower()
        if kind not in ("set", "equ"):
            raise LineError(f"unknown mnemonic '{word}'", word.column)
        return Assign(self._name(name), expr, kind, word.column)

    def directive_assign(self, directive: Token, name: Token, expr: Expr) -> Assign:
        return self.word_assign(Token.make(directive[1:], directive.column), name, expr)

    def set_origin(self, here: Token, expr: Expr) -> Directive:
        """`* = expr`, 64tass's and ACME's way to write `.org expr`."""
        if here.value != "*":
            raise LineError("the origin is set with '* = address' or '.org address'", here.column)
        return Directive("org", (expr,), here.column, (_col(expr),))

    @staticmethod
    def _name(name: Token) -> str:
        if "." in name:
            raise LineError(f"'{name}' is not a symbol name", name.column)
        return str(name)

    def _directive(self, name: str, args: tuple[str, list] | None, col: int) -> Directive:
        if args is None:
            return Directive(name, (), col)
        kind, items = args
        if kind != "items":
            raise LineError(f"'.{name}' takes plain values, not an addressing mode", col)
        for item in items:
            if isinstance(item, tuple):
                raise LineError("'|' is an address prefix, not a value", item[1])
        return Directive(name, tuple(items), col, tuple(_col(i) for i in items))

    # -- operands -------------------------------------------------------------------------
    def immediate(self, e: Expr) -> tuple[str, list]:
        return ("imm", [e])

    def immediate_pair(self, a: Expr, b: Expr) -> tuple[str, list]:
        return ("imm_pair", [a, b])

    def indexed_indirect(self, e: Expr, reg: Token, reg2: Token | None = None) -> tuple[str, list]:
        return ("ind_x", [e, reg, reg2])

    def long_indirect(self, e: Expr, reg: Token | None = None) -> tuple[str, list]:
        return ("lind", [e, reg])

    def items(self, *items: Expr | Text | tuple) -> tuple[str, list]:
        return ("items", list(items))

    def string(self, tok: Token) -> Text:
        return Text(self._unquote(tok), tok.column)

    def force_absolute(self, e: Expr) -> tuple:
        return ("|", _col(e) - 1, e)

    def _operand(self, mnemonic: str, args: tuple[str, list] | None) -> Operand:
        if args is None:
            return _NO_OPERAND
        kind, parts = args
        first = parts[0]
        col = first[1] if isinstance(first, tuple) else first.col
        if kind == "imm":
            e = first
            while isinstance(e, Paren):  # `strip_paren`, inlined: one is built per immediate
                e = e.inner
            return Operand("imm", (first,), col, "", isinstance(e, Unary) and e.op in SELECTORS)
        if kind == "imm_pair":
            return Operand("imm_pair", tuple(parts), col)
        if kind == "ind_x":
            e, reg, reg2 = parts
            r, r2 = reg.lower(), reg2.lower() if reg2 is not None else None
            if r == "x" and r2 is None:
                return Operand("ind_x", (e,), col)
            if r == "s" and r2 == "y":
                return Operand("sr_ind_y", (e,), col)
            if r == "s":
                raise LineError("stack relative indirect is written (e,s),y", reg.column)
            raise LineError(
                f"no addressing mode is written ({reg.value}...); try (e,x) or (e),y", col
            )
        if kind == "lind":
            e, reg = parts
            if reg is None:
                return Operand("lind", (e,), col)
            if reg.lower() == "y":
                return Operand("lind_y", (e,), col)
            raise LineError(f"[e],{reg.value} is not an addressing mode; only [e],y is", reg.column)
        return self._items_operand(mnemonic, parts, col)

    def _items_operand(self, mnemonic: str, parts: list, col: int) -> Operand:
        for p in parts:
            if isinstance(p, Text):
                raise LineError("a string is not an instruction operand", p.col)
        force = ""
        first = parts[0]
        if isinstance(first, tuple):
            force, first = "abs", first[2]
        if len(parts) > 2:
            raise LineError(f"too many operands for {mnemonic}", _col(parts[2]))
        if len(parts) == 2:
            reg = _register(parts[1])
            if reg is None:
                return Operand("pair", (first, parts[1]), col, force)
            if isinstance(first, Paren):
                if reg == "y":
                    return Operand("ind_y", (first.inner,), col)
                raise LineError(f"(e),{reg} is not an addressing mode; only (e),y is", parts[1].col)
            if not force:
                force, first = _leftmost_prefix(first)
            return Operand(f"addr_{reg}", (first,), col, force)
        if isinstance(first, Paren):
            return Operand("ind", (first.inner,), col)
        if isinstance(first, Sym) and first.name.lower() == "a" and mnemonic in ACC_MNEMONICS:
            return Operand("acc", (), col)
        if not force:
            force, first = _leftmost_prefix(first)
        return Operand("addr", (first,), col, force)

    # -- expressions ----------------------------------------------------------------------
    def number(self, tok: Token) -> Num:
        known = self._numbers.get(tok)  # programs write the same numbers again and again
        if known is None:
            try:
                known = self._numbers[tok] = parse_number(tok, self.dialect.octal_zero)
            except NumberError as err:
                raise LineError(str(err), tok.column) from None
        value, leading_zero = known
        if leading_zero and self.dialect.naken_warnings:
            self.warnings.append(
                (
                    "leading-zero",
                    f"'{tok}' is read as decimal {value}; naken_asm reads a leading zero as "
                    f"octal (write {int(tok.replace('_', ''), 10)} or 0{tok.lstrip('0')}q)",
                    tok.column,
                )
            )
        return Num(value, tok.column)

    def char(self, tok: Token) -> Expr:
        data = self._unquote(tok)
        if not data:
            raise LineError("empty character constant", tok.column)
        if len(data) == 1:
            return Num(data[0], tok.column)
        return Text(data, tok.column)

    @staticmethod
    def _unquote(tok: Token) -> bytes:
        try:
            return unescape(tok[1:-1], tok)
        except NumberError as err:
            raise LineError(str(err), tok.column) from None

    def symbol(self, tok: Token) -> Sym:
        if "." in tok:
            raise LineError(f"'{tok}': a size suffix belongs on a mnemonic", tok.column)
        if SCOPE_MARK in tok:  # a peer's `scope::name` or `block.name`, as a dialect wrote it
            return Sym(tok.replace(SCOPE_MARK, "."), tok.column)
        return Sym(str(tok), tok.column)

    def here(self, tok: Token) -> Here:
        return Here(tok.column)

    def paren(self, e: Expr) -> Paren:
        return Paren(e, _col(e) - 1)


def _make_binary(op: str):
    def build(self: LineBuilder, a: Expr, b: Expr) -> Expr:
        return binary(op, a, b, _col(a))

    build.__name__ = op
    return build


def _make_unary(op: str, fold: bool):
    def build(self: LineBuilder, a: Expr) -> Expr:
        col = _col(a) - 1
        if fold:
            return unary(op, a, col)
        return Unary(op, strip_paren(a), col)

    build.__name__ = op
    return build


for _op in [
    "mul",
    "div",
    "mod",
    "add",
    "sub",
    "shl",
    "shr",
    "lt",
    "gt",
    "le",
    "ge",
    "eq",
    "ne",
    "bit_and",
    "bit_xor",
    "bit_or",
    "logical_and",
    "logical_or",
]:
    setattr(LineBuilder, _op, _make_binary(_op))
for _op in ("neg", "invert", "logical_not", "low_byte", "high_byte", "bank_byte"):
    # Prefixes stay unfolded: the operand builder reads them as size or byte selectors.
    setattr(LineBuilder, _op, _make_unary(_op, _op in ("neg", "invert")))
for _op in ("low_word", "high_word"):
    setattr(LineBuilder, _op, _make_unary(_op, True))

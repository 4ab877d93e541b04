"""Statement objects: what one parsed source line holds.

Lines with the same text parse to the same objects (the parser memoises by text), so a
statement never stores where it came from; the passes pair it with its `Line`. Nothing
changes these objects once built, and nothing compares or hashes them: they are plain
slotted classes, the cheapest to build and to import.
"""

from __future__ import annotations

from w65tool.asm.expr import Expr, Text


class Label:
    """`name:` (or `@name:`, a cheap local label tied to the previous global label)."""

    __slots__ = ("col", "name")
    name: str
    col: int

    def __init__(self, name: str, col: int) -> None:
        self.name = name
        self.col = col


class Operand:
    """An instruction operand, by shape.

    Shapes: `none`, `acc`, `imm`, `imm_pair`, `pair`, `addr`, `addr_x`, `addr_y`, `addr_s`,
    `ind`, `ind_y`, `ind_x`, `sr_ind_y`, `lind`, `lind_y`. `force` is a size asked for by a
    prefix (`dp` for `<`, `abs` for `!` or `|`, `long` for `>`); `selector` marks an immediate
    written with a byte selector (`#<x`, `#>x`, `#^x`), always one byte wide.
    """

    __slots__ = ("col", "exprs", "force", "selector", "shape")
    shape: str
    exprs: tuple[Expr, ...]
    col: int
    force: str
    selector: bool

    def __init__(
        self,
        shape: str,
        exprs: tuple[Expr, ...] = (),
        col: int = 0,
        force: str = "",
        selector: bool = False,
    ) -> None:
        self.shape = shape
        self.exprs = exprs
        self.col = col
        self.force = force
        self.selector = selector


class Instruction:
    """A machine instruction: mnemonic (lower case), size suffix (`b`, `w`, `l` or ``)."""

    __slots__ = ("col", "mnemonic", "operand", "suffix")
    mnemonic: str
    suffix: str
    operand: Operand
    col: int

    def __init__(self, mnemonic: str, suffix: str, operand: Operand, col: int) -> None:
        self.mnemonic = mnemonic
        self.suffix = suffix
        self.operand = operand
        self.col = col


class Assign:
    """`name = e`, `name equ e`, `.set name = e`, `name .set e` (kind: `=`, `equ`, `set`)."""

    __slots__ = ("col", "compound", "expr", "kind", "name")
    name: str
    expr: Expr
    kind: str
    col: int
    compound: bool  # not a single number or name (naken_asm's textual equ differs)

    def __init__(self, name: str, expr: Expr, kind: str, col: int, compound: bool = False) -> None:
        self.name = name
        self.expr = expr
        self.kind = kind
        self.col = col
        self.compound = compound


class Directive:
    """A directive (name in lower case, without the dot) and its arguments."""

    __slots__ = ("arg_cols", "args", "col", "name")
    name: str
    args: tuple[Expr | Text, ...]
    col: int
    arg_cols: tuple[int, ...]

    def __init__(
        self, name: str, args: tuple[Expr | Text, ...], col: int, arg_cols: tuple[int, ...] = ()
    ) -> None:
        self.name = name
        self.args = args
        self.col = col
        self.arg_cols = arg_cols


Statement = Instruction | Assign | Directive


class ParsedLine:
    """Labels, then at most one statement, plus warnings found while reading the line."""

    __slots__ = ("labels", "statement", "warnings")
    labels: tuple[Label, ...]
    statement: Statement | None
    warnings: tuple[tuple[str, str, int], ...]  # (name, message, col)

    def __init__(
        self,
        labels: tuple[Label, ...] = (),
        statement: Statement | None = None,
        warnings: tuple[tuple[str, str, int], ...] = (),
    ) -> None:
        self.labels = labels
        self.statement = statement
        self.warnings = warnings

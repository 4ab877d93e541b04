"""Statement objects: what one parsed source line holds.

Lines with the same text parse to the same objects (the parser memoises by text), so a
statement never stores where it came from; the passes pair it with its `Line`. Nothing
changes these objects once built. They are not declared frozen only because a frozen
dataclass sets each field through `object.__setattr__`, three times slower to build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from w65tool.asm.expr import Expr, Text


@dataclass(slots=True, unsafe_hash=True)
class Label:
    """`name:` (or `@name:`, a cheap local label tied to the previous global label)."""

    name: str
    col: int


@dataclass(slots=True, unsafe_hash=True)
class Operand:
    """An instruction operand, by shape.

    Shapes: `none`, `acc`, `imm`, `imm_pair`, `pair`, `addr`, `addr_x`, `addr_y`, `addr_s`,
    `ind`, `ind_y`, `ind_x`, `sr_ind_y`, `lind`, `lind_y`. `force` is a size asked for by a
    prefix (`dp` for `<`, `abs` for `!` or `|`, `long` for `>`); `selector` marks an immediate
    written with a byte selector (`#<x`, `#>x`, `#^x`), always one byte wide.
    """

    shape: str
    exprs: tuple[Expr, ...] = ()
    col: int = 0
    force: str = ""
    selector: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Instruction:
    """A machine instruction: mnemonic (lower case), size suffix (`b`, `w`, `l` or ``)."""

    mnemonic: str
    suffix: str
    operand: Operand
    col: int


@dataclass(slots=True, unsafe_hash=True)
class Assign:
    """`name = e`, `name equ e`, `.set name = e`, `name .set e` (kind: `=`, `equ`, `set`)."""

    name: str
    expr: Expr
    kind: str
    col: int
    compound: bool = False  # not a single number or name (naken_asm's textual equ differs)


@dataclass(slots=True, unsafe_hash=True)
class Directive:
    """A directive (name in lower case, without the dot) and its arguments."""

    name: str
    args: tuple[Expr | Text, ...]
    col: int
    arg_cols: tuple[int, ...] = ()


Statement = Instruction | Assign | Directive


@dataclass(slots=True, unsafe_hash=True)
class ParsedLine:
    """Labels, then at most one statement, plus warnings found while reading the line."""

    labels: tuple[Label, ...] = ()
    statement: Statement | None = None
    warnings: tuple[tuple[str, str, int], ...] = field(default=())  # (name, message, col)

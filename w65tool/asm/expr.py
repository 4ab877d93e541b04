"""Expression trees of the dialect and their evaluation (our own code, never Python `eval`).

Constants are `Num` (an `int` that remembers its column), so the common operand, a plain
number, costs nothing to evaluate. Other nodes have `ev(env)`, returning an `int`, or `None`
while a symbol is not yet known (a forward reference in an early pass). `env` provides
`symbol(node)` and `here`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class ExprError(Exception):
    """An expression that cannot be evaluated (division by zero, a string used as a number)."""

    def __init__(self, message: str, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.col = col


class Env(Protocol):
    """What evaluation needs from the assembler."""

    here: int

    def symbol(self, node: Sym) -> int | None: ...


class Num(int):
    """A constant, with the column where it was written.

    `folded` marks a constant computed from an expression (`1+2`), which naken_asm's textual
    `equ` would not see as one value.
    """

    col: int
    folded: bool = False  # set on the instance only when true: one is built per number read

    def __new__(cls, value: int, col: int, folded: bool = False) -> Num:
        obj = int.__new__(cls, value)
        obj.col = col
        if folded:
            obj.folded = True
        return obj


class Node:
    """A non-constant expression."""

    __slots__ = ("col",)
    col: int

    def ev(self, env: Env) -> int | None:
        raise NotImplementedError

    def symbols(self) -> list[Sym]:
        """The symbols this expression reads, left to right."""
        return []


Expr = Num | Node


def evaluate(e: Expr, env: Env) -> int | None:
    """The value of `e`, or None if it reads a symbol not yet defined."""
    if isinstance(e, int):
        return e
    return e.ev(env)


class Sym(Node):
    """A symbol reference: a label, a constant, or a cheap local `@name`."""

    __slots__ = ("name",)

    def __init__(self, name: str, col: int) -> None:
        self.name = name
        self.col = col

    def ev(self, env: Env) -> int | None:
        return env.symbol(self)

    def symbols(self) -> list[Sym]:
        return [self]


class Here(Node):
    """The current address: `$` or `*` (in a data list, the address of the item)."""

    __slots__ = ()

    def __init__(self, col: int) -> None:
        self.col = col

    def ev(self, env: Env) -> int | None:
        return env.here


class Text(Node):
    """A quoted string of more than one character: only data directives take it."""

    __slots__ = ("data",)

    def __init__(self, data: bytes, col: int) -> None:
        self.data = data
        self.col = col

    def ev(self, env: Env) -> int | None:
        raise ExprError("a string of several characters is not a number", self.col)


class Paren(Node):
    """A parenthesised expression; kept so that `(e),y` reads as an indirect operand."""

    __slots__ = ("inner",)

    def __init__(self, inner: Expr, col: int) -> None:
        self.inner = inner
        self.col = col

    def ev(self, env: Env) -> int | None:
        inner = self.inner
        return inner if isinstance(inner, int) else inner.ev(env)

    def symbols(self) -> list[Sym]:
        return [] if isinstance(self.inner, int) else self.inner.symbols()


def _c_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _c_mod(a: int, b: int) -> int:
    return a - b * _c_div(a, b)


def _shl(a: int, b: int) -> int:
    return a << b if 0 <= b < 64 else 0


def _shr(a: int, b: int) -> int:
    return a >> b if 0 <= b < 64 else (0 if a >= 0 else -1)


BINARY: dict[str, Callable[[int, int], int]] = {
    "mul": lambda a, b: a * b,
    "div": _c_div,
    "mod": _c_mod,
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "shl": _shl,
    "shr": _shr,
    "lt": lambda a, b: int(a < b),
    "gt": lambda a, b: int(a > b),
    "le": lambda a, b: int(a <= b),
    "ge": lambda a, b: int(a >= b),
    "eq": lambda a, b: int(a == b),
    "ne": lambda a, b: int(a != b),
    "bit_and": lambda a, b: a & b,
    "bit_xor": lambda a, b: a ^ b,
    "bit_or": lambda a, b: a | b,
    "logical_and": lambda a, b: int(bool(a) and bool(b)),
    "logical_or": lambda a, b: int(bool(a) or bool(b)),
}

UNARY: dict[str, Callable[[int], int]] = {
    "neg": lambda a: -a,
    "invert": lambda a: ~a,
    "logical_not": lambda a: int(not a),
    "low_byte": lambda a: a & 0xFF,
    "high_byte": lambda a: (a >> 8) & 0xFF,
    "bank_byte": lambda a: (a >> 16) & 0xFF,
    "low_word": lambda a: a & 0xFFFF,
    "high_word": lambda a: (a >> 8) & 0xFFFF,
}

# Results are kept within 64 bits so that a hostile expression cannot build huge integers.
_LIMIT = 1 << 64


def _check(value: int, col: int) -> int:
    if -_LIMIT <= value < _LIMIT:
        return value
    raise ExprError("value does not fit in 64 bits", col)


class Binary(Node):
    """`a op b`."""

    __slots__ = ("a", "b", "fn", "op")

    def __init__(self, op: str, a: Expr, b: Expr, col: int) -> None:
        self.op = op
        self.fn = BINARY[op]
        self.a = a
        self.b = b
        self.col = col

    def ev(self, env: Env) -> int | None:
        a = self.a if isinstance(self.a, int) else self.a.ev(env)
        b = self.b if isinstance(self.b, int) else self.b.ev(env)
        if a is None or b is None:
            return None
        if b == 0 and self.op in ("div", "mod"):
            raise ExprError("division by zero", self.col)
        return _check(self.fn(a, b), self.col)

    def symbols(self) -> list[Sym]:
        out: list[Sym] = []
        for e in (self.a, self.b):
            if not isinstance(e, int):
                out += e.symbols()
        return out


class Unary(Node):
    """`op a`: minus, complement, logical not, the byte selectors < > ^ and the words <> >`."""

    __slots__ = ("a", "fn", "op")

    def __init__(self, op: str, a: Expr, col: int) -> None:
        self.op = op
        self.fn = UNARY[op]
        self.a = a
        self.col = col

    def ev(self, env: Env) -> int | None:
        a = self.a if isinstance(self.a, int) else self.a.ev(env)
        return None if a is None else self.fn(a)

    def symbols(self) -> list[Sym]:
        return [] if isinstance(self.a, int) else self.a.symbols()


def strip_paren(e: Expr) -> Expr:
    """The expression inside any outer parentheses."""
    while isinstance(e, Paren):
        e = e.inner
    return e


def binary(op: str, a: Expr, b: Expr, col: int) -> Expr:
    """Build `a op b`, folding constants (but not a division by zero: that is reported later)."""
    a, b = strip_paren(a), strip_paren(b)
    if isinstance(a, int) and isinstance(b, int) and not (b == 0 and op in ("div", "mod")):
        try:
            return Num(_check(BINARY[op](a, b), col), col, folded=True)
        except ExprError:
            pass
    return Binary(op, a, b, col)


def unary(op: str, a: Expr, col: int) -> Expr:
    """Build `op a`, folding a constant operand."""
    a = strip_paren(a)
    if isinstance(a, int):
        return Num(UNARY[op](a), col, folded=True)
    return Unary(op, a, col)

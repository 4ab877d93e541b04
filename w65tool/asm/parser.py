"""The line parser: `grammar.lark`, parsed by token shape, with Lark for the rest.

`parse_line(text)` returns a `ParsedLine` or raises `LineError` at a column. Lines are
memoised by text: programs repeat lines (`dex`, `rts`, macro and `.repeat` bodies), and a
statement holds no location, so identical lines share their objects. A new line is parsed by
replaying the parse table's actions for lines of its token shape (`shapes`), from the tables
shipped in `grammar_tables` while they match the grammar, so a run need not import Lark.
Lark (LALR, contextual lexer) is built only for a line the replay cannot take, with its
exact syntax errors, or to compute the tables when `grammar.lark` has changed.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from w65tool.asm.builder import LineBuilder, LineError
from w65tool.asm.dialects import W65, Dialect
from w65tool.asm.expr import Expr
from w65tool.asm.shapes import UNPLANNED, Rule, ShapeParser, Tables, rule_method
from w65tool.asm.statements import ParsedLine

if TYPE_CHECKING:
    from lark import Lark
    from lark.exceptions import UnexpectedInput

GRAMMAR = Path(__file__).with_name("grammar.lark")

_TABLES: list[Tables] = []
_BUILDERS: dict[Dialect, LineBuilder] = {}
_LARKS: dict[Dialect, Lark] = {}
_SHAPES: dict[Dialect, ShapeParser] = {}
_MEMO: dict[Dialect, dict[str, ParsedLine]] = {}

# Token kinds, as users would name them in "expected ..." messages.
_TOKEN_NAMES = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "CHAR": "a character",
    "LOCAL": "a local label",
    "DIRECTIVE": "a directive",
    "HERE": "'$'",
    "$END": "end of line",
}


class LarkCallbacks:
    """A builder's methods as Lark calls a transformer's: with the list of children.

    A rule with no method gets Lark's tree, as `shapes.rule_method` finds none for it.
    """

    def __init__(self, builder: LineBuilder) -> None:
        self.builder = builder

    def __getattr__(self, name: str) -> Any:
        method = rule_method(self.builder, name)
        if method is None:
            raise AttributeError(name)

        def callback(children: list) -> Any:
            return method(*children)

        callback.rule_method = name  # type: ignore[attr-defined]  (read by tablegen)
        return callback


def build_parser(
    dialect: Dialect = W65,
    cache: bool | str = True,
    strict: bool = False,
    builder: LineBuilder | None = None,
) -> Lark:
    """A new Lark parser for the grammar, calling `builder` (a new one by default).

    The analysed grammar is cached in the temporary directory (`cache=True`); should the
    cache be unusable in any way, the parser is built from the grammar instead.
    """
    from w65tool.asm.lark_loader import import_lark

    import_lark()
    from lark import Lark

    options = dict(
        rel_to=__file__,
        parser="lalr",
        lexer="contextual",
        start=["start", "expression"],
        transformer=LarkCallbacks(builder or LineBuilder(dialect)),
        propagate_positions=False,
        maybe_placeholders=False,
        strict=strict,
    )
    try:
        return Lark.open(GRAMMAR.name, cache=cache, **options)
    except Exception:  # a stale or unreadable cache: never let it stop a run
        if cache is False:
            raise
        return Lark.open(GRAMMAR.name, cache=False, **options)


def grammar_hash(grammar: bytes) -> str:
    """A checksum naming a version of the grammar's text (zlib is loaded already; hashlib
    would add its OpenSSL library to every run's start-up)."""
    return f"crc32 {zlib.crc32(grammar):08x}, {len(grammar)} bytes"


def shipped_tables(module: ModuleType, grammar: bytes) -> Tables | None:
    """The tables a generated module holds, if it was generated from this grammar text."""
    if getattr(module, "GRAMMAR_HASH", None) != grammar_hash(grammar) or not hasattr(
        module, "FOLDED"
    ):
        return None
    return Tables(
        module.TERMINALS,
        module.FLAGS,
        frozenset(module.IGNORE),
        module.UNLESS,
        module.STATES,
        module.START_STATES,
        module.END_STATES,
        tuple(Rule(*fields) for fields in module.RULES),
        frozenset(module.FOLDED),
    )


def _tables() -> Tables:
    if not _TABLES:
        from w65tool.asm import grammar_tables

        tables = shipped_tables(grammar_tables, GRAMMAR.read_bytes())
        if tables is None:  # the grammar changed since the module was generated
            from w65tool.asm.tablegen import tables_from_lark

            tables = tables_from_lark(_lark(W65))
        _TABLES.append(tables)
    return _TABLES[0]


def _builder(dialect: Dialect) -> LineBuilder:
    builder = _BUILDERS.get(dialect)
    if builder is None:
        builder = _BUILDERS[dialect] = LineBuilder(dialect)
    return builder


def _lark(dialect: Dialect) -> Lark:
    parser = _LARKS.get(dialect)
    if parser is None:
        parser = _LARKS[dialect] = build_parser(dialect, builder=_builder(dialect))
    return parser


def _shapes(dialect: Dialect) -> ShapeParser:
    shapes = _SHAPES.get(dialect)
    if shapes is None:
        shapes = _SHAPES[dialect] = ShapeParser(_tables(), _builder(dialect))
    return shapes


def parse_line(text: str, dialect: Dialect = W65) -> ParsedLine:
    """Parse one expanded source line (no newline in it)."""
    memo = parsed_lines(dialect)
    parsed = memo.get(text)
    if parsed is None:
        parsed = memo[text] = _parse(text, dialect, "start")
    return parsed


def parsed_lines(dialect: Dialect = W65) -> dict[str, ParsedLine]:
    """The lines `parse_line` has parsed so far in `dialect`, by text (read only)."""
    memo = _MEMO.get(dialect)
    if memo is None:
        memo = _MEMO[dialect] = {}
    return memo


def parse_expression(text: str, dialect: Dialect = W65) -> Expr:
    """Parse an expression on its own (`.if` and `.repeat` arguments)."""
    return _parse(text, dialect, "expression").children[0]


def _parse(text: str, dialect: Dialect, start: str) -> Any:
    try:
        result = _shapes(dialect).parse(text, start)
        if result is UNPLANNED:
            result = _lark_parse(text, dialect, start)
        return result
    except LineError:
        _builder(dialect).warnings.clear()  # a callback may have queued warnings first
        raise


def _lark_parse(text: str, dialect: Dialect, start: str) -> Any:
    from lark.exceptions import UnexpectedInput

    parser = _lark(dialect)
    try:
        return parser.parse(text, start=start)
    except UnexpectedInput as err:
        raise _syntax_error(err, text) from None


def _syntax_error(err: UnexpectedInput, text: str) -> LineError:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    col = getattr(err, "column", None)
    if not isinstance(col, int) or col < 1:
        col = len(text.rstrip()) + 1
    if isinstance(err, UnexpectedCharacters):
        ch = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
        if ch == '"':
            return LineError("unterminated string", col)
        if ch == "'":
            return LineError("unterminated character constant", col)
        if not ch.isprintable():
            return LineError(f"unexpected character {ch!r} (byte ${ord(ch):02X})", col)
        return LineError(f"unexpected character '{ch}'", col)
    if isinstance(err, UnexpectedToken) and err.token.type != "$END":
        what = f"'{err.token}'"
        return LineError(f"syntax error: unexpected {what}{_expected(err.expected)}", col)
    if isinstance(err, UnexpectedToken | UnexpectedEOF):
        # lark gives the end its last token's place: the caret goes just after that token
        end = getattr(getattr(err, "token", None), "end_column", None)
        if isinstance(end, int) and end >= 1:
            col = end
        return LineError(f"syntax error: unexpected end of line{_expected(err.expected)}", col)
    return LineError("syntax error", col)


def _expected(expected: set[str]) -> str:
    names = sorted({_TOKEN_NAMES[e] for e in expected if e in _TOKEN_NAMES})
    if "a number" in names or "a name" in names:
        return ", expected an expression"
    if names:
        return ", expected " + " or ".join(names)
    return ""

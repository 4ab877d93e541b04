"""The line parser: the Lark grammar built once (LALR, contextual lexer, cached tables).

`parse_line(text)` returns a `ParsedLine` or raises `LineError` at a column. Lines are
memoised by text: programs repeat lines (`dex`, `rts`, macro and `.repeat` bodies), and a
statement holds no location, so identical lines share their objects. A new line is parsed by
replaying the parser's actions for lines of its token shape (`shapes`); Lark parses the first
line of each shape, and any line the replay cannot take, with its exact syntax errors.
"""

from __future__ import annotations

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from w65tool.asm.builder import LineBuilder, LineError
from w65tool.asm.expr import Expr
from w65tool.asm.shapes import UNPLANNED, ShapeParser
from w65tool.asm.statements import ParsedLine

_PARSERS: dict[bool, Lark] = {}
_SHAPES: dict[bool, ShapeParser] = {}
_MEMO: dict[bool, dict[str, ParsedLine]] = {False: {}, True: {}}
_BUILDERS: dict[bool, LineBuilder] = {}

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


def build_parser(naken: bool = False, cache: bool | str = True, strict: bool = False) -> Lark:
    """A new Lark parser for the grammar with its transformer.

    The analysed grammar is cached in the temporary directory (`cache=True`); should the
    cache be unusable in any way, the parser is built from the grammar instead.
    """
    builder = LineBuilder(naken)
    options = dict(
        rel_to=__file__,
        parser="lalr",
        lexer="contextual",
        start=["start", "expression"],
        transformer=builder,
        propagate_positions=False,
        maybe_placeholders=False,
        strict=strict,
    )
    try:
        return Lark.open("grammar.lark", cache=cache, **options)
    except Exception:  # a stale or unreadable cache: never let it stop a run
        if cache is False:
            raise
        return Lark.open("grammar.lark", cache=False, **options)


def _parser(naken: bool) -> Lark:
    parser = _PARSERS.get(naken)
    if parser is None:
        parser = _PARSERS[naken] = build_parser(naken)
        _SHAPES[naken] = ShapeParser(parser)
    return parser


def parse_line(text: str, naken: bool = False) -> ParsedLine:
    """Parse one expanded source line (no newline in it)."""
    memo = _MEMO[naken]
    parsed = memo.get(text)
    if parsed is None:
        parsed = memo[text] = _parse(text, naken, "start")  # type: ignore[assignment]
    return parsed


def parse_expression(text: str, naken: bool = False) -> Expr:
    """Parse an expression on its own (`.if` and `.repeat` arguments)."""
    return _parse(text, naken, "expression").children[0]  # type: ignore[union-attr]


def _parse(text: str, naken: bool, start: str):
    parser = _parser(naken)
    try:
        result = _SHAPES[naken].parse(text, start)
        return parser.parse(text, start=start) if result is UNPLANNED else result
    except UnexpectedInput as err:
        # a callback may have queued warnings before the failure: drop them
        parser.options.transformer.warnings.clear()
        raise _syntax_error(err, text) from None
    except LineError:
        parser.options.transformer.warnings.clear()
        raise


def _syntax_error(err: UnexpectedInput, text: str) -> LineError:
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
        return LineError(f"syntax error: unexpected end of line{_expected(err.expected)}", col)
    return LineError("syntax error", col)


def _expected(expected: set[str]) -> str:
    names = sorted({_TOKEN_NAMES[e] for e in expected if e in _TOKEN_NAMES})
    if "a number" in names or "a name" in names:
        return ", expected an expression"
    if names:
        return ", expected " + " or ".join(names)
    return ""

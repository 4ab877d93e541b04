"""Parsing by token shape gives exactly what Lark's own parse gives, for every line."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w65tool.asm.builder import LineError
from w65tool.asm.parser import build_parser
from w65tool.asm.shapes import UNPLANNED, ShapeParser

ROOT = Path(__file__).resolve().parent.parent
LARK = {naken: build_parser(naken) for naken in (False, True)}
SHAPES = {naken: ShapeParser(LARK[naken]) for naken in (False, True)}


def structure(value):
    """A comparable form of a parse result: statement objects and expression trees."""
    if isinstance(value, tuple | list):
        return tuple(structure(v) for v in value)
    if isinstance(value, int):
        return (type(value).__name__, int(value), getattr(value, "col", None))
    if hasattr(value, "__slots__") and not isinstance(value, str):
        slots = [s for cls in type(value).__mro__ for s in getattr(cls, "__slots__", ())]
        return (type(value).__name__, *(structure(getattr(value, s)) for s in slots))
    return value


def outcome(parse, text: str, naken: bool, start: str):
    """The structure of the result (with the builder's warnings), or the error raised."""
    builder = LARK[naken].options.transformer
    try:
        result = parse(text, start)
    except LineError as err:
        builder.warnings.clear()
        return ("LineError", err.message, err.col)
    except Exception as err:  # Lark's syntax errors: the shape parser must defer to Lark
        builder.warnings.clear()
        return ("syntax", type(err).__name__)
    if start == "expression":
        result = result.children[0]
    return structure(result)


def check(text: str, naken: bool = False, start: str = "start") -> bool:
    """Assert the two parses agree; True when the shape parser took the line itself."""

    def shaped(t, s):
        result = SHAPES[naken].parse(t, s)
        return LARK[naken].parse(t, start=s) if result is UNPLANNED else result

    expected = outcome(lambda t, s: LARK[naken].parse(t, start=s), text, naken, start)
    assert outcome(shaped, text, naken, start) == expected, text
    try:
        return SHAPES[naken].parse(text, start) is not UNPLANNED
    except LineError:
        LARK[naken].options.transformer.warnings.clear()
        return True


def _source_lines() -> list[str]:
    texts = [p.read_text() for p in sorted((ROOT / "samples").glob("*.asm"))]
    texts += [p.read_text() for p in sorted((ROOT / "asm").glob("*.inc"))]
    lines = {line for text in texts for line in text.splitlines() if "/*" not in line}
    return sorted(lines)


def test_every_line_of_the_samples_parses_the_same():
    taken = sum(check(line, naken) for line in _source_lines() for naken in (False, True))
    assert taken > 100  # the replay, not Lark, parsed most of them


@pytest.mark.parametrize(
    "text",
    [
        "  lda #<label+1",
        "  lda (ptr),y",
        "  lda (ptr,x)",
        "  lda (3,s),y",
        "  lda [ptr],y",
        "  lda !far+2,x",
        "  sta |abs",
        "  mvn #1,#2",
        "x = 3*4+(5<<2)/7-~1%3 == 0 && !1 || 2 ^ 3 | 4 & 5",
        "a: b: @c: nop ; comment",
        "  lda.w $1234 // comment",
        "  .db 1, 'a', \"str\\n\", $",
        "  lda *",
        "  lda *+2*3",
        "value equ 017",
        "  .set v = 1",
        "v .set 2",
        "set v = 3",
        "  lda #$12G",
        "  lda 'ab",
        '  .db "abc',
        "  lda 1 2",
        "  lda (1,y)",
        "  lda [1],x",
        "lda.b: nop",
        "  ldz #1",
        "  lda #-(-1)",
        "  lda #+1",
    ],
)
def test_lines_of_every_kind_parse_the_same(text):
    for naken in (False, True):
        check(text, naken)


def test_expressions_parse_the_same():
    for text in ("1+2*3", "defined_later - 1", "<x", "(1", "1 ? 2"):
        check(text, start="expression")


PIECES = re.split(
    r"\s+",
    """lda sta nop .db .org a: @l: x y s # ( ) [ ] , + - * / % << >> < > <= >= == != & | ^
    && || ! ~ = equ .set $ $12 %101 12 0x1F 017 'a' "s" ; label name.b""",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8), st.sampled_from(["", " ", "  "]))
def test_random_token_soup_parses_the_same(pieces, gap):
    check(gap + " ".join(pieces))

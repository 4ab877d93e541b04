"""Parsing by token shape gives exactly what Lark's own parse gives, for every line.

The shape parser reads the tables shipped in `grammar_tables`, so these tests also show they
still describe `grammar.lark`.
"""

import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w65tool.asm import assemble_source, grammar_tables, parser, tablegen
from w65tool.asm import shapes as shapes_module
from w65tool.asm.builder import LineBuilder, LineError
from w65tool.asm.dialects import NAKEN, W65
from w65tool.asm.parser import GRAMMAR, build_parser, shipped_tables
from w65tool.asm.shapes import UNPLANNED, ShapeParser, foldable

ROOT = Path(__file__).resolve().parent.parent
TABLES = shipped_tables(grammar_tables, GRAMMAR.read_bytes())
BUILDERS = {naken: LineBuilder(NAKEN if naken else W65) for naken in (False, True)}
LARK = {naken: build_parser(builder=BUILDERS[naken]) for naken in (False, True)}
SHAPES = {naken: ShapeParser(TABLES, BUILDERS[naken]) for naken in (False, True)}


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
    builder = BUILDERS[naken]
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
        BUILDERS[naken].warnings.clear()
        return True


def _source_lines() -> list[str]:
    texts = [p.read_text() for p in sorted((ROOT / "samples").glob("*.asm"))]
    texts += [p.read_text() for p in sorted((ROOT / "asm").glob("*.inc"))]
    lines = {line for text in texts for line in text.splitlines() if "/*" not in line}
    return sorted(lines)


def test_the_shipped_tables_are_those_of_the_grammar():
    assert TABLES is not None, "grammar.lark changed: run python -m w65tool.asm.tablegen"
    assert tablegen.main(["--check"]) == 0


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
        "  lda #<>label+1",
        "  .word `x, >`x+1, 3<>4, < >x",
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
    && || ! ~ = equ .set $ $12 %101 12 0x1F 017 'a' "s" ; label name.b <> ` >`""",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8), st.sampled_from(["", " ", "  "]))
def test_random_token_soup_parses_the_same(pieces, gap):
    check(gap + " ".join(pieces))


def test_a_run_of_plain_lines_never_imports_lark():
    code = (
        "import sys\n"
        "from w65tool.asm import assemble_source\n"
        "text = '.org $1000\\nstart: lda #<start+1\\n  sta $12,x\\n  bra start\\n'\n"
        "result = assemble_source(text)\n"
        "assert result.image.to_bin() == bytes.fromhex('A9 01 95 12 80 FA'), result.image\n"
        "print('lark' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


def test_a_changed_grammar_gets_its_tables_from_lark(monkeypatch):
    source = "  .org $1000\nl: lda #<l+2\n  .word l, *\n"
    expected = assemble_source(source).image.to_bin()
    monkeypatch.setattr(grammar_tables, "GRAMMAR_HASH", "another grammar")
    monkeypatch.setattr(parser, "_TABLES", [])
    monkeypatch.setattr(parser, "_SHAPES", {})
    monkeypatch.setattr(parser, "_MEMO", {False: {}, True: {}})
    assert assemble_source(source).image.to_bin() == expected
    assert parser._TABLES == [TABLES]  # the same tables, built by Lark from the grammar


def test_the_generated_module_reads_back_as_the_same_tables():
    grammar = GRAMMAR.read_bytes()
    module = types.ModuleType("generated")
    exec(tablegen.render(TABLES, grammar), module.__dict__)
    assert shipped_tables(module, grammar) == TABLES
    assert shipped_tables(module, grammar + b"\n// edited\n") is None


def test_whitespace_is_skipped_ahead_of_tokens_where_no_terminal_begins_with_it():
    assert TABLES.folded == foldable(TABLES.terminals, TABLES.ignore, TABLES.flags)
    assert len(TABLES.folded) == 1  # the grammar's %ignore of blanks
    blank = next(name for name in TABLES.folded)
    # a terminal that can begin with a blank would read differently: nothing is folded then
    spaced = (("SPACED", " x"), *TABLES.terminals)
    assert foldable(spaced, TABLES.ignore, TABLES.flags) == frozenset()
    assert blank in TABLES.ignore


def test_tokens_after_blanks_keep_their_columns():
    line = SHAPES[False].parse(" \tlda  $12 ,\tx \t", "start")
    assert line.statement.col == 3
    assert line.statement.operand.col == 8


def test_a_long_run_of_blanks_before_a_stray_character_fails_at_once():
    # blanks are skipped one character per repeat: a repeat of runs (`(?:[ \t]+)*`) would try
    # every split of the 64 blanks before giving up, which never ends
    assert "+)*" not in SHAPES[False]._regex.pattern
    assert SHAPES[False].parse("lda" + " " * 64 + "?", "start") is UNPLANNED


def test_a_line_longer_than_a_compiled_plan_is_stepped_through_and_not_kept():
    shapes = ShapeParser(TABLES, BUILDERS[False])
    items = ", ".join(f"{n} + x" for n in range(200))
    text = f"  .db {items}, 'a', \"str\""
    assert len(text) < shapes_module.LONG_LINE
    line = shapes.parse(text, "start")
    assert structure(line) == outcome(
        lambda t, s: LARK[False].parse(t, start=s), text, False, "start"
    )
    assert shapes._plans == {}


def test_a_very_long_line_parses_the_same_from_the_token_spans():
    shapes = ShapeParser(TABLES, BUILDERS[False])
    text = "lab: .dw " + ", ".join(f"${n:04X} - lab * 2" for n in range(2000))
    assert len(text) > shapes_module.LONG_LINE
    line = shapes.parse(text, "start")
    assert structure(line) == outcome(
        lambda t, s: LARK[False].parse(t, start=s), text, False, "start"
    )
    assert line.statement.args[-1].col == text.rindex("$") + 1


def test_new_shapes_past_the_cap_are_stepped_through(monkeypatch):
    monkeypatch.setattr(shapes_module, "MAX_COMPILED", 2)
    shapes = ShapeParser(TABLES, BUILDERS[False])
    lines = ["  nop", "  lda #1", "  lda (2),y", "x = 3 * 4", "  .db 1, 2, 3"]
    for text in lines:
        got = structure(shapes.parse(text, "start"))
        assert got == outcome(lambda t, s: LARK[False].parse(t, start=s), text, False, "start")
    assert len(shapes._plans) == 2

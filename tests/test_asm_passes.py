"""How many passes an assembly takes, and that the shortcuts to the fixed point change no byte."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w65tool.asm import AsmError, assemble_source
from w65tool.asm.expr import Sym
from w65tool.asm.forward import ForwardLabels
from w65tool.asm.parser import parse_line
from w65tool.asm.passes import Assembler


def _assemble(source: str):
    return assemble_source(source, warnings=["no-forward-dp"])


def _bytes(source: str) -> str:
    return _assemble(source).image.to_bin().hex(" ").upper()


def test_a_program_without_forward_references_takes_two_passes():
    # the first pass defines the labels, the second finds that nothing it read has changed
    assert _assemble(".org $1000\nstart: lda start\n  bra start\n").passes == 2


def test_forward_references_past_the_direct_page_are_sized_in_the_first_pass():
    source = ".org $1000\n" + "".join(f"  lda t{i}+2,x\n  jsr f{i}\n" for i in range(50))
    source += "".join(f"f{i}: rts\nt{i}: .db 1, 2, 3\n" for i in range(50))
    result = _assemble(source)
    assert result.passes == 2
    assert result.image.to_bin()[:3] == bytes.fromhex("BD 2F 11")  # t0+2 = $1000 + 6 * 50 + 1 + 2


def test_forward_references_that_stay_in_the_direct_page_take_two_passes():
    result = _assemble(".org $0010\n  lda fwd\n  lda fwd\nfwd: nop")
    assert result.image.to_bin().hex(" ").upper() == "A5 14 A5 14 EA"
    assert result.passes == 2


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # in the direct page region the reference may still be direct page: no bound
        (".org $0010\n  lda fwd\nfwd: nop", "A5 12 EA"),
        # an .org between: the label may lie below the reference
        (".org $1000\n  lda fwd\n.org $0040\nfwd: nop", "A5 40"),
        # the direct page follows the code: $1000 + 1 is not past D + $FF
        (".dpage $1000\n.org $1000\n  lda fwd\nfwd: nop", "A5 02 EA"),
        # an .org whose value is not a constant: no bounds at all
        ("base = $1000\n.org base\n  lda fwd\n.org $0040\nfwd: nop", "A5 40"),
        # past the direct page: absolute from the first pass
        (".org $1000\n  lda fwd+1\nfwd: nop", "AD 04 10 EA"),
        (".org $1000\n  lda fwd-$1000\nfwd: nop", "A5 02 EA"),
    ],
)
def test_forward_references_keep_their_sizes(source, expected):
    assert _bytes(source).endswith(expected)


def test_only_labels_defined_below_without_an_org_between_have_bounds():
    source = """
        .org $1000
        lda late
        lda twice
        lda early
early:  nop
        lda after
        .org $2000
after:  nop
late:   nop
twice:  nop
twice = 3
"""
    lines = source.splitlines()
    parsed = [parse_line(ln) for ln in lines]
    labels = ForwardLabels(parsed)
    at = {ln.strip(): i for i, ln in enumerate(lines)}
    assert labels.bound(Sym("late", 1), at["lda late"], 0x1000) is None  # .org between
    assert labels.bound(Sym("twice", 1), at["lda twice"], 0x1000) is None  # also assigned
    assert labels.bound(Sym("early", 1), at["lda early"], 0x1000) == 0x1001
    assert labels.bound(Sym("early", 1), at["early:  nop"], 0x1000) is None  # not below
    assert labels.bound(Sym("nowhere", 1), 0, 0x1000) is None


def random_program(lines, places) -> list[str]:
    """Source lines from drawn (template, k, n, big, org) tuples, with labels L0..L5 at the
    drawn places (so most references are forward) and the labels left over at the end."""
    source = []
    labels = iter(range(6))
    for n, (template, k, small, big, org) in enumerate(lines):
        if n in places:
            label = next(labels, None)
            if label is not None:
                source.append(f"L{label}:")
        source.append(template.format(k=k, n=small, big=big, org=org))
    source.extend(f"L{k}: nop" for k in labels)
    return source


def program_draws(templates, orgs: list[int], size: int):
    """What `random_program` takes, as strategies: up to `size` (template, k, n, big, org)
    tuples, and up to six places for the labels."""
    return (
        st.lists(
            st.tuples(
                templates,
                st.integers(0, 5),
                st.integers(0, 3),
                st.integers(0, 300),
                st.sampled_from(orgs),
            ),
            max_size=size,
        ),
        st.sets(st.integers(0, size), max_size=6),
    )


LINES = st.sampled_from(
    [
        "  lda L{k}",
        "  lda L{k}+{n},x",
        "  sta L{k}-{n}",
        "  ldx L{k},y",
        "  nop",
        "  .resb {big}",
        "  .db {n}",
        ".org ${org:04X}",
        "  jmp L{k}",
        "  lda (L{k}),y",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(*program_draws(LINES, [0, 0xE0, 0xF8, 0x100, 0x1000], 30))
def test_the_first_pass_bounds_change_no_byte(monkeypatch, lines, places):
    text = "\n".join(random_program(lines, places)) + "\n"

    def outcome():
        try:
            return _bytes(text)
        except AsmError as err:
            return err.render()

    with_bounds = outcome()
    with monkeypatch.context() as m:
        m.setattr(ForwardLabels, "bound", lambda self, e, line, pc: None)
        assert outcome() == with_bounds


# B is reached only by a jump from A, and A only by a jump from further down: the lines that
# set the widths arriving at B settle a pass after the widths themselves do.
CHAINED = """\
.org $1000
  sep #$30
  rts
B: {b}
  rts
  sep #$30
  rts
A: jmp B
  sep #$30
  jmp A
"""


def test_the_lines_that_set_widths_need_not_settle_when_no_note_names_them():
    result = _assemble(CHAINED.format(b="lda #1"))
    assert result.passes == 2
    code = result.image.to_bin().hex(" ").upper()
    assert code == "E2 30 60 A9 01 60 E2 30 60 4C 03 10 E2 30 4C 09 10"


def test_a_note_naming_where_a_width_was_set_waits_for_that_line_to_settle():
    result = _assemble(CHAINED.format(b="lda.w #1"))
    (warning,) = result.diagnostics
    assert warning.name == "width-override"
    assert warning.notes[0].origin.line == 9  # the sep before `jmp A`, which reaches B via A
    assert result.passes == 3


REUSED = st.sampled_from(
    [
        "  lda L{k}",
        "  lda L{k}+{n},x",
        "  sta A{k}",
        "  lda #A{k}",
        "  adc Z{k}",
        "  jmp L{k}",
        "  jsr L{k}",
        "  bne L{k}",
        "  brl L{k}",
        "  bra @l{n}",
        "@l{n}: clc",
        "  nop",
        "  xce",
        "  sep #$20",
        "  rep #$30",
        "  php",
        "  plp",
        "  lda #{big}",
        "  .resb {big}",
        "  .db {n}, L{k}",
        "  .dw L{k}-L{n}, *",
        "  .dl L{k}",
        ".org ${org:04X}",
        ".dpage ${org:04X}",
        "A{k} = L{n} - ${org:X}",
        "Z{k} = {n} * 2",
        "S .set {n}",
        "  lda S",
        "  lda nowhere",
        "  .scope\n  lda L{k}\n  .ends",
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(*program_draws(REUSED, [0, 0xE0, 0xF8, 0x100, 0x1000, 0x10000], 40))
def test_the_second_pass_reusing_the_first_changes_nothing(monkeypatch, lines, places):
    # forward references, sizes that change between passes, widths, errors and warnings: the
    # second pass, reusing what the first did on the lines whose inputs held, gives what a
    # full walk gives, down to the listing and the diagnostics
    source = random_program(lines, places)
    source.extend(f"A{k} = {k}" for k in range(6))
    source.extend(f"Z{k} = {k}" for k in range(6))
    text = "\n".join(source) + "\n"

    assert _passes(monkeypatch, text, reuse=True) == _passes(monkeypatch, text, reuse=False)


def _passes(monkeypatch, text: str, reuse: bool):
    """What each pass gave, and the assembly's result or error."""
    walk = Assembler._walk
    passes = []

    def recorded(self):
        if not reuse:
            self.first = None  # nothing to reuse: every line walked
        result = walk(self)
        diagnostics = [(d.render(), d.order) for d in result.sink.items]
        passes.append((list(result.out), list(result.addrs), list(result.states)))
        passes.append((result.entry, diagnostics, dict(result.symbols), dict(self.jumps_next)))
        return result

    with monkeypatch.context() as m:
        m.setattr(Assembler, "_walk", recorded)
        try:
            result = assemble_source(text)
        except AsmError as err:
            return passes, err.render()
    return passes, result.image.to_hex(), result.listing(), result.passes


@pytest.mark.parametrize(
    "source",
    [
        # a guess that grows moves the lines after it: they are walked again
        ".org $F0\n  lda L1\n  nop\n  .resb 20\nL1: nop\n  nop\n",
        # a label that moved, read after an .org that puts the reader where it was
        ".org $F0\n  lda L1\n  .resb 20\nL2: nop\nL1: nop\n.org $2000\n  lda L2\n",
        # widths that arrive at a label from a jump below, known only in the second pass
        ".org $1000\n  rep #$20\n  rts\nL1:\n  lda #1\n  rts\n  sep #$20\n  jmp L1\n",
        # a direct page set from a label further down
        ".org $1000\n.dpage L1\n  lda $10\nL1: nop\n",
        # a symbol set anew: its last value, where the pass before read another
        ".org $F0\n  lda L9\n.set S = *\n.org $2000\n  .dw S\n.set S = $F3\nL9: nop\n",
    ],
)
def test_the_second_pass_reuses_only_what_holds(monkeypatch, source):
    assert _passes(monkeypatch, source, reuse=True) == _passes(monkeypatch, source, reuse=False)


def test_a_label_that_moves_keeps_the_widths_of_the_jumps_to_it():
    # `s` moves back a byte when `f`'s cpy learns its 8-bit X from `jsr f`: the `jsr s`
    # below it, found at the old address in the pass before, still reaches it
    source = ".org $1000\nrts\nf: cpy #1\nplp\nrts\ns: jsr f\n.i8\njsr s\n"
    result = _assemble(source)
    assert _bytes(source) == "60 C0 01 28 60 20 01 10 20 05 10"
    assert result.symbols["s"] == 0x1005


@pytest.mark.parametrize(
    ("source", "name", "col"),
    [
        (".org $1000\n.res 1 - (end & 1)\nend: nop\n", "end", 1),
        (".org $1000\nmain: .res 1 - (@end & 1)\n  @end: nop\n", "@end", 3),
    ],
)
def test_a_program_that_never_settles_says_where_and_why(source, name, col):
    with pytest.raises(AsmError) as err:
        _assemble(source)
    (diagnostic,) = err.value.diagnostics
    assert diagnostic.message == (
        f"addresses did not settle after 24 passes: '{name}' is $1000 in one pass and $1001 in "
        "the next"
    )
    assert (diagnostic.origin.line, diagnostic.col) == (3, col)

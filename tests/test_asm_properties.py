"""Properties of the assembler and the disassembler together.

- Any bytes, at any address, disassembled with any starting widths, assemble back to
  themselves.
- No source, however broken, makes the assembler fail with anything but its own diagnostic
  (`AsmError`), and `python -m w65tool asm` never shows a traceback.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w65tool.asm import AsmError, assemble_source
from w65tool.disasm import State, disassemble, to_source

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- round trip -------------------------------------------------------------------------------


@st.composite
def placed_bytes(draw):
    data = draw(st.binary(min_size=1, max_size=48))
    org = draw(
        st.one_of(
            st.integers(0, 0xFFFFFF - len(data) + 1),
            st.sampled_from([0, 0xB6, 0x1000, 0xFF00, 0x10000 - len(data), 0x7E0000]),
        )
    )
    emulation = draw(st.booleans())
    state = (
        State(True, True, True) if emulation else State(draw(st.booleans()), draw(st.booleans()))
    )
    return data, org, state


def _round_trip(data: bytes, org: int, state: State) -> bytes:
    lines = disassemble(data, org, m8=state.m8, x8=state.x8, emulation=state.emulation)
    source = to_source([(state, lines)])
    result = assemble_source(source)
    assert result.image.low == org, source
    assert not result.diagnostics, (source, result.diagnostics)
    return result.image.to_bin()


@SETTINGS
@given(placed_bytes())
def test_assembling_a_disassembly_gives_back_the_bytes(case):
    data, org, state = case
    assert _round_trip(data, org, state) == data


@pytest.mark.parametrize(
    ("code", "org"),
    [("10 80", 0x000000), ("80 10", 0x7EFFF0)],
    ids=["back_past_bank_start", "forward_past_bank_end"],
)
def test_branch_wrapping_within_its_bank_round_trips(code, org):
    data = bytes.fromhex(code)
    assert _round_trip(data, org, State()) == data


def test_round_trip_of_every_opcode_in_every_width():
    # Each opcode followed by enough operand bytes for its longest form, and two NOPs.
    for code in range(256):
        data = bytes([code, 0x34, 0x12, 0x7E, 0xEA, 0xEA])
        for state in (State(True, True), State(False, False), State(True, False)):
            assert _round_trip(data, 0x8000, state) == data, f"{code:02X} {state}"


def test_round_trip_with_symbols_as_labels_and_constants():
    symbols = {"main": 0x1000, "PD7": 0xDF23, "ptr": 0x12, "far": 0x7E0000}
    data = bytes.fromhex("A5 12 AD 12 00 8D 23 DF AF 00 00 7E 80 F2")
    lines = disassemble(data, 0x1000, symbols=symbols)
    source = to_source([(State(), lines)], symbols=symbols)
    assert "bra main" in source and "lda.w ptr" in source
    assert assemble_source(source).image.to_bin() == data


def test_a_program_with_many_forward_references_assembles():
    count = 150
    source = ".org $1000\n" + "".join(f"        jmp f{i}\n" for i in range(count))
    source += "".join(f"f{i}:    nop\n" for i in range(count))
    image = assemble_source(source).image
    assert image.to_bin()[:3] == bytes.fromhex("4C C2 11")  # f0 = $1000 + 3 * 150
    assert len(image) == 4 * count


# -- robustness against broken sources --------------------------------------------------------

VALID = [
    *(path.read_text(encoding="utf-8") for path in sorted((ROOT / "samples").glob("*.asm"))),
    """\
; a small program
PD7 = $DF23
        .org $00B6
        .a8
        .i16
start:  sep #$20
        lda #$FF
        sta PD7
        ldx #$1234
loop:   dex
        bne loop
        lda table,x
        jsl $00E04B
        mvn $00,$7E
        bra start
table:  .byte 1, 2, 3, "ab"
        .word start, loop+2
""",
    to_source([(State(), disassemble(bytes(range(256)), 0x2000))]),
]

TOKENS = [
    "lda", "sta", "jmp", "bne", "mvn", "rep", "sep", "brl", "pei", ".org", ".byte", ".word",
    ".a8", ".a16", ".i16", ".macro", ".endm", ".if", ".endif", ".include", ".define", "equ",
    "=", "#", "<", ">", "^", "!", "(", ")", "[", "]", ",", ",x", ",y", ",s", "$", "*", "+",
    "-", "/", "%", "~", "&", "|", "<<", ">>", ":", ";", "'", '"', "\\", "\n", "\t", " ",
    "$FFFFFFFFFF", "0x", "0b2", "1h", "017", "label", "label:", "a", "x", "9999999999999999",
    "/*", "*/", "//", ".b", ".w", ".l",
]  # fmt: skip


@st.composite
def mutated_source(draw):
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 12)))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "unicode", "token"]))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif action == "swap" and j < len(text):
            text = text[:i] + text[j] + text[i + 1 : j] + text[i] + text[j + 1 :]
        elif action == "unicode":
            text = text[:i] + draw(st.text(min_size=1, max_size=3)) + text[i:]
        else:
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[i:]
    return text


def _assemble_or_diagnose(text: str) -> None:
    """Assemble; the only failure allowed is AsmError, which must render as a report."""
    try:
        assemble_source(text, filename="fuzz.asm")
    except AsmError as err:
        rendered = err.render()
        assert "fuzz.asm" in rendered or "error" in rendered


@SETTINGS
@given(mutated_source())
def test_mutated_sources_fail_only_with_diagnostics(text):
    _assemble_or_diagnose(text)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join))
def test_random_token_soup_fails_only_with_diagnostics(text):
    _assemble_or_diagnose(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_random_unicode_fails_only_with_diagnostics(text):
    _assemble_or_diagnose(text)


@settings(max_examples=5, deadline=None, derandomize=True)
@given(mutated_source())
def test_command_line_never_shows_a_traceback(tmp_path_factory, text):
    work = tmp_path_factory.mktemp("fuzz")
    path = work / "fuzz.asm"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "w65tool", "asm", str(path), "-o", str(work / "out.hex")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode == 1:
        assert "error" in result.stderr
        assert not (work / "out.hex").exists()  # nothing half-written

"""The dialect object `--compat` chooses, and what every peer dialect owes: errors at the
peer source's own columns, and never a traceback, however the source is mangled."""

from __future__ import annotations

import contextlib

import pytest
import test_asm_dialect_64tass as tass_programs
import test_asm_dialect_ca65 as ca65_programs
import test_asm_dialect_wdc as wdc_programs
from hypothesis import given, settings
from hypothesis import strategies as st

from w65tool.asm import AsmError, assemble_source
from w65tool.asm.dialects import COMPAT_NAMES, DIALECTS, NAKEN, dialect
from w65tool.cli import main
from w65tool.errors import W65Error


def test_compat_names_each_dialect_and_refuses_others():
    assert dialect(None) is DIALECTS["w65"]
    assert dialect("naken") is NAKEN
    assert dialect(NAKEN) is NAKEN
    with pytest.raises(W65Error, match="one of naken, ca65, 64tass, wdc"):
        dialect("tasm")


def test_the_command_line_offers_every_dialect(capsys):
    with pytest.raises(SystemExit):
        main(["asm", "--help"])
    assert "{" + ",".join(COMPAT_NAMES) + "}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("compat", "source", "where"),
    [
        ("ca65", ".p816\n    lda .loword(nosuch), x\n", (2, 17)),
        ("64tass", ' .cpu "65816"\nfoo  lda #<>nosuch + 1\n', (2, 13)),
        ("wdc", "X  LDA  nosuch\n", (1, 9)),
    ],
)
def test_an_error_in_a_rewritten_line_points_into_the_peer_source(compat, source, where):
    with pytest.raises(AsmError) as err:
        assemble_source(source, "p.s", compat=compat)
    first = err.value.diagnostics[0]
    assert first.message == "undefined symbol 'nosuch'"
    assert (first.origin.line, first.col) == where


def test_a_bad_cfg_file_is_one_line_naming_it(tmp_path, capsys):
    (tmp_path / "p.s").write_text(".p816\n.code\nnop\n")
    (tmp_path / "p.cfg").write_text("MEMORY { M: start = $1000, bank = 2; }\n")
    assert (
        main(["asm", "--compat", "ca65", "--cfg", str(tmp_path / "p.cfg"), str(tmp_path / "p.s")])
        == 1
    )
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"w65: error: {tmp_path / 'p.cfg'}: M: w65 does not read 'bank'"
    ]
    assert not (tmp_path / "p.hex").exists()


PROGRAMS = {
    "ca65": [ca65_programs.EXPRESSIONS, ca65_programs.WIDTHS, ca65_programs.SEGMENTS],
    "64tass": [tass_programs.OPERANDS, tass_programs.STRUCTURE],
    "wdc": [wdc_programs.PROGRAM],
}
PIECES = [
    *" \t:;,.#()[]<>^`*+-=!|&@?\\\"'$%0a",
    "::",
    ":=",
    "<>",
    ".lobyte(",
    ".macro",
    ".endm",
    ".block",
    ".bend",
    ".section",
    ".send",
    "ENDS",
    "CODE",
    "?1",
    ":-",
    ":+",
    "\\1",
    ".segment",
    ".pushseg",
    ".popseg",
    ".logical",
    ".here",
    ".repeat 2, I",
    ".endrep",
    ".proc",
    ".pend",
    ".asize",
    "z:",
    "@w",
    ",b",
]


@settings(max_examples=150, deadline=None)
@given(
    compat=st.sampled_from(sorted(PROGRAMS)),
    pick=st.integers(0, 10),
    edits=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from(PIECES)),
        min_size=1,
        max_size=4,
    ),
)
def test_a_mangled_peer_program_is_read_or_refused_never_crashes(compat, pick, edits):
    programs = PROGRAMS[compat]
    lines = programs[pick % len(programs)].splitlines()
    for row, col, piece in edits:
        i = row % len(lines)
        j = col % (len(lines[i]) + 1)
        lines[i] = lines[i][:j] + piece + lines[i][j:]
    with contextlib.suppress(AsmError):
        assemble_source("\n".join(lines) + "\n", "p.s", compat=compat)


@pytest.mark.parametrize(
    ("compat", "source"),
    [
        ("ca65", ".p816\n.org $10\n: dex\n bne :-\nend: rts\n"),
        ("64tass", ' .cpu "65816"\n* = $10\n- dex\n bne -\nend rts\n'),
    ],
)
def test_anonymous_labels_stay_out_of_the_symbols(compat, source):
    result = assemble_source(source, "p.s", compat=compat)
    assert result.symbols == {"end": 0x13}
    assert result.image.segments() == [(0x10, bytes.fromhex("CA D0 FD 60"))]


def test_w65_asm_takes_the_files_of_a_source_set(tmp_path):
    (tmp_path / "a.s").write_text(".p816\n.org $300\n.import b\n jsr b\n")
    (tmp_path / "b.s").write_text(".p816\n.export b\nb: rts\n")
    out = tmp_path / "a.bin"
    files = [str(tmp_path / "a.s"), str(tmp_path / "b.s")]
    assert main(["asm", "--compat", "ca65", *files, "--format", "bin", "-o", str(out)]) == 0
    assert out.read_bytes() == bytes.fromhex("20 03 03 60")


def test_repeat_counts_its_copies_in_every_dialect():
    assert assemble_source(".org 0\n.repeat 3, I\n.byte I * 2\n.endr\n").image.to_bin() == bytes(
        (0, 2, 4)
    )

"""One test per kind of mistake: the message, its file:line:col, and the caret under it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from w65tool.asm import AsmError, assemble_file, assemble_source

ROOT = Path(__file__).resolve().parent.parent


def report(source: str, **options) -> str:
    with pytest.raises(AsmError) as err:
        assemble_source(source, "prog.asm", **options)
    return err.value.render()


def first_error(text: str) -> list[str]:
    """The first error line with its quoted source and caret."""
    lines = text.splitlines()
    i = next(k for k, line in enumerate(lines) if ": error: " in line)
    return lines[i : i + 3]


@pytest.mark.parametrize(
    ("source", "where", "message", "caret"),
    [
        ("  ldz #1", "prog.asm:1:3", "unknown mnemonic 'ldz'", "  ^"),
        ("  sta #1", "prog.asm:1:8", "'sta' has no immediate (#e) addressing mode", "       ^"),
        ("  lda (1,y)", "prog.asm:1:8", "no addressing mode is written (y...)", "       ^"),
        ("  lda missing", "prog.asm:1:7", "undefined symbol 'missing'", "      ^"),
        ("x: nop\nx: nop", "prog.asm:2:1", "duplicate label 'x'", "^"),
        (
            "  .a8\n  lda #$100",
            "prog.asm:2:8",
            "immediate $0100 does not fit in 8 bits",
            "       ^",
        ),
        ("  bra far\n  .resb 140\nfar:", "prog.asm:1:7", "branch too far by 13 bytes", "      ^"),
        (
            '  .include "nowhere.inc"',
            "prog.asm:1:12",
            "cannot find include file 'nowhere.inc'",
            "           ^",
        ),
        ("  lda $12G", "prog.asm:1:7", "bad number '$12G'", "      ^"),
        ('  .db "abc', "prog.asm:1:7", "unterminated string", "      ^"),
        ("  lda 'a", "prog.asm:1:7", "unterminated character constant", "      ^"),
        (".macro m\n  m\n.endm\n  m", "prog.asm:2:3", "macro recursion: m -> m", "  ^"),
        ("  lda 1/0", "prog.asm:1:7", "division by zero", "      ^"),
        ("  lda 1 2", "prog.asm:1:9", "syntax error: unexpected '2'", "        ^"),
        ("  .if 1", "prog.asm:1:3", "'.if' has no '.endif'", "  ^"),
        ("  .endif", "prog.asm:1:3", "'.endif' without '.if'", "  ^"),
        ("  .bogus", "prog.asm:1:3", "unknown directive '.bogus'", "  ^"),
        ("  .a8 16", "prog.asm:1:3", "'.a8' takes 0 arguments, not 1", "  ^"),
        (
            "  .if 0\n  .else if 1\n  .endif",
            "prog.asm:2:9",
            "'.else' takes no operand; '.elif' tests another condition",
            "        ^",
        ),
        ("  .if 1\n  .endif x", "prog.asm:2:10", "'.endif' takes no operand", "         ^"),
        ("  .rept 1\n  .endr 2", "prog.asm:2:3", "'.endr' takes no operand", "  ^"),
        (".macro m\n.endm m", "prog.asm:2:1", "'.endm' takes no operand", "^"),
        ("  .undef A B", "prog.asm:1:10", "'.undef' takes one name", "         ^"),
        ("  .db", "prog.asm:1:3", "'.db' needs at least one value", "  ^"),
        ("  .scope\n  .ends x", "prog.asm:2:3", "'.ends' takes 0 arguments, not 1", "  ^"),
        ("  .if  1 2\n  .endif", "prog.asm:1:10", "syntax error: unexpected '2'", "         ^"),
        ("  .if  1/0\n  .endif", "prog.asm:1:8", "division by zero", "       ^"),
        ("  lda $1234,s", "prog.asm:1:7", "$1234 is not in the direct page", "      ^"),
    ],
)
def test_each_mistake_is_reported_at_its_place(source, where, message, caret):
    head, quoted, under = first_error(report(source))
    assert head.startswith(f"{where}: error: {message}")
    assert quoted == source.splitlines()[int(where.split(":")[1]) - 1]
    assert under == caret


def test_caret_keeps_the_lines_tabs():
    head, _quoted, under = first_error(report("\tlda\tmissing"))
    assert head.startswith("prog.asm:1:6: error:")
    assert under == "\t   \t^"  # the tabs of the line itself, so the caret cannot drift


def test_all_errors_of_the_run_are_reported():
    text = report("  ldz\n  lda missing\n  sta #1\n")
    assert text.count(": error: ") == 3
    assert text.rstrip().endswith("3 errors generated.")


def test_errors_stop_at_the_cap_with_a_message():
    # undefined symbols, branches out of reach and parse errors: 150 genuine errors
    source = ".org $1000\n" + "".join(
        f"  lda nowhere{i}\n  bra $9000\n  lda (\n" for i in range(50)
    )
    text = report(source)
    assert text.count(": error: ") == 100
    assert "prog.asm:101:7: error: undefined symbol 'nowhere33'" in text
    assert "nowhere34" not in text
    assert text.rstrip().endswith(
        "prog.asm: fatal: too many errors: stopped after the first 100\n100 errors generated."
    )


def test_errors_up_to_the_cap_are_all_shown():
    text = report("".join(f"  lda nowhere{i}\n" for i in range(99)))
    assert text.count(": error: ") == 99
    assert "fatal" not in text


def test_undefined_symbols_after_many_forward_references_are_reported():
    # 150 forward references resolve; the one genuine mistake after them is the only error
    source = "".join(f"  jmp f{i}\n" for i in range(150)) + "  jmp f150\n"
    source += "".join(f"f{i}: nop\n" for i in range(150))
    text = report(source)
    assert text.count(": error: ") == 1
    assert "prog.asm:151:7: error: undefined symbol 'f150'; did you mean 'f50'?" in text


def test_include_cycle(tmp_path):
    (tmp_path / "a.asm").write_text('.include "b.asm"\n')
    (tmp_path / "b.asm").write_text('nop\n  .include "a.asm"\n')
    with pytest.raises(AsmError) as err:
        assemble_file(tmp_path / "a.asm")
    text = err.value.render()
    assert "b.asm:2:12: error: include cycle: a.asm -> b.asm -> a.asm" in text
    assert "In file included from " in text and "a.asm:1:10:" in text


def test_error_in_an_included_file_shows_the_include_chain(tmp_path):
    (tmp_path / "main.asm").write_text('nop\n  .include "sub.inc"\n')
    (tmp_path / "sub.inc").write_text("  ldz #1\n")
    with pytest.raises(AsmError) as err:
        assemble_file(tmp_path / "main.asm")
    lines = err.value.render().splitlines()
    assert lines[0].startswith("In file included from ") and lines[0].endswith("main.asm:2:12:")
    assert lines[1].endswith("sub.inc:1:3: error: unknown mnemonic 'ldz'")


def test_error_in_a_macro_shows_where_it_was_expanded():
    text = report(".macro bad\n  ldz\n.endm\nnop\n  bad\n")
    lines = text.splitlines()
    assert lines[0] == "In macro 'bad' expanded at prog.asm:5:3:"
    assert lines[1] == "prog.asm:2:3: error: unknown mnemonic 'ldz'"


def test_duplicate_label_notes_the_first_definition():
    text = report("x: nop\nx: nop")
    assert "prog.asm:1:1: note: 'x' was first defined here" in text


def test_undefined_symbol_suggests_a_close_name():
    assert "did you mean 'counter'?" in report("counter = 1\n lda countr")


def test_error_after_define_substitution_points_at_the_source_text():
    head, _, _under = first_error(report(".define BAD ldz\n  BAD #1"))
    assert head.startswith("prog.asm:2:3: error: unknown mnemonic 'ldz'")


def test_binary_file_is_refused_in_one_line(tmp_path):
    path = tmp_path / "junk.asm"
    path.write_bytes(b"\x7fELF\x00\x01\x02")
    with pytest.raises(Exception) as err:
        assemble_file(path)
    assert "not a text file" in str(err.value)


def test_non_utf8_source_is_refused_with_its_line(tmp_path):
    path = tmp_path / "latin.asm"
    path.write_bytes(b"nop\n.db '\xe9'\n")
    with pytest.raises(Exception) as err:
        assemble_file(path)
    assert "line 2" in str(err.value)


def _w65(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "w65tool", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


def test_cli_prints_diagnostics_exits_1_and_writes_nothing(tmp_path):
    (tmp_path / "bad.asm").write_text("  nop\n  ldz #1\n")
    run = _w65("asm", "bad.asm", cwd=tmp_path)
    assert run.returncode == 1
    assert "bad.asm:2:3: error: unknown mnemonic 'ldz'" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "bad.hex").exists()


def test_cli_json_diagnostics_carry_the_same_fields(tmp_path):
    (tmp_path / "bad.asm").write_text("  ldz #1\n")
    run = _w65("asm", "bad.asm", "--diagnostics-format", "json", cwd=tmp_path)
    assert run.returncode == 1
    (diag,) = json.loads(run.stderr)["diagnostics"]
    assert (diag["file"], diag["line"], diag["column"]) == ("bad.asm", 1, 3)
    assert diag["severity"] == "error" and diag["message"] == "unknown mnemonic 'ldz'"
    assert diag["source"] == "  ldz #1"


def test_cli_random_bytes_give_a_clear_error(tmp_path):
    (tmp_path / "noise.asm").write_bytes(bytes(range(256)) * 4)
    run = _w65("asm", "noise.asm", cwd=tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "not a text file" in run.stderr


def test_cli_unknown_warning_name_is_an_error(tmp_path):
    (tmp_path / "ok.asm").write_text("nop\n")
    run = _w65("asm", "ok.asm", "-Wno-such-thing", cwd=tmp_path)
    assert run.returncode == 1
    assert "unknown warning" in run.stderr

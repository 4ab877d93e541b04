"""Reading a program FILE as `w65 run`, `load`, `sim` and the TUI do."""

from __future__ import annotations

import pytest

from w65tool.cli import main
from w65tool.errors import W65Error
from w65tool.image import Image
from w65tool.program import parse_defines, read_program

UNKNOWN_WIDTH = "        .org $1000\nstart:  lda #$12\n        stp\n"


def test_source_is_assembled_with_its_symbols_and_rendered_warnings(tmp_path):
    path = tmp_path / "w.asm"
    path.write_text(UNKNOWN_WIDTH)
    program = read_program(path)
    assert program.image.to_bin() == bytes.fromhex("A9 12 00 DB")
    assert program.symbols["start"] == 0x1000
    assert program.entry == 0x1000
    (warning,) = program.warnings
    assert warning.startswith(f"{path}:2:9: warning: the width of A is not known here")
    assert warning.splitlines()[1:] == ["start:  lda #$12", "        ^"]


def test_defines_and_include_dirs_reach_the_assembler(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "values.inc").write_text("VALUE = $42\n")
    path = tmp_path / "d.asm"
    path.write_text('.include "values.inc"\n.org $10\n.db VALUE, COUNT\n')
    program = read_program(path, include_dirs=[lib], defines=["COUNT=7"])
    assert program.image.to_bin() == bytes([0x42, 7])


def test_parse_defines():
    assert parse_defines(["A=1", "B", "C=x=y", "E="]) == {"A": "1", "B": "1", "C": "x=y", "E": ""}
    with pytest.raises(W65Error, match="-D =3: '' is not a name"):
        parse_defines(["=3"])


def test_images_and_binaries(tmp_path):
    image = Image()
    image.put(0x2000, b"\xea\x60")
    hex_path = tmp_path / "p.hex"
    hex_path.write_text(image.to_hex())
    assert read_program(hex_path).image.to_bin() == b"\xea\x60"
    bin_path = tmp_path / "p.bin"
    bin_path.write_bytes(b"\x01\x02")
    program = read_program(bin_path, org=0x300)
    assert (program.entry, program.symbols, program.warnings) == (0x300, {}, [])


@pytest.mark.parametrize(
    ("name", "text", "org", "message"),
    [
        ("missing.asm", None, None, "cannot read .*missing.asm: no such file"),
        ("empty.asm", "; nothing\n", None, "empty.asm: holds no bytes to load"),
        ("src.asm", ".org $10\nnop\n", 0x200, "--org is for .bin files"),
        ("raw.bin", b"\x00", None, "a raw binary needs a load address"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, name, text, org, message):
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text)
    elif text is not None:
        path.write_bytes(text)
    with pytest.raises(W65Error, match=message):
        read_program(path, org=org)


def test_w65_run_prints_warnings_as_the_assembler_renders_them(tmp_path, capsys):
    path = tmp_path / "w.asm"
    path.write_text(UNKNOWN_WIDTH)
    assert main(["run", str(path), "--board", "sxb", "--max-cycles", "100", "--json"]) == 0
    err = capsys.readouterr().err
    assert f"{path}:2:9: warning: the width of A is not known here" in err
    assert "Diagnostic(" not in err


def test_source_in_a_peer_dialect_is_read_with_compat(tmp_path):
    path = tmp_path / "prog.s"
    path.write_text(".p816\n.org $300\n: dex\n  bne :-\n  lda #.lobyte($1234)\n")
    program = read_program(path, compat="ca65")
    assert program.image.to_bin() == bytes.fromhex("CA D0 FD A9 34")

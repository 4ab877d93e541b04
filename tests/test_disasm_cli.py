"""`w65 dis`: files in, a complete source out, one-line errors for bad input."""

import subprocess
import sys
from pathlib import Path

import pytest

from w65tool.cli import main
from w65tool.image import Image

ROOT = Path(__file__).resolve().parent.parent


def _hex_file(tmp_path: Path, address: int, code: str, entry: int | None = None) -> Path:
    image = Image()
    image.put(address, bytes.fromhex(code))
    image.entry = entry
    path = tmp_path / "prog.hex"
    path.write_text(image.to_hex())
    return path


def _body(text: str) -> list[str]:
    """Source lines without comments and blank lines."""
    rows = (row.split(";")[0].strip() for row in text.splitlines())
    return [row for row in rows if row]


def test_dis_hex_prints_a_source_with_org_and_widths(tmp_path, capsys):
    path = _hex_file(tmp_path, 0x00B6, "E2 20 A9 FF 8D 23 DF 80 F7")
    assert main(["dis", str(path)]) == 0
    assert _body(capsys.readouterr().out) == [
        ".org $00B6",
        ".a8",
        ".i8",
        "sep #$20",
        ".a8",
        ".i8",
        "lda #$FF",
        "sta $DF23",
        "bra $00B6",
    ]


def test_dis_start_widths_come_from_options(tmp_path, capsys):
    path = _hex_file(tmp_path, 0x2000, "A9 34 12 A2 78 56")
    assert main(["dis", str(path), "--m16", "--x16"]) == 0
    body = _body(capsys.readouterr().out)
    assert body[1:] == [".a16", ".i16", "lda #$1234", "ldx #$5678"]


def test_dis_emulation_overrides_16_bit_options(tmp_path, capsys):
    path = _hex_file(tmp_path, 0x2000, "A9 34 12")
    assert main(["dis", str(path), "--m16", "--emulation"]) == 0
    out = capsys.readouterr().out
    assert "emulation mode" in out and "lda #$34" in out


def test_dis_binary_needs_and_uses_org(tmp_path, capsys):
    path = tmp_path / "rom.bin"
    path.write_bytes(bytes.fromhex("EA 6B"))
    assert main(["dis", str(path)]) == 1
    assert "--org" in capsys.readouterr().err
    assert main(["dis", str(path), "--org", "E000"]) == 0
    assert _body(capsys.readouterr().out)[0] == ".org $E000"


def test_dis_start_and_length_select_a_range(tmp_path, capsys):
    path = _hex_file(tmp_path, 0x1000, "EA EA A9 05 EA")
    assert main(["dis", str(path), "--start", "$1002", "--length", "2"]) == 0
    assert _body(capsys.readouterr().out) == [".org $1002", ".a8", ".i8", "lda #$05"]


def test_dis_range_without_bytes_is_an_error(tmp_path, capsys):
    path = _hex_file(tmp_path, 0x1000, "EA")
    assert main(["dis", str(path), "--start", "2000"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no bytes to disassemble in the range" in err


def test_dis_symbols_name_operands(tmp_path, capsys):
    path = _hex_file(tmp_path, 0x1000, "8D 23 DF 80 FB")
    sym = tmp_path / "prog.sym"
    sym.write_text("; symbols\nmain = $1000\nPD7 = $DF23\nCOUNT equ 10\nal 00C000 .vice\n")
    assert main(["dis", str(path), "--symbols", str(sym)]) == 0
    body = _body(capsys.readouterr().out)
    assert "PD7 = $DF23" in body and "main:" in body and "bra main" in body


def test_dis_bad_symbol_line_names_file_and_line(tmp_path, capsys):
    path = _hex_file(tmp_path, 0x1000, "EA")
    sym = tmp_path / "bad.sym"
    sym.write_text("main = $1000\nthis is not a symbol\n")
    assert main(["dis", str(path), "--symbols", str(sym)]) == 1
    assert capsys.readouterr().err == (
        f"{sym}:2:1: error: not a symbol definition: 'this is not a symbol'\n"
    )


def test_dis_writes_the_output_file(tmp_path):
    path = _hex_file(tmp_path, 0x1000, "EA", entry=0x1000)
    out = tmp_path / "prog.asm"
    assert main(["dis", str(path), "-o", str(out)]) == 0
    text = out.read_text()
    assert "entry point $001000" in text and "nop" in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.hex", None, "cannot read"),
        ("junk.hex", "hello\n", "not an Intel HEX record"),
        ("bad.s28", "S2FF\n", "S-record"),
        ("binary.hex", b"\x00\xff\xfe", "not a text file"),
    ],
)
def test_dis_bad_files_fail_in_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = subprocess.run(
        [sys.executable, "-m", "w65tool", "dis", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("error:") == 1  # a located error is not prefixed twice


def test_dis_of_assembly_source_says_to_assemble_it_first(tmp_path, capsys):
    path = tmp_path / "prog.asm"
    path.write_text("        nop\n")
    assert main(["dis", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"w65: error: {path}: is assembly source; w65 dis reads Intel HEX, S-records or raw "
        f"binary\nw65: hint: assemble it first (w65 asm {path}) and disassemble the .hex\n"
    )


def test_dis_bad_address_is_a_usage_error(tmp_path, capsys):
    path = _hex_file(tmp_path, 0x1000, "EA")
    with pytest.raises(SystemExit) as exit_info:
        main(["dis", str(path), "--start", "zz"])
    assert exit_info.value.code == 2
    assert "not a hex address" in capsys.readouterr().err


PROGRAM = """\
PD7 = $DF23
        .org $2000
        .a8
        .i8
start:  clc
        xce
        rep #$30
        lda #$1234
        ldx #buffer
        sep #$20
loop:   lda buffer,x
        sta PD7
        sta $12
        sta !$12
        sta >$12
        mvn #$7E,#$00
        bne loop
        jsl $00E04B
        brl loop
buffer: .byte 1, 2
"""


@pytest.mark.parametrize("symbols", ["none", "text", "json"])
def test_dis_output_assembles_back_to_the_same_file(tmp_path, capsys, symbols):
    src = tmp_path / "prog.asm"
    src.write_text(PROGRAM)
    hex_path = tmp_path / "prog.hex"
    args = ["asm", str(src), "-o", str(hex_path)]
    sym = tmp_path / ("prog.json" if symbols == "json" else "prog.sym")
    if symbols != "none":
        args += ["--symbols", str(sym)]
    assert main(args) == 0
    dis_args = ["dis", str(hex_path), "-o", str(tmp_path / "back.asm"), "--io-names"]
    if symbols != "none":
        dis_args += ["--symbols", str(sym)]
    assert main(dis_args) == 0
    back = (tmp_path / "back.asm").read_text()
    assert "sta PD7" in back
    if symbols != "none":
        assert "bne loop" in back and "buffer:" in back
    assert main(["asm", str(tmp_path / "back.asm"), "-o", str(tmp_path / "back.hex")]) == 0
    assert capsys.readouterr().err == ""  # no warnings either
    original = Image.load(hex_path)
    assert Image.load(tmp_path / "back.hex").data == original.data

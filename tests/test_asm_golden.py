"""The assembler against independent bytes: all 256 opcodes, in 8-bit and 16-bit widths.

`tests/data/opcodes_golden.tsv` was made by 64tass and checked against ca65 and the 65C816
test vectors (see `tests/data/make_opcodes_golden.py`); nothing in it comes from `isa.py`.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from w65tool.asm import assemble_source

GOLDEN = Path(__file__).parent / "data" / "opcodes_golden.tsv"
ORG = 0x8000  # the golden branch targets are absolute addresses from here


def _rows() -> list[tuple[int, str, bytes, bytes]]:
    rows = []
    for row in GOLDEN.read_text().splitlines():
        if not row.startswith("#"):
            code, source, narrow, wide = row.split("\t")
            rows.append((int(code, 16), source, bytes.fromhex(narrow), bytes.fromhex(wide)))
    return rows


ROWS = _rows()
WIDTHS = pytest.mark.parametrize("wide", [False, True], ids=["8bit", "16bit"])


def _w65_source(line: str, wide: bool) -> str:
    widths = ".a16\n.i16" if wide else ".a8\n.i8"
    return f".org ${ORG:04X}\n{widths}\n        {line}\n"


def test_golden_file_covers_every_opcode_once():
    assert [code for code, *_ in ROWS] == list(range(256))
    assert all(narrow[0] == code == wide[0] for code, _, narrow, wide in ROWS)


@WIDTHS
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row[0]:02X}-{row[1]}")
def test_opcode_assembles_to_the_golden_bytes(row, wide):
    _, source, narrow, wide_bytes = row
    image = assemble_source(_w65_source(source, wide)).image
    assert image.low == ORG
    assert image.to_bin() == (wide_bytes if wide else narrow)


@pytest.mark.skipif(shutil.which("64tass") is None, reason="64tass is not installed")
@WIDTHS
def test_64tass_still_agrees_with_the_golden_file_and_with_w65(tmp_path, wide):
    # One 64tass run per width: each instruction assembled as if at $8000, placed one after
    # another, so the output is the golden bytes in opcode order.
    widths = " .al\n .xl\n" if wide else " .as\n .xs\n"
    body = "".join(f" .logical ${ORG:04X}\n {source}\n .here\n" for _, source, _, _ in ROWS)
    (tmp_path / "all.s").write_text(" * = $0\n" + widths + body)
    result = subprocess.run(
        ["64tass", "--m65816", "--nostart", "--quiet", "-o", "all.bin", "all.s"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    theirs = (tmp_path / "all.bin").read_bytes()
    golden = b"".join(wide_bytes if wide else narrow for _, _, narrow, wide_bytes in ROWS)
    ours = b"".join(
        assemble_source(_w65_source(source, wide)).image.to_bin() for _, source, _, _ in ROWS
    )
    assert theirs == golden
    assert ours == theirs

"""Sources written in ca65's and 64tass's own spellings assemble to the bytes those tools make.

Each source is fed, unchanged, to w65 and to the peer; the peer's output is the oracle.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from w65tool.asm import assemble_file

DATA = b"ABCDEFGH"

CA65 = """\
.p816
.setcpu "65816"
.org $1000
.incbin "data.bin", 2, 3
.addr $1234, start
.res 2, $EA
start:
.res 3
.byte 1
.align 16
.byte 2
.align 4, $EA
.word 3 <> 4, 3 <> 3
"""

TASS = """\
.cpu "65816"
* = $1000
.binary "data.bin", 6
.text "hi", 0
.fill 2, $ff
* = * + 2
.byte 1
.align 16
.byte 2
.align 4, $ea
.al
  lda #<>$123456
.word <>$123456, >`$123456
.byte `$123456+$10000
"""


def _peer(tool: str, tmp_path) -> bytes:
    if tool == "ca65":
        (tmp_path / "prog.s").write_text(CA65)
        commands = [["ca65", "prog.s", "-o", "prog.o"], ["ld65", "-t", "none", "prog.o"]]
        commands[1] += ["-o", "peer.bin"]
    else:
        (tmp_path / "prog.s").write_text(TASS)
        commands = [["64tass", "--nostart", "--quiet", "prog.s", "-o", "peer.bin"]]
    for command in commands:
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    return (tmp_path / "peer.bin").read_bytes()


@pytest.mark.parametrize(
    ("tool", "compat"), [("ca65", None), ("ca65", "ca65"), ("64tass", None), ("64tass", "64tass")]
)
def test_the_peer_spellings_give_the_peer_bytes(tool, compat, tmp_path):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    (tmp_path / "data.bin").write_bytes(DATA)
    peer = _peer(tool, tmp_path)
    image = assemble_file(tmp_path / "prog.s", compat=compat).image
    # the peers fill reserved gaps with zeros in a flat file; w65 leaves them out of the image
    flat = bytearray(image.high - image.low + 1)
    for start, data in image.segments():
        flat[start - image.low : start - image.low + len(data)] = data
    assert bytes(flat) == peer

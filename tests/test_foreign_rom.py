"""benchmarks/foreign_rom.py on a small program assembled here: its figures' format, its trap
report (checked against py65), and one clear line for each kind of bad input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from w65tool.asm import assemble_source
from w65tool.image import Image

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "foreign_rom.py"

# 55 instructions, then `done: jmp done` at $0413; `bne fail` at $040E is passed, not taken.
PROGRAM = """
        .org $0400
        .a8
        .i8
start:  ldx #10
        lda #0
loop:   clc
        adc #3
        sta $20,x
        dex
        bne loop
        cpx #0
fail:   bne fail
        sta $0300
done:   jmp done
        .org $FFFC
        .word start
"""


def script(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def program(tmp_path_factory) -> Path:
    result = assemble_source(PROGRAM)
    assert not result.diagnostics
    path = tmp_path_factory.mktemp("rom") / "loop.hex"
    result.image.save(path)
    return path


def test_figures(program):
    done = script(program, "--start", "0x400", "--instructions", "3000", "--rounds", "1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "3,000 instructions from $0400, best of 1 interleaved rounds"
    assert re.fullmatch(r"py65 step\(\): +\d+\.\d\d M instr/s", lines[1])
    assert re.fullmatch(r"ours run\(\): +\d+\.\d\d M instr/s, \d+\.\d\dx py65", lines[2])
    assert re.fullmatch(r"ours step\(\): +\d+\.\d\d M instr/s, \d+\.\d\dx py65", lines[3])
    assert lines[4] == (
        "note: the program reaches a trap at $0413 after 55 instructions; "
        "the figures include the time spent in it"
    )


def test_opcode_profile(program):
    done = script(
        program, "--start", "0x400", "--instructions", "3000", "--rounds", "1", "--opcodes", "3"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "the first 3,000 instructions from $0400; each opcode alone, best of 1"
    assert lines[1].split() == ["opcode", "share", "ours", "ns", "py65", "ns", "ratio"]
    # 2,945 passes of the trap's jmp, 11 bne (one is `bne fail`), 10 of the loop's others
    assert lines[2] == "$4C jmp abs           98.2%   (not measured alone)"
    assert re.fullmatch(r"\$D0 bne rel8 +0\.4% +\d+ +\d+ +\d+\.\d\dx", lines[3])
    assert re.fullmatch(r"\$18 clc imp +0\.3% +\d+ +\d+ +\d+\.\d\dx", lines[4])
    assert re.fullmatch(
        r"weighted over the 0\.7% measured: ours \d+ ns, py65 \d+ ns an instruction, "
        r"\d+\.\d\dx py65",
        lines[5],
    )


def test_trap_from_the_reset_vector(program):
    done = script(program, "--to-trap")
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert re.fullmatch(r"trap at \$0413 after 55 instructions, 141 cycles .*", first)
    assert second.startswith("py65 agrees (")
    assert second.endswith(
        "the same trap after 55 instructions, the same A, X, Y, S, flags and 64 KiB"
    )


# Decimal $99 + $01: the 65C816 sets Z and clears N by the decimal result ($00), an NMOS
# 6502 (py65) by the binary one ($9A).
DECIMAL = """
        .org $0400
        .a8
        .i8
start:  sed
        clc
        lda #$99
        adc #$01
        php
        pla
        sta $10
done:   jmp done
"""


def test_a_difference_is_reported(tmp_path):
    path = tmp_path / "decimal.hex"
    assemble_source(DECIMAL).image.save(path)
    done = script(path, "--start", "400", "--to-trap")
    assert done.returncode == 1
    first, second = done.stdout.splitlines()
    assert first.startswith("trap at $040A after 7 instructions, 18 cycles")
    assert second.endswith(
        "DISAGREES: A: ours $3F, py65 $BD; P: ours $0D, py65 $8D; "
        "memory differs in 2 bytes, the first at $0010"
    )


def test_raw_binary_without_a_trap(tmp_path):
    path = tmp_path / "count.bin"
    path.write_bytes(bytes([0xE8, 0x4C, 0x00, 0x10]))  # $1000: inx / jmp $1000
    done = script(path, "--load", "1000", "--start", "$1000", "--to-trap", "--limit", "500")
    assert done.returncode == 1
    first, second = done.stdout.splitlines()
    stop = r"no trap after [\d,]+ instructions \(--limit 500\): stopped at \$10\d\d"
    assert re.fullmatch(stop, first)
    assert second.startswith("py65 agrees (")


def hex_of(image: Image, path: Path) -> Path:
    image.save(path)
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "{E}cannot read {path}: no such file"),
        ("checksum", "{path}:1:1: error: Intel HEX checksum is $00, expected $15"),
        ("binary", "{E}{path}: a raw binary needs its load address (--load ADDR)"),
        ("high", "{E}{path}: the program reaches $10000; py65 has 64 KiB ($0000-$FFFF)"),
        ("no start", "{E}{path}: no start address in the program; give --start ADDR"),
    ],
)  # fmt: skip
def test_bad_input(tmp_path, case, message):
    if case == "missing":
        path = tmp_path / "absent.hex"
    elif case == "checksum":
        path = tmp_path / "bad.hex"
        path.write_text(":01000000EA00\n:00000001FF\n")
    elif case == "binary":
        path = tmp_path / "rom.bin"
        path.write_bytes(b"\xea")
    elif case == "high":
        image = Image()
        image.put(0xFFFF, b"\xea\xea")
        path = hex_of(image, tmp_path / "high.hex")
    else:
        image = Image()
        image.put(0x0400, b"\xea")
        path = hex_of(image, tmp_path / "nostart.hex")
    done = script(path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == message.format(E="foreign_rom: error: ", path=path) + "\n"

"""Generate `opcodes_golden.tsv`: one WDC-syntax instruction per 65C816 opcode, with its bytes.

Run once from the project root: `python tests/data/make_opcodes_golden.py`. It needs 64tass,
ca65 and ld65, and reads nothing of w65: the bytes are what two other assemblers make of the
source, so the golden test checks w65's assembler against an independent oracle.

How: every mnemonic of the WDC datasheet is tried with every operand shape; 64tass (with 8-bit
registers) sorts the lines it accepts by the opcode byte they produce. For each opcode the
first line (in the order of `SHAPES`, longest operands first, so a source never depends on the
assembler picking a longer form for a small value) that 64tass and ca65+ld65 both assemble to
the same bytes, with 8-bit and with 16-bit registers, becomes that opcode's source. As a
third check the instruction lengths are compared with the program bytes the 65C816 fetches in
the SingleStepTests vectors (`shared/data`), when present. The result was hand-checked against
the W65C816S datasheet's opcode matrix.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "opcodes_golden.tsv"
VECTORS = HERE.parents[2] / "shared" / "data" / "65816_singlestep_sample.jsonl.gz"
ORG = 0x8000

# The 92 mnemonics of the W65C816S datasheet (JML and JSL are its names for JMP/JSR long).
_DATASHEET_MNEMONICS = """
adc and asl bcc bcs beq bit bmi bne bpl bra brk brl bvc bvs clc cld cli clv cmp cop cpx cpy
dec dex dey eor inc inx iny jml jmp jsl jsr lda ldx ldy lsr mvn mvp nop ora pea pei per pha
phb phd phk php phx phy pla plb pld plp plx ply rep rol ror rti rtl rts sbc sec sed sei sep
sta stp stx sty stz tax tay tcd tcs tdc trb tsb tsc tsx txa txs txy tya tyx wai wdm xba xce
"""
MNEMONICS = _DATASHEET_MNEMONICS.split()

# Operand shapes in WDC syntax. `#$12` before none, so BRK, COP and WDM show their signature
# byte. Long before absolute before direct page: `jmp $1234` must be found before `jmp $12`
# could be. `$8012` is a branch target 18 bytes past ORG.
SHAPES = [
    "a",
    "#$12",
    "",
    "$123456",
    "$123456,x",
    "$1234",
    "$1234,x",
    "$1234,y",
    "($1234)",
    "($1234,x)",
    "[$1234]",
    "$12",
    "$12,x",
    "$12,y",
    "($12)",
    "($12,x)",
    "($12),y",
    "[$12]",
    "[$12],y",
    "$12,s",
    "($12,s),y",
    "$8012",
    "$12,$34",
]


def run_64tass(line: str, wide: bool, workdir: Path) -> bytes | None:
    """Bytes 64tass makes of `line` at ORG, or None when it rejects it."""
    widths = ".al\n .xl" if wide else ".as\n .xs"
    src = workdir / "t.s"
    out = workdir / "t.bin"
    src.write_text(f" * = ${ORG:04X}\n {widths}\n {line}\n")
    result = subprocess.run(
        ["64tass", "--m65816", "--nostart", "--quiet", "-o", str(out), str(src)],
        capture_output=True,
        text=True,
    )
    return out.read_bytes() if result.returncode == 0 else None


def ca65_dialect(line: str) -> str:
    """The same instruction as ca65 2.18 spells it.

    ca65 writes the signature of BRK/COP/WDM without `#`, and takes MVN/MVP operands as
    24-bit addresses whose bank byte it uses, so bank $12 is written $120000.
    """
    mnemonic, _, operand = line.partition(" ")
    if mnemonic in ("brk", "cop", "wdm"):
        return f"{mnemonic} {operand.lstrip('#')}"
    if mnemonic in ("mvn", "mvp"):
        src, dst = operand.split(",")
        return f"{mnemonic} {src}0000,{dst}0000"
    return line


def run_ca65(line: str, wide: bool, workdir: Path) -> bytes | None:
    """Bytes ca65+ld65 make of `line` at ORG, or None when they reject it."""
    widths = ".a16\n .i16" if wide else ".a8\n .i8"
    (workdir / "c.s").write_text(f" .p816\n {widths}\n .org ${ORG:04X}\n {ca65_dialect(line)}\n")
    (workdir / "c.cfg").write_text(
        "MEMORY { M: start = $0, size = $1000000, file = %O; }\n"
        "SEGMENTS { CODE: load = M, type = rw; }\n"
    )
    for cmd in (
        ["ca65", "-o", "c.o", "c.s"],
        ["ld65", "-C", "c.cfg", "-o", "c.bin", "c.o"],
    ):
        if subprocess.run(cmd, cwd=workdir, capture_output=True).returncode != 0:
            return None
    return (workdir / "c.bin").read_bytes()


def agreed(line: str, workdir: Path) -> tuple[bytes, bytes] | None:
    """(8-bit bytes, 16-bit bytes) when 64tass and ca65 make the same of `line`, else None."""
    both = []
    for wide in (False, True):
        got = run_64tass(line, wide, workdir)
        if got is None or got != run_ca65(line, wide, workdir):
            return None
        both.append(got)
    return both[0], both[1]


def fetched_lengths() -> dict[tuple[int, bool], int]:
    """(opcode, 16-bit registers) -> bytes the 65C816 reads from its PC, per the test vectors.

    Native-mode vectors whose M and X bits are equal; the length is the run of program fetches
    (VPA) at the opcode's address and the next ones in the program bank.
    """
    lengths: dict[tuple[int, bool], int] = {}
    with gzip.open(VECTORS, "rt") as fh:
        for text in fh:
            test = json.loads(text)
            start = test["initial"]
            p = start["p"]
            if start["e"] or bool(p & 0x20) != bool(p & 0x10):
                continue
            code = int(test["name"].split()[0], 16)
            count = 0
            for address, _value, flags in test["cycles"]:
                pc = (start["pbr"] << 16) | ((start["pc"] + count) & 0xFFFF)
                if flags[1] == "p" and address == pc:
                    count += 1
            if code == 0x42:  # WDM reads its signature byte without VPA; PC still moves by 2
                count = (test["final"]["pc"] - start["pc"]) & 0xFFFF
            lengths.setdefault((code, not p & 0x20), count)
    return lengths


def main() -> int:
    for tool in ("64tass", "ca65", "ld65"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed", file=sys.stderr)
            return 1
    candidates: dict[int, list[str]] = defaultdict(list)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for shape in SHAPES:
            for mnemonic in MNEMONICS:
                line = f"{mnemonic} {shape}".strip()
                got = run_64tass(line, False, work)
                if got:
                    candidates[got[0]].append(line)
        for code in range(256):
            for line in candidates[code]:
                if pair := agreed(line, work):
                    rows.append((code, line, *pair))
                    break
            else:
                tried = ", ".join(candidates[code]) or "nothing"
                print(f"opcode {code:02X}: no source both accept (tried {tried})", file=sys.stderr)
                return 1
    if VECTORS.exists():
        lengths = fetched_lengths()
        for code, line, narrow, wide in rows:
            for is_wide, got in ((False, narrow), (True, wide)):
                fetched = lengths.get((code, is_wide))
                if fetched is not None and fetched != len(got):
                    print(f"{line!r}: {len(got)} bytes, the CPU fetches {fetched}", file=sys.stderr)
                    return 1
    header = [
        "# 65C816 opcodes: WDC-syntax source, bytes with 8-bit and with 16-bit registers (M=X).",
        "# Generated by tests/data/make_opcodes_golden.py with 64tass (--m65816) and checked",
        "# byte for byte against ca65+ld65 and for length against the 65C816 SingleStepTests",
        "# vectors; assembled at $8000 (branch targets are absolute addresses); hand-checked",
        "# against the W65C816S datasheet opcode matrix. Independent of w65's isa.py.",
        "# opcode\tsource\tbytes_8bit\tbytes_16bit",
    ]
    body = [
        f"{code:02X}\t{line}\t{a.hex(' ').upper()}\t{b.hex(' ').upper()}"
        for code, line, a, b in rows
    ]
    OUT.write_text("\n".join(header + body) + "\n")
    print(f"wrote {OUT} ({len(rows)} opcodes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast `w65 asm` is, against ca65+ld65 and 64tass in the same run.

    python benchmarks/asm_speed.py [--lines 20000] [--repeat 5]

1. A program of `--lines` source lines (labels, every addressing mode, branches, forward
   references, data directives, expressions) is generated in the syntax all three assemblers
   accept; each tool gets it with its own three-line header (CPU, origin, 8-bit registers).
   Each whole process (`python -m w65tool asm`, `ca65` then `ld65`, `64tass`) is timed,
   best of `--repeat`, the tools taking turns; the outputs are compared byte for byte.
   Target: w65 within 5x of ca65+ld65 (wall time). The CPU time of each tool's processes is
   printed too, with its ratio: on a busy shared machine it is the steadier figure. w65 also
   reads the ca65 and 64tass files themselves (`--compat ca65`, `--compat 64tass`): those
   runs are timed and their bytes compared with the rest too.
2. `w65 asm samples/led_blink.asm`, whole process, against the floor of `python -c pass`.
   Target: under 150 ms.

A missing peer is reported and skipped; the script still times the rest.

The package's bytecode is compiled first (`compileall`), as installing it does: where
PYTHONDONTWRITEBYTECODE is set, Python would otherwise compile every module of a checkout
afresh on each run, which times the compiler rather than the assembler.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

ORG = 0x0800
SAMPLE = ROOT / "samples" / "led_blink.asm"
RATIO_TARGET = 5.0
SAMPLE_TARGET_MS = 150.0

HEADERS = {
    "w65": "        .org ${org:04X}\n        .a8\n        .i8\n",
    "64tass": "        * = ${org:04X}\n        .as\n        .xs\n",
    "ca65": "        .p816\n        .a8\n        .i8\n        .org ${org:04X}\n",
}
# w65 reading the peers' own files of the program in their dialects (--compat): timed and
# compared with the rest
COMPAT_RUNS = {"w65 ca65": ("ca65", "ca65.s"), "w65 64tass": ("64tass", "64tass.s")}
LD65_CONFIG = """\
MEMORY { M: start = $0, size = $1000000, file = %O; }
SEGMENTS { CODE: load = M, type = rw; }
"""

DP_NAMES = [f"zp{i}" for i in range(16)]
ABS_NAMES = [f"var{i}" for i in range(16)]
LONG_NAMES = [f"far{i}" for i in range(8)]

# Instruction templates in the common syntax, by kind; {dp} {abs} {long} are constants,
# {near} a label within branch range, {mid} one within 16-bit relative range, {far} any code
# label, {table} a data label, {n} a small number, {imm} a byte.
TEMPLATES = [
    "lda #${imm:02X}",
    "ldx #${imm:02X}",
    "ldy #{n}",
    "cmp #${imm:02X}",
    "and #%{bits}",
    "ora #${imm:02X}",
    "adc #{n}",
    "sbc #1",
    "cpx #${imm:02X}",
    "lda #<{table}",
    "lda #>{table}",
    "lda {dp}",
    "sta {dp}",
    "lda {dp},x",
    "ldx {dp},y",
    "stz {dp}",
    "inc {dp}",
    "lda ({dp}),y",
    "lda ({dp})",
    "sta ({dp},x)",
    "lda [{dp}]",
    "sta [{dp}],y",
    "lda {abs}",
    "sta {abs},x",
    "lda {abs},y",
    "inc {abs}",
    "stz {abs}+{n}",
    "lda {table}+{n},x",
    "sta {abs}+2*{n}",
    "lda {long}",
    "sta {long},x",
    "lda {n},s",
    "sta ({n},s),y",
    "asl a",
    "inc a",
    "lsr a",
    "rol a",
    "clc",
    "sec",
    "tax",
    "tay",
    "txa",
    "inx",
    "dey",
    "pha",
    "pla",
    "phx",
    "ply",
    "xba",
    "nop",
    "bne {near}",
    "beq {near}",
    "bcc {near}",
    "bcs {near}",
    "bpl {near}",
    "bmi {near}",
    "bra {near}",
    "jsr {far}",
    "jmp {far}",
    "jsl {long}",
    "brl {mid}",
    "per {mid}",
    "pea {abs}",
    "pei ({dp})",
    "jmp ({abs})",
    "jmp ({abs},x)",
    "sep #$30",  # no REP: ca65 and 64tass do not follow it, w65 does
]


def program_body(lines: int, seed: int = 65816) -> str:
    """A deterministic program of about `lines` lines in the common syntax."""
    rng = random.Random(seed)
    out = [f"{name} = ${0x10 + 2 * i:02X}" for i, name in enumerate(DP_NAMES)]
    out += [f"{name} = ${0x2000 + 0x40 * i:04X}" for i, name in enumerate(ABS_NAMES)]
    out += [f"{name} = ${0x7E0000 + 0x100 * i:06X}" for i, name in enumerate(LONG_NAMES)]
    blocks = lines // 12
    tables = max(1, lines // 60)
    block = table = 0
    while len(out) < lines:
        out.append(f"L{block}:")
        for _ in range(rng.randint(6, 12)):
            template = rng.choice(TEMPLATES)
            near = f"L{block + rng.randint(0, 1)}"  # this block's start or the next one's
            out.append(
                "        "
                + template.format(
                    imm=rng.randrange(256),
                    n=rng.randint(1, 9),
                    bits="".join(rng.choice("01") for _ in range(8)),
                    dp=rng.choice(DP_NAMES),
                    abs=rng.choice(ABS_NAMES),
                    long=rng.choice(LONG_NAMES),
                    near=near,
                    mid=f"L{min(blocks, max(0, block + rng.randint(-500, 500)))}",
                    far=f"L{rng.randrange(blocks)}",
                    table=f"T{rng.randrange(tables)}",
                )
            )
        block += 1
        if block % 5 == 0 and table < tables:
            out.append(f"T{table}:")
            values = ", ".join(f"${rng.randrange(256):02X}" for _ in range(8))
            out.append(f"        .byte {values}")
            a, b = sorted(rng.sample(range(block), 2))
            out.append(f"        .word L{a}, L{b}+2, (L{b}-L{a})/2, T{table}")
            table += 1
    # Every referenced label exists, each ending the program in an RTS.
    out.extend(f"L{n}:\n        rts" for n in range(block, max(block, blocks) + 1))
    out.extend(f"T{n}:\n        .byte 0" for n in range(table, tables))
    return "\n".join(out) + "\n"


def best_of(
    commands: Sequence[Sequence[str]], repeat: int, cwd: Path, name: str = ""
) -> tuple[float, float] | None:
    """Best wall time and best CPU time (user + system, of the child processes) in seconds of
    running `commands` one after the other, `repeat` times.

    None (with the tool's complaint printed) when a command fails.
    """
    best = cpu = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        for cmd in commands:
            result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
            if result.returncode != 0:
                tail = "\n    ".join(result.stderr.strip().splitlines()[-5:])
                print(f"  {name or cmd[0]} failed (exit {result.returncode}):\n    {tail}")
                return None
        best = min(best, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        cpu = min(cpu, used)
    return best, cpu


def _w65_bytes(path: Path) -> bytes:
    from w65tool.image import Image

    return Image.load(path).to_bin()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20_000, help="program size (lines)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per tool; the best counts")
    args = parser.parse_args(argv)

    python = sys.executable
    compiled = subprocess.run(
        [python, "-m", "compileall", "-q", str(ROOT / "w65tool")], capture_output=True
    )
    if compiled.returncode != 0:
        print("  (could not compile the package's bytecode: w65 times include compiling)")
    body = program_body(args.lines)
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for tool, header in HEADERS.items():
            (work / f"{tool}.s").write_text(header.format(org=ORG) + body)
        (work / "ld65.cfg").write_text(LD65_CONFIG)
        names = ("w65", "ca65+ld65", "64tass", *COMPAT_RUNS)
        files = {name: work / f"{name}.out" for name in names}
        for name in ("w65", *COMPAT_RUNS):
            files[name] = work / f"{name.replace(' ', '_')}.hex"
        plans = {
            "w65": [[python, "-m", "w65tool", "asm", str(work / "w65.s"), "-o", str(files["w65"])]],
            "ca65+ld65": [
                ["ca65", "-o", "ca65.o", "ca65.s"],
                ["ld65", "-C", "ld65.cfg", "-o", str(files["ca65+ld65"]), "ca65.o"],
            ],
            "64tass": [
                ["64tass", "--m65816", "--nostart", "-q", "-o", str(files["64tass"]), "64tass.s"]
            ],
        }
        for name, (compat, source) in COMPAT_RUNS.items():
            out = str(files[name])
            plans[name] = [
                [python, "-m", "w65tool", "asm", "--compat", compat, str(work / source), "-o", out]
            ]
        print(f"program: {len(body.splitlines())} lines, best of {args.repeat} runs each")
        for name, commands in list(plans.items()):
            missing = [c[0] for c in commands if c[0] != python and shutil.which(c[0]) is None]
            if missing:
                print(f"  {name:<10} skipped: {', '.join(missing)} not installed")
                del plans[name]
        # The tools take turns, one run each per round, so that a busy spell on a shared
        # machine slows them alike instead of whichever ran in it.
        for _ in range(args.repeat):
            for name, commands in list(plans.items()):
                took = best_of(commands, 1, ROOT if name.startswith("w65") else work, name)
                if took is None:
                    del plans[name]
                    times.pop(name, None)
                    cpu.pop(name, None)
                else:
                    times[name] = min(took[0], times.get(name, took[0]))
                    cpu[name] = min(took[1], cpu.get(name, took[1]))
        for name, took in times.items():
            print(f"  {name:<10} {took * 1000:8.0f} ms   (CPU {cpu[name] * 1000:4.0f} ms)")
        outputs = {
            name: _w65_bytes(path) if name.startswith("w65") else path.read_bytes()
            for name, path in files.items()
            if name in times
        }
    print(f"  code size  {max(map(len, outputs.values()), default=0)} bytes")
    if len(set(outputs.values())) > 1:
        print("  outputs DIFFER: " + ", ".join(f"{k} {len(v)} bytes" for k, v in outputs.items()))
    elif len(outputs) > 1:
        print(f"  outputs identical across {', '.join(outputs)}")
    if "w65" in times:
        for peer in ("ca65+ld65", "64tass"):
            if peer in times:
                ratio = times["w65"] / times[peer]
                verdict = ""
                if peer == "ca65+ld65":
                    verdict = "  (target <= 5x: " + ("met)" if ratio <= RATIO_TARGET else "MISSED)")
                print(f"  w65 / {peer:<10} {ratio:6.2f}x{verdict}")
        for name in COMPAT_RUNS:
            if name in times and "ca65+ld65" in times:
                ratio = times[name] / times["ca65+ld65"]
                print(f"  {name} / ca65+ld65 {ratio:6.2f}x  (the peer's own source, read)")
        if "ca65+ld65" in cpu:
            # CPU time leaves out the waits for a busy machine's other jobs, which stretch
            # the wall time of the short peer runs most: the steadier of the two ratios
            ratio = cpu["w65"] / cpu["ca65+ld65"]
            print(f"  w65 / ca65+ld65 in CPU time {ratio:5.2f}x")

    print(f"\nw65 asm {SAMPLE.relative_to(ROOT)}, best of {args.repeat * 2}:")
    floor = (best_of([[python, "-c", "pass"]], args.repeat * 2, ROOT) or (0.0, 0.0))[0]
    print(f"  python -c pass   {floor * 1000:6.0f} ms (floor)")
    if not SAMPLE.exists():
        print(f"  skipped: {SAMPLE.relative_to(ROOT)} does not exist")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [python, "-m", "w65tool", "asm", str(SAMPLE), "-o", str(Path(tmp) / "out.hex")]
        timed = best_of([cmd], args.repeat * 2, ROOT, "w65 asm")
    if timed is None:
        return 1
    sample = timed[0]
    verdict = "met" if sample * 1000 < SAMPLE_TARGET_MS else "MISSED"
    print(f"  w65 asm          {sample * 1000:6.0f} ms (target < 150 ms: {verdict})")
    print(f"  over the floor   {(sample - floor) * 1000:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

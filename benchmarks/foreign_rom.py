"""The CPU against py65 on a 6502 program the user brings, in the same run.

    python benchmarks/foreign_rom.py PATH [--load ADDR] [--start ADDR]
        [--instructions N] [--rounds R] [--to-trap] [--limit N] [--opcodes K]

PATH is Intel HEX or S-records, or a raw binary with `--load ADDR` (its load address); the
program must lie below $10000, as py65 has 64 KiB. It starts at `--start`, else at the
image's entry, else at the reset vector ($FFFC) if the program sets it.

By default it runs about N instructions (default 2,000,000) on our core with `run()` (a
cycle budget worth about N, as benchmarks/cpu_workloads.py does), with `step()`, and on
py65's `MPU.step()`, taking turns over R rounds (default 3) and keeping each best time;
it prints M instr/s and the ratios against py65.

`--to-trap` checks instead that the two cores agree on the program: our core runs it with
`run()` until the program counter stays on one instruction (a `jmp *`, or a branch to itself
whose condition holds: where a test program stops), and the script reports that address, the
instructions executed before it (the trap itself not counted) and the cycles; py65 runs the
same number of instructions and must be in no trap one instruction before and in the same
trap at that count, with the same registers and the same 64 KiB. Without a trap within
`--limit` instructions (default 100,000,000), both are compared where our core stopped.
Exit status 1 when the two differ or no trap is found.

`--opcodes K` shows where the time goes instead: the share of each opcode in the program's
first N instructions and, for the K most frequent, the time of one such instruction on each
core (a page of it run over and over, `step()` against py65's `step()`, best of R; operands
$00 or $0200; calls, returns, jumps and interrupts are not measured alone), and the ratio
they give weighted by the shares.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cpu_workloads import best_times, machine, ours, py65, py65_machine  # noqa: E402

from w65tool.addresses import parse_address  # noqa: E402
from w65tool.cpu import CPU  # noqa: E402
from w65tool.errors import LocatedError, W65Error, cannot_read  # noqa: E402
from w65tool.image import Image  # noqa: E402
from w65tool.isa import OPCODES  # noqa: E402

Memory = list[tuple[int, bytes]]
RESET_VECTOR = 0xFFFC
CHUNK = 1_000_000  # cycles of `run()` between two looks for a trap
MARGIN = 100_000  # cycles short of the last look before the trap where the exact search begins
# Branch opcode -> (flag bit, value it must have for the branch to be taken).
BRANCHES = {
    0x10: (0x80, 0),  # bpl
    0x30: (0x80, 0x80),  # bmi
    0x50: (0x40, 0),  # bvc
    0x70: (0x40, 0x40),  # bvs
    0x90: (0x01, 0),  # bcc
    0xB0: (0x01, 0x01),  # bcs
    0xD0: (0x02, 0),  # bne
    0xF0: (0x02, 0x02),  # beq
}
FLAG_BITS = 0xCF  # N V D I Z C: bits 4 and 5 differ in meaning between the two cores
# Instructions that go elsewhere or stop: a page of one of them is not a measure of it.
NOT_ALONE = frozenset(
    {"jsr", "jsl", "rts", "rtl", "rti", "jmp", "jml", "brk", "cop", "wai", "stp", "xce"}
    | {"mvn", "mvp"}
)
ALONE_STEPS = 200_000  # steps per timing of one opcode


def load_program(path: Path, load: int | None, start: int | None) -> tuple[Memory, int]:
    """The program's runs of bytes and its start address; a `W65Error` when it cannot run."""
    if load is not None:
        try:
            image = Image()
            image.put(load, path.read_bytes())
        except OSError as err:
            raise cannot_read(path, err) from None
    elif path.suffix.lower() in (".bin", ".raw", ".img"):
        raise W65Error(f"{path}: a raw binary needs its load address (--load ADDR)")
    else:
        image = Image.load(path)
    if not image:
        raise W65Error(f"{path}: the program holds no bytes")
    if image.high is not None and image.high > 0xFFFF:
        raise W65Error(
            f"{path}: the program reaches ${image.high:X}; py65 has 64 KiB ($0000-$FFFF)"
        )
    if start is None:
        start = image.entry
    if start is None and image.get(RESET_VECTOR) is not None:
        start = image.get(RESET_VECTOR) | (image.get(RESET_VECTOR + 1) or 0) << 8
    if start is None:
        raise W65Error(f"{path}: no start address in the program; give --start ADDR")
    if start > 0xFFFF:
        raise W65Error(f"start ${start:X} is past $FFFF, where py65 cannot run")
    return image.segments(), start


def trapped(read: Callable[[int], int], pc: int, p: int) -> bool:
    """True when the instruction at `pc` leaves the program counter where it is."""
    opcode, operand = read(pc), read((pc + 1) & 0xFFFF)
    if opcode == 0x4C:  # jmp abs
        return (operand | read((pc + 2) & 0xFFFF) << 8) == pc
    if opcode == 0x80:  # bra
        return operand == 0xFE
    if opcode in BRANCHES and operand == 0xFE:
        bit, taken = BRANCHES[opcode]
        return p & bit == taken
    return False


def ours_trapped(cpu: CPU) -> bool:
    """`trapped` for our core (bank 0, where a 6502 program runs)."""
    return cpu.pbr == 0 and trapped(cpu.bus.ram.__getitem__, cpu.pc, cpu.p)


def py65_trapped(mpu: Any) -> bool:
    """`trapped` for py65's `MPU`."""
    return trapped(mpu.memory.__getitem__, mpu.pc, mpu.p)


def find_trap(memory: Memory, start: int, limit: int) -> tuple[CPU, bool]:
    """Our core at the first instruction of the trap the program ends in, and True; or,
    without a trap within about `limit` instructions (or on STP or WAI), where it stopped,
    and False.

    `run()` goes in steps of `CHUNK` cycles, looking for a trap between them; a trap, once
    entered, is never left, so the first look that sees one tells the trap's address and that
    it was entered after the look before. A second core then runs fast to `MARGIN` cycles
    short of that look and on with a breakpoint on the trap's address, stopping at the first
    arrival there in which it is a trap (a branch to itself that is not taken passes)."""
    cpu = machine(memory, start)
    before = 0  # cycles at the last look that saw no trap
    while not ours_trapped(cpu):
        if cpu.instructions >= limit or cpu.stopped or cpu.waiting:
            return cpu, False
        before = cpu.cycles
        cpu.run(CHUNK)
    trap = cpu.pc
    exact = machine(memory, start)
    while exact.cycles + CHUNK < before - MARGIN:
        exact.run(CHUNK)
    if exact.cycles >= before:  # ran past the look: search from the start instead
        exact = machine(memory, start)
    exact.breakpoints.add(trap)
    while not (exact.pc == trap and ours_trapped(exact)):
        if exact.instructions > cpu.instructions:
            raise SystemExit(f"foreign_rom: our core ran past ${trap:04X} the second time")
        exact.run(CHUNK)
    return exact, True


def py65_state(mpu: Any) -> tuple[tuple[int, ...], bytes]:
    """py65's A, X, Y, S, P (flag bits) and its 64 KiB."""
    return (mpu.a, mpu.x, mpu.y, mpu.sp, mpu.p & FLAG_BITS), bytes(mpu.memory)


def ours_state(cpu: CPU) -> tuple[tuple[int, ...], bytes]:
    """Our core's A, X, Y, S, P (flag bits) in 6502 terms and its first 64 KiB."""
    registers = (cpu.a & 0xFF, cpu.x & 0xFF, cpu.y & 0xFF, cpu.s & 0xFF, cpu.p & FLAG_BITS)
    return registers, bytes(cpu.bus.ram[:0x10000])


def to_trap(memory: Memory, start: int, limit: int) -> int:
    """Run `--to-trap`: print where our core's trap is and whether py65 agrees; exit status."""
    began = time.perf_counter()
    cpu, found = find_trap(memory, start, limit)
    ours_seconds = time.perf_counter() - began
    count = cpu.instructions
    if found:
        print(
            f"trap at ${cpu.pc:04X} after {count:,} instructions, {cpu.cycles:,} cycles "
            f"(our core, run(), {ours_seconds:.1f} s)"
        )
    else:
        why = "STP or WAI" if cpu.stopped or cpu.waiting else f"--limit {limit:,}"
        print(f"no trap after {count:,} instructions ({why}): stopped at ${cpu.pc:04X}")
    mpu = py65_machine(memory, start)
    # py65 starts with I clear and S at $FF; ours as the chip comes out of reset
    fresh = machine(memory, start)
    mpu.a, mpu.x, mpu.y, mpu.sp, mpu.p = ours_state(fresh)[0]
    mpu.p |= 0x30  # py65 keeps B and bit 5 set
    step = mpu.step
    began = time.perf_counter()
    for _ in range(count - 1):
        step()
    entered_before = count > 0 and py65_trapped(mpu)
    if count:
        step()
    py65_seconds = time.perf_counter() - began
    problems = []
    if found and (entered_before or mpu.pc != cpu.pc or not py65_trapped(mpu)):
        problems.append(
            f"py65 is at ${mpu.pc:04X} after {count:,} instructions, "
            + ("already in a trap one instruction before" if entered_before else "not there")
        )
    (ours_regs, ours_ram), (py_regs, py_ram) = ours_state(cpu), py65_state(mpu)
    if not found and mpu.pc != cpu.pc:
        problems.append(f"py65's PC is ${mpu.pc:04X}, ours ${cpu.pc:04X}")
    if ours_regs != py_regs:
        names = ("A", "X", "Y", "S", "P")
        problems.extend(
            f"{n}: ours ${o:02X}, py65 ${q:02X}"
            for n, o, q in zip(names, ours_regs, py_regs, strict=True)
            if o != q
        )
    if ours_ram != py_ram:
        first = next(i for i in range(0x10000) if ours_ram[i] != py_ram[i])
        differ = sum(a != b for a, b in zip(ours_ram, py_ram, strict=True))
        problems.append(f"memory differs in {differ} bytes, the first at ${first:04X}")
    if problems:
        print(f"py65 ({py65_seconds:.1f} s) DISAGREES: " + "; ".join(problems))
        return 1
    what = "the same trap" if found else "the same PC"
    print(
        f"py65 agrees ({py65_seconds:.1f} s): {what} after {count:,} instructions, "
        "the same A, X, Y, S, flags and 64 KiB"
    )
    return 0 if found else 1


def measure(memory: Memory, start: int, n: int, rounds: int) -> None:
    """Print M instr/s of run(), step() and py65 on the program, and the ratios to py65."""
    measures: dict[str, Callable[[], float]] = {
        "run": partial(ours, memory, n, "run", start),
        "step": partial(ours, memory, n, "step", start),
        "py65": partial(py65, memory, n, start),
    }
    times = best_times(measures, rounds)
    print(f"{n:,} instructions from ${start:04X}, best of {rounds} interleaved rounds")
    reference = times["py65"]
    print(f"py65 step(): {n / reference / 1e6:6.2f} M instr/s")
    for how in ("run", "step"):
        seconds = times[how]
        print(
            f"ours {how + '():':<7} {n / seconds / 1e6:6.2f} M instr/s, "
            f"{reference / seconds:.2f}x py65"
        )


def opcode_mix(memory: Memory, start: int, n: int) -> dict[int, int]:
    """How often each opcode runs in the program's first `n` instructions."""
    cpu = machine(memory, start)
    ram, step = cpu.bus.ram, cpu.step
    counts = [0] * 256
    for _ in range(n):
        counts[ram[cpu.pbr << 16 | cpu.pc]] += 1
        step()
    return {code: count for code, count in enumerate(counts) if count}


def alone(code: int, rounds: int) -> tuple[float, float]:
    """Nanoseconds of one instruction `code` on our core and on py65: a page of it."""
    size = OPCODES[code].length(True, True)
    instruction = bytes([code, 0x00, 0x02][:size])
    page = instruction * (0x1000 // size) + bytes([0x4C, 0x00, 0x10])  # jmp $1000
    memory = [(0x1000, page)]
    measures = {
        "ours": partial(ours, memory, ALONE_STEPS, "step", 0x1000),
        "py65": partial(py65, memory, ALONE_STEPS, 0x1000),
    }
    times = best_times(measures, rounds)
    return times["ours"] / ALONE_STEPS * 1e9, times["py65"] / ALONE_STEPS * 1e9


def profile(memory: Memory, start: int, n: int, k: int, rounds: int) -> None:
    """Print the opcode mix of the first `n` instructions and the `k` most frequent alone."""
    mix = opcode_mix(memory, start, n)
    total = sum(mix.values())
    print(f"the first {n:,} instructions from ${start:04X}; each opcode alone, best of {rounds}")
    print(f"{'opcode':<20} {'share':>6} {'ours ns':>8} {'py65 ns':>8} {'ratio':>6}")
    measured = ours_ns = py65_ns = 0.0  # share measured; time, weighted by share
    for code, count in sorted(mix.items(), key=lambda item: -item[1])[:k]:
        op = OPCODES[code]
        share = count / total
        name = f"${code:02X} {op.mnemonic} {op.mode.name}"
        if op.mnemonic in NOT_ALONE:
            print(f"{name:<20} {share:6.1%}   (not measured alone)")
            continue
        ours_one, py65_one = alone(code, rounds)
        measured += share
        ours_ns += share * ours_one
        py65_ns += share * py65_one
        print(
            f"{name:<20} {share:6.1%} {ours_one:8.0f} {py65_one:8.0f} {py65_one / ours_one:5.2f}x"
        )
    if measured:
        print(
            f"weighted over the {measured:.1%} measured: ours {ours_ns / measured:.0f} ns, "
            f"py65 {py65_ns / measured:.0f} ns an instruction, {py65_ns / ours_ns:.2f}x py65"
        )


def address(text: str) -> int:
    """An address option: hex as `0x400`, `$400` or `400`."""
    try:
        return parse_address(text)
    except W65Error as err:
        raise argparse.ArgumentTypeError(err.message) from None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, metavar="PATH", help="Intel HEX, S-record or binary")
    parser.add_argument("--load", type=address, help="load address of a raw binary")
    parser.add_argument("--start", type=address, help="start address (default: the reset vector)")
    parser.add_argument("--instructions", type=int, default=2_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    parser.add_argument("--to-trap", action="store_true", help="check agreement up to a trap")
    parser.add_argument("--limit", type=int, default=100_000_000, help="most instructions")
    parser.add_argument("--opcodes", type=int, metavar="K", help="time the K most frequent")
    args = parser.parse_args()
    if args.instructions < 100 or args.rounds < 1 or args.limit < 1:
        parser.error("--instructions must be at least 100, --rounds and --limit at least 1")
    if args.opcodes is not None and args.opcodes < 1:
        parser.error("--opcodes must be at least 1")
    try:
        memory, start = load_program(args.path, args.load, args.start)
    except W65Error as err:
        located = isinstance(err, LocatedError)  # already `file:line:col: error: ...`
        print(err.message if located else f"foreign_rom: error: {err.message}", file=sys.stderr)
        return 1
    if args.to_trap:
        return to_trap(memory, start, args.limit)
    if args.opcodes:
        profile(memory, start, args.instructions, args.opcodes, args.rounds)
        return 0
    measure(memory, start, args.instructions, args.rounds)
    cpu, found = find_trap(memory, start, args.instructions)
    if found and cpu.instructions < args.instructions:
        print(
            f"note: the program reaches a trap at ${cpu.pc:04X} after {cpu.instructions:,} "
            "instructions; the figures include the time spent in it"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

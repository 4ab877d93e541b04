"""How fast is the 65C816 core? Against py65 and against the real chip, in one run.

    python benchmarks/cpu_speed.py [--instructions N]

Workload 1, 6502-compatible (emulation mode, 8-bit, no decimal): a sieve of Eratosthenes
over 256 flags, repeated. It runs for the same number of instructions on our core (with
`step()` and with `run()`) and on py65's `MPU`; the script prints instructions per second of
each, the ratio to py65 (target: run() at least 1.5x), and emulated cycles per second against
the W65C265S's 3.6864 MHz.
Workload 2, native 16-bit: sum and exclusive-or of 2,048 words, repeated (our figure only).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from w65tool.cpu import CPU, FlatBus

CHIP_HZ = 3_686_400
TARGET = 1.5  # run() against py65's step(), the same program in the same process
ORIGIN = 0x0200

SIEVE = bytes(
    [
        *(0xA2, 0x00),  # 0200 start: ldx #0
        *(0xA9, 0x00),  # 0202        lda #0
        *(0x9D, 0x00, 0x03),  # 0204 clear: sta $0300,x
        0xE8,  # 0207        inx
        *(0xD0, 0xFA),  # 0208        bne clear
        *(0xA2, 0x02),  # 020A        ldx #2
        *(0xBD, 0x00, 0x03),  # 020C outer: lda $0300,x
        *(0xD0, 0x14),  # 020F        bne next
        0x8A,  # 0211        txa
        *(0x85, 0x10),  # 0212        sta $10
        0x18,  # 0214        clc
        *(0x65, 0x10),  # 0215        adc $10
        *(0xB0, 0x0C),  # 0217        bcs next
        0xA8,  # 0219 mark:  tay
        *(0xA9, 0x01),  # 021A        lda #1
        *(0x99, 0x00, 0x03),  # 021C        sta $0300,y
        0x98,  # 021F        tya
        0x18,  # 0220        clc
        *(0x65, 0x10),  # 0221        adc $10
        *(0x90, 0xF4),  # 0223        bcc mark
        0xE8,  # 0225 next:  inx
        *(0xD0, 0xE4),  # 0226        bne outer
        *(0x4C, 0x00, 0x02),  # 0228        jmp start
    ]
)

WORDS = bytes(
    [
        0x18,  # 0200        clc
        0xFB,  # 0201        xce
        *(0xC2, 0x30),  # 0202        rep #$30
        *(0xA9, 0x00, 0x00),  # 0204 again: lda #0
        *(0x85, 0x20),  # 0207        sta $20
        *(0x85, 0x22),  # 0209        sta $22
        *(0xA0, 0x00, 0x00),  # 020B        ldy #0
        *(0xB9, 0x00, 0x10),  # 020E word:  lda $1000,y
        0x18,  # 0211        clc
        *(0x65, 0x20),  # 0212        adc $20
        *(0x85, 0x20),  # 0214        sta $20
        *(0xB9, 0x00, 0x10),  # 0216        lda $1000,y
        *(0x45, 0x22),  # 0219        eor $22
        *(0x85, 0x22),  # 021B        sta $22
        0xC8,  # 021D        iny
        0xC8,  # 021E        iny
        *(0xC0, 0x00, 0x10),  # 021F        cpy #$1000
        *(0xD0, 0xEA),  # 0222        bne word
        *(0x4C, 0x04, 0x02),  # 0224        jmp again
    ]
)


def ours(program: bytes, count: int, use_run: bool) -> tuple[float, int, int]:
    """(seconds, instructions, cycles) for `count` instructions of `program` on our core."""
    bus = FlatBus()
    bus.load(ORIGIN, program)
    bus.load(0x1000, bytes(range(256)) * 16)
    cpu = CPU(bus)
    cpu.pc = ORIGIN
    if use_run:
        # run() takes a cycle budget: about `count` instructions' worth; the core counts them.
        probe = CPU(bus)
        probe.pc = ORIGIN
        sample = sum(probe.step() for _ in range(20_000))
        budget = count * sample // 20_000
        start = time.perf_counter()
        cpu.run(budget)
        elapsed = time.perf_counter() - start
        return elapsed, cpu.instructions, cpu.cycles
    step = cpu.step
    start = time.perf_counter()
    for _ in range(count):
        step()
    elapsed = time.perf_counter() - start
    return elapsed, count, cpu.cycles


def py65(program: bytes, count: int) -> float | None:
    """Seconds for `count` instructions of `program` on py65, or None without py65."""
    try:
        from py65.devices.mpu6502 import MPU
    except ImportError:
        return None
    mpu = MPU()
    mpu.memory[ORIGIN : ORIGIN + len(program)] = program
    mpu.pc = ORIGIN
    step = mpu.step
    start = time.perf_counter()
    for _ in range(count):
        step()
    return time.perf_counter() - start


def report(label: str, seconds: float, instructions: int, cycles: int | None = None) -> float:
    rate = instructions / seconds
    line = f"{label:<34} {rate / 1e6:6.2f} M instructions/s"
    if cycles is not None:
        speed = cycles / seconds
        line += f"  {speed / 1e6:6.2f} M cycles/s = {speed / CHIP_HZ:4.2f}x real time"
    print(line)
    return rate


def best(measure, rounds: int) -> tuple[float, int, int]:
    """The fastest of `rounds` runs of `measure()`: the machine may be busy with other work."""
    return min((measure() for _ in range(rounds)), key=lambda result: result[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    args = parser.parse_args()
    count, rounds = args.instructions, args.rounds
    print(f"{count:,} instructions per measurement, best of {rounds}")
    reference = None
    if py65(SIEVE, 1) is not None:
        reference = best(lambda: (py65(SIEVE, count), count, 0), rounds)[0]
    step_rate = report(
        "sieve, 8-bit, ours step()", *best(lambda: ours(SIEVE, count, False), rounds)
    )
    run_rate = report("sieve, 8-bit, ours run()", *best(lambda: ours(SIEVE, count, True), rounds))
    if reference is None:
        print("py65 is not installed: no ratio")
    else:
        py65_rate = report("sieve, 8-bit, py65 MPU.step()", reference, count)
        ratio = run_rate / py65_rate
        print(f"ratio to py65: step() {step_rate / py65_rate:.2f}x, run() {ratio:.2f}x")
        print(f"target: run() >= {TARGET}x py65: {'met' if ratio >= TARGET else 'MISSED'}")
    for label, use_run in (("step()", False), ("run()", True)):
        result = best(lambda use_run=use_run: ours(WORDS, count, use_run), rounds)
        report(f"16-bit words, native, ours {label}", *result)
    print(f"real time = the W65C265S at {CHIP_HZ / 1e6} MHz")
    return 0


if __name__ == "__main__":
    sys.exit(main())

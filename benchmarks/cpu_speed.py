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

import workloads
from workloads import then_jump

from w65tool.cpu import CPU, FlatBus

CHIP_HZ = 3_686_400
TARGET = 1.5  # run() against py65's step(), the same program in the same process
ORIGIN = workloads.ORIGIN

SIEVE = then_jump(workloads.SIEVE, workloads.SIEVE_START)
WORDS = then_jump(workloads.WORDS, workloads.WORDS_AGAIN)


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

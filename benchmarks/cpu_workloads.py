"""The CPU on a set of programs unlike each other, against py65 in the same run.

    python benchmarks/cpu_workloads.py [--instructions N] [--rounds R] [--board-seconds S]

Workloads (benchmarks/workloads.py, checked by tests/test_cpu_workloads.py): table lookups
with short bit loops, page-crossing indexed sums, 16-bit native multiplication, decimal
counting, MVN/MVP block moves, recursive JSR/RTS Fibonacci; each repeats for ever. Each runs
`N` instructions on our core with `run()`, with `step()`, and with `step()` reading `cpu.pc`
after every instruction (a debugger's loop); the 6502-compatible ones also on py65's `MPU`.
Then samples/timer_irq.asm (a timer IRQ with WAI between) and samples/led_blink.asm (a busy
delay loop) on the Mensch board with its monitor's timers running, as a multiple of real time
(3.6864 MHz).

It prints each ratio to py65 and the minimum, the figure that counts. Targets: run() >= 3x,
step() >= 1.5x py65 on every workload; the board >= 5x real time.
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

import board_speed  # noqa: E402
import workloads  # noqa: E402

from w65tool.asm import assemble_file, assemble_source  # noqa: E402
from w65tool.cpu import CPU, FlatBus  # noqa: E402

CHIP_HZ = 3_686_400
RUN_TARGET, STEP_TARGET, BOARD_TARGET = 3.0, 1.5, 5.0


def image_of(name: str) -> list[tuple[int, bytes]]:
    """Data and program bytes of workload `name`, repeating for ever."""
    result = assemble_source(workloads.workload_source(name, "jmp start"))
    return [*workloads.workload_data(), *result.image.segments()]


def machine(memory: list[tuple[int, bytes]], start: int) -> CPU:
    """Our core on a `FlatBus` holding `memory`, about to run from `start`."""
    bus = FlatBus()
    for address, data in memory:
        bus.load(address, data)
    cpu = CPU(bus)
    cpu.pc = start
    return cpu


def ours(
    memory: list[tuple[int, bytes]], count: int, how: str, start: int = workloads.ORIGIN
) -> float:
    """Seconds for about `count` instructions on our core from `start`; `how`: run, step or
    step+pc."""
    cpu = machine(memory, start)
    if how == "run":
        probe = machine(memory, start)  # a bus of its own: its writes must not reach `cpu`
        budget = sum(probe.step() for _ in range(count // 10)) * 10  # cycles of ~count
        began = time.perf_counter()
        cpu.run(budget)
        return (time.perf_counter() - began) * count / cpu.instructions
    step = cpu.step
    began = time.perf_counter()
    if how == "step":
        for _ in range(count):
            step()
    else:
        for _ in range(count):
            step()
            cpu.pc  # noqa: B018 - the read is what is measured
    return time.perf_counter() - began


def py65_machine(memory: list[tuple[int, bytes]], start: int) -> Any:
    """py65's `MPU` holding `memory` (all below $10000), about to run from `start`."""
    from py65.devices.mpu6502 import MPU

    mpu = MPU()
    for address, data in memory:
        mpu.memory[address : address + len(data)] = data
    mpu.pc = start
    return mpu


def py65(memory: list[tuple[int, bytes]], count: int, start: int = workloads.ORIGIN) -> float:
    """Seconds for `count` instructions on py65 from `start`."""
    step = py65_machine(memory, start).step
    began = time.perf_counter()
    for _ in range(count):
        step()
    return time.perf_counter() - began


def best_times(measures: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """The shortest time of each measurement over `rounds` rounds, the measurements taking
    turns within each round, so that a busy spell of the shared machine slows them alike."""
    times = dict.fromkeys(measures, float("inf"))
    for _ in range(rounds):
        for key, measure in measures.items():
            times[key] = min(times[key], measure())
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", type=int, default=150_000)
    parser.add_argument("--rounds", type=int, default=9, help="best of this many runs each")
    parser.add_argument("--board-seconds", type=float, default=2.0)
    args = parser.parse_args()
    n, rounds = args.instructions, args.rounds
    print(f"{n:,} instructions per measurement, best of {rounds} interleaved rounds; "
          "M instr/s and x py65")  # fmt: skip
    print(f"{'workload':<10} {'py65':>6} {'run()':>14} {'step()':>14} {'step()+pc':>14}")
    ratios: dict[str, list[float]] = {"run": [], "step": [], "step+pc": []}
    for name, (compatible, _) in workloads.SOURCES.items():
        memory = image_of(name)
        line = f"{name:<10} "
        measures = {how: partial(ours, memory, n, how) for how in ratios}
        if compatible:
            measures["py65"] = partial(py65, memory, n)
        times = best_times(measures, rounds)
        reference = times.get("py65")
        line += f"{n / reference / 1e6:6.2f}" if reference else f"{'-':>6}"
        for how in ratios:
            seconds = times[how]
            line += f" {n / seconds / 1e6:6.2f}"
            if reference:
                ratios[how].append(reference / seconds)
                line += f" {reference / seconds:5.2f}x"
            else:
                line += f" {'':6}"
        print(line)
    for how, values in ratios.items():
        print(f"minimum {how}: {min(values):.2f}x py65")
    s = args.board_seconds
    factors = {}
    for sample in ("timer_irq", "led_blink"):  # WAI between interrupts; a busy delay loop
        image = assemble_file(ROOT / "samples" / f"{sample}.asm").image
        wall = min(board_speed.board_run(image, s, False)[0] for _ in range(rounds))
        factors[sample] = s / wall
        print(f"{sample}.asm on the board (monitor timers running): {s / wall:.2f}x real time")
    met = (
        min(ratios["run"]) >= RUN_TARGET
        and min(ratios["step"]) >= STEP_TARGET
        and min(factors.values()) >= BOARD_TARGET
    )
    print(
        f"targets: run() >= {RUN_TARGET}x, step() >= {STEP_TARGET}x py65, board >= "
        f"{BOARD_TARGET}x real time: {'met' if met else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

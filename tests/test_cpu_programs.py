"""Whole routines on the 65C816 core, checked against the same computation in Python."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from w65tool.cpu import CPU, FlatBus

# the workloads the CPU benchmark times: tested here, so the benchmark measures correct code
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import workloads
from workloads import then_stop

SIEVE = then_stop(workloads.SIEVE)
WORDS = then_stop(workloads.WORDS)


def run_program(program: bytes, data: bytes = b"") -> tuple[CPU, FlatBus]:
    bus = FlatBus()
    bus.load(0x0200, program)
    bus.load(0x1000, data)
    cpu = CPU(bus)
    cpu.pc = 0x0200
    cpu.run(10_000_000)
    assert cpu.stopped
    return cpu, bus


def test_sieve_in_emulation_mode_finds_the_primes_below_256():
    _, bus = run_program(SIEVE)
    composite = [False] * 256
    for n in range(2, 256):
        for multiple in range(2 * n, 256, n):
            composite[multiple] = True
    assert [bus.ram[0x300 + n] == 0 for n in range(2, 256)] == [
        not composite[n] for n in range(2, 256)
    ]


def test_sieve_steps_and_runs_the_same():
    stepped_cpu = CPU(FlatBus())
    stepped_cpu.bus.load(0x0200, SIEVE)
    stepped_cpu.pc = 0x0200
    while not stepped_cpu.stopped:
        stepped_cpu.step()
    ran_cpu, _ = run_program(SIEVE)
    assert stepped_cpu.cycles == ran_cpu.cycles
    assert stepped_cpu.bus.ram[0x300:0x400] == ran_cpu.bus.ram[0x300:0x400]


def test_16_bit_sum_and_xor_in_native_mode():
    data = random.Random(65816).randbytes(4096)
    words = [data[i] | data[i + 1] << 8 for i in range(0, 4096, 2)]
    xor = 0
    for word in words:
        xor ^= word
    cpu, bus = run_program(WORDS, data)
    assert bus.ram[0x20] | bus.ram[0x21] << 8 == sum(words) & 0xFFFF
    assert bus.ram[0x22] | bus.ram[0x23] << 8 == xor
    assert cpu.e == 0

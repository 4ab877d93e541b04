"""The benchmark's workload set (benchmarks/workload_set.py) gives the same machine state
through `run()` and through `step()`, so the benchmark times exact code."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from w65tool.cpu import CPU, FlatBus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from workload_set import DATA, WORKLOADS, assemble

REGISTERS = ("a", "x", "y", "s", "d", "dbr", "pbr", "pc", "p", "e", "cycles", "instructions")


def boot(code: bytes) -> CPU:
    bus = FlatBus()
    bus.load(0x0200, code)
    bus.load(DATA, bytes(range(256)) * 16)
    cpu = CPU(bus)
    cpu.pc = 0x0200
    return cpu


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_run_and_step_agree_on_the_workload(workload):
    code, _ = assemble(workload)
    ran = boot(code)
    ran.run(60_000)
    stepped = boot(code)
    while stepped.cycles < ran.cycles:
        stepped.step()
    assert [getattr(stepped, n) for n in REGISTERS] == [getattr(ran, n) for n in REGISTERS]
    assert stepped.bus.ram == ran.bus.ram
    assert 0x0200 <= ran.pc < 0x0200 + len(code)  # still in its loop, not in empty memory

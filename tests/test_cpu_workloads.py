"""The CPU workload set of benchmarks/cpu_workloads.py: each computes what it should, and
`run()` (compiled blocks) and `step()` end every one in the same state."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from w65tool.asm import assemble_source
from w65tool.cpu import CPU, FlatBus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import workloads

REGISTERS = ("a", "x", "y", "s", "d", "dbr", "pbr", "pc", "p", "e", "cycles", "instructions")


def machine(name: str) -> CPU:
    result = assemble_source(workloads.workload_source(name, "stp"))
    assert not result.diagnostics
    bus = FlatBus()
    for address, data in [*workloads.workload_data(), *result.image.segments()]:
        bus.load(address, data)
    cpu = CPU(bus)
    cpu.pc = workloads.ORIGIN
    return cpu


@pytest.fixture(scope="module", params=sorted(workloads.SOURCES))
def finished(request) -> tuple[str, CPU, CPU]:
    name = request.param
    stepped = machine(name)
    while not stepped.stopped and stepped.instructions < 1_000_000:
        stepped.step()
    ran = machine(name)
    ran.run(100_000_000)
    assert stepped.stopped and ran.stopped
    return name, stepped, ran


def test_run_and_step_agree(finished):
    _, stepped, ran = finished
    assert [getattr(ran, n) for n in REGISTERS] == [getattr(stepped, n) for n in REGISTERS]
    assert ran.bus.ram == stepped.bus.ram


def word(ram: bytearray, address: int) -> int:
    return ram[address] | ram[address + 1] << 8


def test_the_workload_computes_its_result(finished):
    name, _, cpu = finished
    ram = cpu.bus.ram
    inputs = [(i * 37 + 11) & 0xFF for i in range(256)]
    if name == "table":
        translated = [value ^ 0x5A for value in inputs]
        assert list(ram[0x600:0x700]) == translated
        assert word(ram, 0x10) == sum(bin(value).count("1") for value in translated)
    elif name == "pagecross":
        assert word(ram, 0x12) == sum(a & 0xFF for a in range(0x10F0, 0x10F0 + 1024)) & 0xFFFF
    elif name == "mul16":
        for x in range(0, 0x100, 4):
            product = word(bytes(inputs), x) * word(bytes(inputs), x + 2) & 0xFFFF
            assert word(ram, 0x800 + x) == product, f"product {x // 4}"
    elif name == "decimal":
        assert word(ram, 0x10) == 0x6000  # 2,000 x 3 in BCD
    elif name == "blockmove":
        assert ram[0x3000:0x4000] == ram[0x1000:0x2000] == ram[0x5000:0x6000]
    elif name == "recursion":
        assert word(ram, 0x10) == 377  # fib(14)
    else:
        pytest.fail(f"no check for workload {name}")

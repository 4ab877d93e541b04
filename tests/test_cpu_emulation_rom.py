"""A self-checking emulation-mode program (tests/data/emulation_rom.asm) on the public API.

Like Klaus Dormann's functional test it traps on the first failed check and reaches
`success` when all pass. It runs through `run()` (compiled blocks: the checks repeat 40
times) and through `step()`, and both must end in the same state.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from w65tool.asm import assemble_file
from w65tool.cpu import CPU, FlatBus

SOURCE = Path(__file__).parent / "data" / "emulation_rom.asm"
REGISTERS = ("a", "x", "y", "s", "d", "dbr", "pbr", "pc", "p", "e", "cycles", "instructions")
LIMIT = 2_000_000  # cycles: the program needs about a tenth of this


@pytest.fixture(scope="module")
def program():
    result = assemble_file(SOURCE)
    return result.image.segments(), result.symbols


def boot(segments) -> CPU:
    bus = FlatBus()
    for address, data in segments:
        bus.load(address, data)
    cpu = CPU(bus)
    cpu.e = True
    cpu.pc = bus.ram[0xFFFC] | bus.ram[0xFFFD] << 8
    return cpu


def trapped_at(cpu: CPU) -> str:
    return f"trapped at ${cpu.pc:04X} after {cpu.instructions} instructions"


def test_emulation_rom_passes_under_run(program):
    segments, symbols = program
    cpu = boot(segments)
    cpu.run(LIMIT)
    assert cpu.pc == symbols["success"], trapped_at(cpu)


def test_emulation_rom_steps_as_it_runs(program):
    segments, symbols = program
    stepped = boot(segments)
    while stepped.pc != symbols["success"] and stepped.cycles < LIMIT:
        stepped.step()
    assert stepped.pc == symbols["success"], trapped_at(stepped)
    ran = boot(segments)
    ran.run(stepped.cycles - ran.cycles)
    # run() stops at the first instruction boundary at or past its limit
    assert [getattr(ran, n) for n in REGISTERS] == [getattr(stepped, n) for n in REGISTERS]
    assert ran.bus.ram == stepped.bus.ram

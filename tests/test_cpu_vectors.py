"""The core against the 65816 single-step test vectors (tests/data, see its README).

Each of the 10,240 cases runs one instruction from the case's initial state and must give
its final registers, its final RAM (every listed byte) and its cycle count; a test covers one
opcode file's cases and names each case that fails. A second pass
runs each opcode file's cases on a bus without the RAM fast path, which records every access,
and checks the order, addresses and values of the bus accesses the vectors mark as valid.
"""

from __future__ import annotations

import gzip
import json
from itertools import groupby
from pathlib import Path

import pytest

from w65tool.cpu import CPU, FlatBus

DATA = Path(__file__).parent / "data" / "65816_singlestep_sample.jsonl.gz"
with gzip.open(DATA, "rt") as lines:
    CASES = [json.loads(line) for line in lines]
REGISTERS = ("a", "x", "y", "s", "d", "dbr", "pbr", "pc", "p", "e")
BLOCK_MOVES = ("44", "54")  # MVP, MVN: the generator stopped them after 14 byte moves
HALTS = ("cb", "db")  # WAI, STP: the vectors add one entry for the stopped clock

BUS = FlatBus()
CORE = CPU(BUS)


def load(cpu: CPU, state: dict) -> None:
    """Put a case's initial registers into `cpu` (E first: it decides how P and S load)."""
    cpu.e = state["e"]
    cpu.p = state["p"]
    for name in ("a", "s", "x", "y", "d", "dbr", "pbr", "pc"):
        setattr(cpu, name, state[name])
    cpu.stopped = cpu.waiting = False


def run_case(case: dict) -> list[str]:
    """Run one case on the shared core; return what differs from the expected end state."""
    opcode = case["name"][:2]
    initial, final = case["initial"], case["final"]
    load(CORE, initial)
    for address, value in initial["ram"]:
        BUS.ram[address] = value
    cycles = sum(CORE.step() for _ in range(14 if opcode in BLOCK_MOVES else 1))
    problems = [
        f"{name} = {getattr(CORE, name):#x}, expected {final[name]:#x}"
        for name in REGISTERS
        if getattr(CORE, name) != final[name] and not (name == "pc" and opcode in BLOCK_MOVES)
    ]
    problems += [
        f"ram[{address:#08x}] = {BUS.ram[address]:#x}, expected {value:#x}"
        for address, value in final["ram"]
        if BUS.ram[address] != value
    ]
    expected = len(case["cycles"]) - (2 if opcode in BLOCK_MOVES else 1 if opcode in HALTS else 0)
    if cycles != expected:
        problems.append(f"{cycles} cycles, expected {expected}")
    for address, _ in initial["ram"] + final["ram"]:
        BUS.ram[address] = 0
    return problems


def _by_file(case: dict) -> str:
    return case["name"][:4]


# One test per opcode file (an opcode in one mode, about 20 cases), not per case: the suite
# runs in parallel, and ten thousand tiny items cost more to hand out and report than to run.
ALL_FILES = {name: list(cases) for name, cases in groupby(CASES, _by_file)}


@pytest.mark.parametrize("file", sorted(ALL_FILES))
def test_single_step_vectors(file):
    failures = [
        f"{case['name']}: {problem}" for case in ALL_FILES[file] for problem in run_case(case)
    ]
    assert failures == []


class RecordingBus:
    """A bus without the fast path: a dict of bytes and a log of every access."""

    def __init__(self) -> None:
        self.memory: dict[int, int] = {}
        self.log: list[tuple[int, int, str]] = []

    def read(self, address: int) -> int:
        value = self.memory.get(address, 0)
        self.log.append((address, value, "r"))
        return value

    def write(self, address: int, value: int) -> None:
        self.memory[address] = value
        self.log.append((address, value, "w"))


# Block moves and halts are cut short by the vectors, so their access lists are partial.
FILES = {name: cases for name, cases in ALL_FILES.items() if name[:2] not in BLOCK_MOVES + HALTS}


@pytest.mark.parametrize("file", sorted(FILES))
def test_bus_accesses_follow_the_vectors(file):
    opcode = file[:2]
    bus = RecordingBus()
    cpu = CPU(bus)
    failures = []
    for case in FILES[file]:
        load(cpu, case["initial"])
        bus.memory = {address: value for address, value in case["initial"]["ram"]}
        bus.log = []
        cpu.step()
        # Valid accesses are those with VDA or VPA high; WDM reads its second byte (the
        # signature the monitor emulation needs) where the vectors show an invalid cycle.
        expected = [
            (address, value, flags[3])
            for address, value, flags in case["cycles"]
            if address is not None and (flags[0] == "d" or flags[1] == "p" or opcode == "42")
        ]
        if opcode == "42":
            expected[1] = (expected[1][0], bus.memory.get(expected[1][0], 0), "r")
        if bus.log != expected:
            failures.append(f"{case['name']}: {bus.log} != {expected}")
    assert failures == []

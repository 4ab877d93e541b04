"""Emulation-mode rules of the real chip that differ from a plain 6502 model.

`(dp,X)` with DL != 0 takes the pointer's high byte from the low byte's page; the 65816's own
stack instructions (PLB, PLD, PHD, PEA, PEI, PER, JSL, RTL) use the full 16-bit S during the
instruction and put S back in page 1 after it, while the 6502's own pushes wrap within page 1.
Each case runs through `step()` and, in a loop long enough for the run loop to compile it into
a block, through `run()`: both must agree. `test_cpu_emulation_rom.py` runs the same rules as
a program that traps on failure.
"""

from __future__ import annotations

import pytest

from w65tool.cpu import CPU, FlatBus

REGISTERS = ("a", "x", "y", "s", "d", "dbr", "pbr", "pc", "p", "e", "cycles")
LOOPS = 40  # more than the visits after which the run loop compiles a block
ORIGIN = 0x0400


def emulation_cpu(ram: dict[int, int]) -> CPU:
    cpu = CPU(FlatBus())
    cpu.e = True
    for address, value in ram.items():
        cpu.bus.ram[address] = value
    return cpu


def looped(body: bytes) -> bytes:
    """`LDY #LOOPS; loop: body; DEY; BNE loop; STP` at ORIGIN."""
    branch = -(len(body) + 3) & 0xFF
    return bytes([0xA0, LOOPS, *body, 0x88, 0xD0, branch, 0xDB])


def run_both(body: bytes, ram: dict[int, int], setup: dict[str, int]) -> tuple[CPU, CPU]:
    """The loop of `body` stepped and run; both must end in the same state."""
    cpus = []
    for use_run in (False, True):
        cpu = emulation_cpu(ram)
        cpu.bus.load(ORIGIN, looped(body))
        for name, value in setup.items():
            setattr(cpu, name, value)
        cpu.pc = ORIGIN
        if use_run:
            cpu.run(1_000_000)
        else:
            while not cpu.stopped:
                cpu.step()
        assert cpu.stopped
        cpus.append(cpu)
    stepped, ran = cpus
    assert [getattr(ran, n) for n in REGISTERS] == [getattr(stepped, n) for n in REGISTERS]
    assert ran.bus.ram == stepped.bus.ram
    return stepped, ran


# (dp,X) scenario: e=1, D=$011A, X=$EE, DBR=$7F, operand $F7 -> pointer low byte at $0002FF.
POINTER_RAM = {0x0002FF: 0x34, 0x000200: 0x12, 0x000300: 0x56, 0x7F1234: 0x80, 0x7F5634: 0xAA}
# opcode, A before, carry before, A after, Z after, C after (the right pointer gives $80
# from $7F1234; the wrong one $AA from $7F5634)
DP_X_READS = [
    (0xA1, 0x00, 0, 0x80, 0, 0),  # LDA
    (0x61, 0x00, 0, 0x80, 0, 0),  # ADC
    (0x21, 0xFF, 0, 0x80, 0, 0),  # AND
    (0xC1, 0x80, 0, 0x80, 1, 1),  # CMP: equal only against $80
    (0x41, 0x00, 0, 0x80, 0, 0),  # EOR
    (0x01, 0x00, 0, 0x80, 0, 0),  # ORA
    (0xE1, 0x80, 1, 0x00, 1, 1),  # SBC: $80 - $80
]


@pytest.mark.parametrize(("opcode", "a", "carry", "result", "zero", "carry_after"), DP_X_READS)
def test_dp_x_indirect_with_dl_takes_the_pointer_high_byte_from_the_same_page(
    opcode, a, carry, result, zero, carry_after
):
    cpu = emulation_cpu(POINTER_RAM)
    cpu.bus.load(ORIGIN, bytes([opcode, 0xF7]))
    cpu.d, cpu.x, cpu.dbr, cpu.pc = 0x011A, 0xEE, 0x7F, ORIGIN
    cpu.a = a
    cpu.p = (cpu.p & ~0x01) | carry
    assert cpu.step() == 7  # 6 + 1 for DL != 0
    assert (cpu.a & 0xFF, (cpu.p >> 1) & 1) == (result, zero)
    # the same through compiled blocks (the loop's DEY sets Z, so check A and C there)
    body = bytes([0xA2, 0xEE, 0xA9, a, 0x38 if carry else 0x18, opcode, 0xF7])
    _, ran = run_both(body, POINTER_RAM, {"d": 0x011A, "dbr": 0x7F})
    assert (ran.a & 0xFF, ran.p & 1) == (result, carry_after)


def test_sta_dp_x_indirect_with_dl_stores_through_the_same_page_pointer():
    cpu = emulation_cpu(POINTER_RAM)
    cpu.bus.load(ORIGIN, bytes([0x81, 0xF7]))
    cpu.d, cpu.x, cpu.dbr, cpu.pc, cpu.a = 0x011A, 0xEE, 0x7F, ORIGIN, 0x5A
    cpu.step()
    assert (cpu.bus.ram[0x7F1234], cpu.bus.ram[0x7F5634]) == (0x5A, 0xAA)
    _, ran = run_both(bytes([0xA2, 0xEE, 0xA9, 0x5A, 0x81, 0xF7]), POINTER_RAM, {"d": 0x011A})
    assert ran.bus.ram[0x001234] == 0x5A and ran.bus.ram[0x005634] == 0


def test_dp_x_indirect_with_dl_zero_wraps_within_the_direct_page():
    ram = {0x0000FF: 0x34, 0x000000: 0x12, 0x000100: 0x56, 0x001234: 0x80}
    cpu = emulation_cpu(ram)
    cpu.bus.load(ORIGIN, bytes([0xA1, 0xF7]))
    cpu.x, cpu.pc = 0x08, ORIGIN
    assert cpu.step() == 6
    assert cpu.a & 0xFF == 0x80


def test_native_dp_x_indirect_pointer_crosses_the_page():
    cpu = CPU(FlatBus())
    for address, value in POINTER_RAM.items():
        cpu.bus.ram[address] = value
    cpu.bus.load(ORIGIN, bytes([0xA1, 0xF7]))
    cpu.e = False
    cpu.d, cpu.x, cpu.dbr, cpu.pc = 0x011A, 0xEE, 0x7F, ORIGIN
    cpu.p = 0x30
    cpu.step()
    assert cpu.a & 0xFF == 0xAA  # pointer $5634: native mode reads $000300


@pytest.mark.parametrize("mode", ["(dp)", "(dp),Y", "[dp]"])
def test_other_dp_indirect_modes_with_dl_cross_the_page(mode):
    # D=$01F0, operand $0F: pointer at $0001FF/$000200 (no page wrap when DL != 0)
    opcode = {"(dp)": 0xB2, "(dp),Y": 0xB1, "[dp]": 0xA7}[mode]
    ram = {0x0001FF: 0x34, 0x000200: 0x12, 0x000100: 0x56, 0x000201: 0x00}
    ram |= {0x001234: 0x80, 0x005634: 0xAA}
    cpu = emulation_cpu(ram)
    cpu.bus.load(ORIGIN, bytes([opcode, 0x0F]))
    cpu.d, cpu.y, cpu.pc = 0x01F0, 0, ORIGIN
    cpu.step()
    assert cpu.a & 0xFF == 0x80


def test_plb_at_the_top_of_page_one_pulls_from_page_two():
    ram = {0x000200: 0x12, 0x000100: 0x34}
    cpu = emulation_cpu(ram)
    cpu.bus.load(ORIGIN, bytes([0xAB]))
    cpu.s, cpu.pc = 0x01FF, ORIGIN
    assert cpu.step() == 4
    assert (cpu.dbr, cpu.s) == (0x12, 0x0100)
    _, ran = run_both(bytes([0xA2, 0xFF, 0x9A, 0xAB]), ram, {})
    assert (ran.dbr, ran.s) == (0x12, 0x0100)


# 65816 stack instructions at the edge of page 1: (name, body after `LDX #start; TXS`, start,
# RAM before, expected RAM after, expected S after). Wrapping within page 1 would use $01xx.
STACK_CASES = [
    ("PLD", bytes([0x2B]), 0xFE, {0x01FF: 0x34, 0x0200: 0x12, 0x0100: 0x77}, {}, 0x0100),
    ("PHD", bytes([0x0B]), 0x00, {}, {0x0100: 0x12, 0x00FF: 0x34}, 0x01FE),
    ("PEA", bytes([0xF4, 0x78, 0x56]), 0x00, {}, {0x0100: 0x56, 0x00FF: 0x78}, 0x01FE),
    (
        "PEI",
        bytes([0xD4, 0x10]),
        0x00,
        {0x10: 0xBC, 0x11: 0x9A},
        {0x0100: 0x9A, 0x00FF: 0xBC},
        0x01FE,
    ),
]


@pytest.mark.parametrize(
    ("name", "body", "start", "before", "after", "s_after"),
    STACK_CASES,
    ids=[case[0] for case in STACK_CASES],
)
def test_new_stack_instructions_leave_page_one_during_the_instruction(
    name, body, start, before, after, s_after
):
    setup = {"dbr": 0x7E} if name == "PEI" else {"d": 0x1234, "dbr": 0x7E}
    stepped, _ = run_both(bytes([0xA2, start, 0x9A, *body]), before, setup)
    assert stepped.s == s_after
    assert {address: stepped.bus.ram[address] for address in after} == after
    if name == "PLD":
        assert stepped.d == 0x1234


def test_per_pushes_below_page_one():
    # PER at ORIGIN+5 with offset 0 pushes ORIGIN+8, the address after it
    stepped, _ = run_both(bytes([0xA2, 0x00, 0x9A, 0x62, 0x00, 0x00]), {}, {})
    assert (stepped.bus.ram[0x0100], stepped.bus.ram[0x00FF], stepped.s) == (0x04, 0x08, 0x01FE)


def test_jsl_pushes_below_page_one():
    target = ORIGIN + 9  # the instruction after the JSL
    body = bytes([0xA2, 0x00, 0x9A, 0x22, target & 0xFF, target >> 8, 0x00])
    stepped, _ = run_both(body, {}, {})
    ret = target - 1
    pushed = [stepped.bus.ram[a] for a in (0x0100, 0x00FF, 0x00FE)]
    assert (pushed, stepped.s) == ([0x00, ret >> 8, ret & 0xFF], 0x01FD)


def test_rtl_pulls_above_page_one():
    after = ORIGIN + 6  # the DEY after the RTL
    ret = after - 1
    ram = {0x01FE: ret & 0xFF, 0x01FF: ret >> 8, 0x0200: 0x00, 0x0100: 0x7F}
    stepped, _ = run_both(bytes([0xA2, 0xFD, 0x9A, 0x6B]), ram, {})
    assert (stepped.pbr, stepped.s, stepped.y) == (0x00, 0x0100, 0)


# The 6502's own pushes wrap within page 1: at S=$0100 the byte goes to $0100 and S to $01FF.
# (name, body, setup, the byte pushed or None where it is the flags of the moment)
OLD_PUSHES = [
    ("PHA", bytes([0xA9, 0x5A, 0x48]), {}, 0x5A),
    ("PHB", bytes([0x8B]), {"dbr": 0x7E}, 0x7E),
    ("PHK", bytes([0x4B]), {}, 0x00),
    ("PHP", bytes([0x08]), {}, None),
]


@pytest.mark.parametrize(
    ("name", "body", "setup", "pushed"), OLD_PUSHES, ids=[case[0] for case in OLD_PUSHES]
)
def test_old_style_pushes_at_the_bottom_of_page_one_wrap_in_page_one(name, body, setup, pushed):
    ram = {0x00FF: 0xEE, 0x0100: 0xEE}
    stepped, _ = run_both(bytes([0xA2, 0x00, 0x9A, *body]), ram, setup)
    assert stepped.s == 0x01FF
    assert stepped.bus.ram[0x00FF] == 0xEE  # nothing below page 1
    if pushed is not None:
        assert stepped.bus.ram[0x0100] == pushed
    else:
        assert stepped.bus.ram[0x0100] != 0xEE

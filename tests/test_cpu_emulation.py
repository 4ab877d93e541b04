"""Emulation-mode rules of the real chip that differ from a plain 6502 model (issue 14).

Each scenario runs twice, through `step()` and through `run()` (compiled blocks), and both
must give the chip's result.
"""

from __future__ import annotations

import pytest

from w65tool.cpu import CPU, FlatBus

STP = 0xDB


def machine(program: bytes, at: int = 0x8000) -> tuple[CPU, FlatBus]:
    """An emulation-mode core with `program` then STP at `at` in bank 0."""
    bus = FlatBus()
    bus.load(at, program + bytes([STP]))
    cpu = CPU(bus)
    cpu.e = True
    cpu.pc = at
    return cpu, bus


def finish(cpu: CPU, how: str) -> None:
    """Run to the STP by single steps or by `run()`."""
    if how == "step":
        while not cpu.stopped:
            cpu.step()
    else:
        cpu.run(1_000)
    assert cpu.stopped


def dp_x_scene(opcode: int, how: str) -> tuple[CPU, FlatBus]:
    """The issue's case: e=1, D=$011A, X=$EE, DBR=$7F, operand $F7: pointer at $0002FF."""
    cpu, bus = machine(bytes([opcode, 0xF7]))
    cpu.d, cpu.x, cpu.dbr = 0x011A, 0xEE, 0x7F
    cpu.a = 0x01
    cpu.p = 0x30 | 0x01 if opcode == 0xE1 else 0x30  # SBC with carry set: a plain subtract
    bus.ram[0x0002FF], bus.ram[0x000200], bus.ram[0x000300] = 0x34, 0x12, 0x56
    bus.ram[0x7F1234], bus.ram[0x7F5634] = 0x80, 0xAA
    finish(cpu, how)
    return cpu, bus


HOW = ("step", "run")


@pytest.mark.parametrize("how", HOW)
def test_lda_dp_x_indirect_with_dl_set_takes_the_pointer_high_byte_from_the_same_page(how):
    cpu, _ = dp_x_scene(0xA1, how)
    assert cpu.a & 0xFF == 0x80


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(
    ("opcode", "result"),
    [(0x61, 0x81), (0x21, 0x00), (0x41, 0x81), (0x01, 0x81), (0xE1, 0x81)],
)
def test_alu_dp_x_indirect_with_dl_set_reads_through_the_same_page(opcode, result, how):
    cpu, _ = dp_x_scene(opcode, how)
    assert cpu.a & 0xFF == result


@pytest.mark.parametrize("how", HOW)
def test_cmp_dp_x_indirect_with_dl_set_compares_the_same_page_target(how):
    cpu, _ = dp_x_scene(0xC1, how)
    # A=$01 against $80: borrow (C clear) and N set; against $AA N would be clear
    assert cpu.p & 0x01 == 0 and cpu.p & 0x80 == 0x80


@pytest.mark.parametrize("how", HOW)
def test_sta_dp_x_indirect_with_dl_set_writes_through_the_same_page(how):
    _, bus = dp_x_scene(0x81, how)
    assert bus.ram[0x7F1234] == 0x01 and bus.ram[0x7F5634] == 0xAA


@pytest.mark.parametrize("how", HOW)
def test_dp_x_indirect_with_dl_zero_wraps_in_the_direct_page(how):
    cpu, bus = machine(bytes([0xA1, 0xF0]))
    cpu.d, cpu.x, cpu.dbr = 0x0100, 0x0F, 0x00
    bus.ram[0x01FF], bus.ram[0x0100], bus.ram[0x0200] = 0x34, 0x12, 0x56
    bus.ram[0x1234], bus.ram[0x5634] = 0x11, 0x22
    finish(cpu, how)
    assert cpu.a & 0xFF == 0x11


@pytest.mark.parametrize("how", HOW)
def test_plb_at_the_top_of_page_1_pulls_from_page_2_and_s_returns_to_page_1(how):
    cpu, bus = machine(bytes([0xAB]))
    cpu.s = 0x01FF
    bus.ram[0x0200], bus.ram[0x0100] = 0x42, 0x99
    finish(cpu, how)
    assert cpu.dbr == 0x42 and cpu.s == 0x0100


@pytest.mark.parametrize("how", HOW)
def test_pld_at_the_top_of_page_1_pulls_from_page_2(how):
    cpu, bus = machine(bytes([0x2B]))
    cpu.s = 0x01FE
    bus.ram[0x01FF], bus.ram[0x0200], bus.ram[0x0100] = 0x34, 0x12, 0x99
    finish(cpu, how)
    assert cpu.d == 0x1234 and cpu.s == 0x0100


@pytest.mark.parametrize("how", HOW)
def test_rtl_at_the_top_of_page_1_pulls_from_page_2(how):
    cpu, bus = machine(bytes([0x6B]))
    cpu.s = 0x01FE
    bus.ram[0x01FF], bus.ram[0x0200], bus.ram[0x0201] = 0x00, 0x90, 0x00
    bus.ram[0x9001] = STP
    finish(cpu, how)
    assert cpu.pc == 0x9002 and cpu.pbr == 0 and cpu.s == 0x0101


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(
    ("program", "written"),
    [
        (bytes([0x0B]), {0x0100: 0x12, 0x00FF: 0x34}),  # PHD: D=$1234
        (bytes([0xF4, 0x78, 0x56]), {0x0100: 0x56, 0x00FF: 0x78}),  # PEA $5678
        (bytes([0xD4, 0x10]), {0x0100: 0xBB, 0x00FF: 0xAA}),  # PEI ($10)
        (bytes([0x62, 0x00, 0x00]), {0x0100: 0x80, 0x00FF: 0x03}),  # PER: $8003
        (bytes([0x22, 0x00, 0x90, 0x00]), {0x0100: 0x00, 0x00FF: 0x80, 0x00FE: 0x03}),  # JSL
    ],
)
def test_new_stack_pushes_at_the_bottom_of_page_1_leave_page_1(program, written, how):
    cpu, bus = machine(program)
    cpu.s, cpu.d = 0x0100, 0x1234
    bus.ram[0x1244], bus.ram[0x1245] = 0xAA, 0xBB
    bus.ram[0x9000] = STP
    finish(cpu, how)
    for address, value in written.items():
        assert bus.ram[address] == value, hex(address)
    assert cpu.s >> 8 == 0x01


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("opcode", [0x8B, 0x4B, 0x08, 0x48])  # PHB PHK PHP PHA
def test_old_style_pushes_at_the_bottom_of_page_1_wrap_in_page_1(opcode, how):
    cpu, bus = machine(bytes([opcode]))
    cpu.s = 0x0100
    finish(cpu, how)
    assert bus.ram[0x00FF] == 0 and cpu.s == 0x01FF

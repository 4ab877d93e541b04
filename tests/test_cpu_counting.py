"""`cpu.instructions`, and IRQ masking: the line held while I = 1, then unmasked."""

from __future__ import annotations

import pytest
from conftest import make_cpu

from w65tool.cpu import CPU

# Native mode, a block move of 3 bytes, a 3-pass loop, then CLI with IRQ held: the handler
# drops the line (WDM hook) and returns to STP. 20 instructions; the interrupt entry is not one.
COUNTED = bytes(
    [
        0x18,  # 0200 clc                     1
        0xFB,  # 0201 xce                     2
        *(0xC2, 0x30),  # 0202 rep #$30       3
        *(0xA9, 0x02, 0x00),  # 0204 lda #2   4
        *(0xA2, 0x00, 0x10),  # 0207 ldx #$1000   5
        *(0xA0, 0x00, 0x20),  # 020A ldy #$2000   6
        *(0x54, 0x00, 0x00),  # 020D mvn 0,0  7, 8, 9: one per byte moved
        *(0xA2, 0x03, 0x00),  # 0210 ldx #3   10
        0xCA,  # 0213 loop: dex               11, 13, 15
        *(0xD0, 0xFD),  # 0214 bne loop       12, 14, 16
        0x58,  # 0216 cli                     17, then the IRQ is entered
        0xDB,  # 0217 stp                     20
    ]
)
HANDLER = bytes([0x42, 0x01, 0x40])  # 8000 wdm #1 (18; drops IRQ) ; rti (19)
COUNTED_INSTRUCTIONS = 20


def counted_program() -> CPU:
    cpu, bus = make_cpu(COUNTED)
    bus.load(0x8000, HANDLER)
    bus.load(0xFFEE, bytes([0x00, 0x80]))  # native IRQ vector
    cpu.wdm_hook = lambda signature: setattr(cpu, "irq", False)
    cpu.irq = True  # held from the start, masked until the CLI
    return cpu


@pytest.mark.parametrize("how", ["run", "run with a breakpoint", "step"])
def test_instructions_count_each_executed_instruction_and_each_byte_moved(how):
    cpu = counted_program()
    assert cpu.instructions == 0
    if how == "step":
        steps = 0
        while not cpu.stopped:
            cpu.step()
            steps += 1
        assert steps == COUNTED_INSTRUCTIONS + 1  # the interrupt entry was a step of its own
    else:
        if how == "run with a breakpoint":
            cpu.breakpoints.add(0x123456)  # never reached: the loop that checks them
        cpu.run(10_000)
    assert cpu.stopped
    assert cpu.pc == 0x0218
    assert cpu.x == 0 and cpu.a == 0xFFFF  # the loop ran out and the move was complete
    assert cpu.instructions == COUNTED_INSTRUCTIONS


def test_instructions_accumulate_over_runs_and_can_be_reset():
    cpu = counted_program()
    cpu.run(20)  # whole instructions: stops at the first boundary past 20 cycles
    first = cpu.instructions
    assert 0 < first < COUNTED_INSTRUCTIONS
    cpu.run(10_000)
    assert cpu.instructions == COUNTED_INSTRUCTIONS
    cpu.instructions = 0
    assert cpu.instructions == 0


def test_an_interrupt_entry_is_not_an_instruction():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    bus.load(0xFFFE, bytes([0x00, 0x80]))
    cpu.p = 0x30
    cpu.irq = True
    assert cpu.step() == 7
    assert cpu.instructions == 0


# A held IRQ line with I = 1 costs nothing per instruction, and is taken as soon as I clears.

IRQ_TARGET = 0x9000


def held_irq(code: bytes, native: bool = False) -> CPU:
    """A core with I = 1 and the IRQ line held, `code` at $0200, vectors to $9000."""
    cpu, bus = make_cpu(code)
    bus.load(0xFFFE, IRQ_TARGET.to_bytes(2, "little"))
    bus.load(0xFFEE, IRQ_TARGET.to_bytes(2, "little"))
    if native:
        cpu.e = 0
    cpu.p = 0x34
    cpu.irq = True
    return cpu


@pytest.mark.parametrize(
    ("code", "native", "entered_after", "executed"),
    [
        (bytes([0xEA, 0x58, 0xEA]), False, 0x0202, 2),  # nop ; cli
        (bytes([0xEA, 0xC2, 0x04, 0xEA]), True, 0x0203, 2),  # nop ; rep #$04
        (bytes([0xA9, 0x30, 0x48, 0x28, 0xEA]), False, 0x0204, 3),  # lda #$30 ; pha ; plp
    ],
    ids=["cli", "rep", "plp"],
)
@pytest.mark.parametrize("use_run", [False, True], ids=["step", "run"])
def test_a_held_irq_is_taken_right_after_the_instruction_that_clears_i(
    code, native, entered_after, executed, use_run
):
    cpu = held_irq(code, native)
    while cpu.pc != IRQ_TARGET:
        assert cpu.pc <= entered_after, "the IRQ was not taken when I cleared"
        if use_run:
            cpu.run(1)
        else:
            cpu.step()
    assert cpu.p & 0x04  # I set by the entry
    assert cpu.instructions == executed


def test_a_held_irq_is_taken_after_rti_restores_i_clear():
    # $0200 RTI, with P = $30 (I clear) and return address $0300 on the stack
    cpu = held_irq(bytes([0x40]))
    cpu.bus.load(0x01FD, bytes([0x30, 0x00, 0x03]))
    cpu.s = 0x01FC
    cpu.run(6)
    assert cpu.pc == 0x0300
    cpu.step()
    assert cpu.pc == IRQ_TARGET


def test_a_held_irq_is_taken_after_p_is_written_with_i_clear():
    cpu = held_irq(bytes([0xEA, 0xEA]))
    assert cpu.run(2) == 2
    cpu.p = 0x30
    assert cpu.run(1) == 7
    assert cpu.pc == IRQ_TARGET


def test_a_masked_irq_still_ends_wai_and_execution_goes_on():
    # $0200 WAI ; NOP
    cpu, _ = make_cpu(bytes([0xCB, 0xEA]))
    cpu.p = 0x34
    cpu.run(100)
    assert cpu.waiting
    cpu.irq = True
    assert cpu.run(1) == 2
    assert not cpu.waiting
    assert cpu.pc == 0x0202

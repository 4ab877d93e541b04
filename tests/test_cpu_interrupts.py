"""Interrupts, WAI, STP and reset of the 65C816 core."""

from __future__ import annotations

from conftest import make_cpu

from w65tool.cpu import CPU, FlatBus


def set_vector(bus: FlatBus, vector: int, target: int) -> None:
    bus.ram[vector] = target & 0xFF
    bus.ram[vector + 1] = target >> 8


def go_native(cpu: CPU) -> None:
    cpu.e = 0
    cpu.p = 0x30


# IRQ


def test_irq_is_taken_before_the_next_instruction_when_i_is_clear():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    set_vector(bus, 0xFFFE, 0x8000)
    cpu.p = 0x30  # I clear
    cpu.irq = True
    assert cpu.step() == 7
    assert (cpu.pbr, cpu.pc) == (0, 0x8000)
    assert cpu.s == 0x01FC
    assert (bus.ram[0x1FF], bus.ram[0x1FE]) == (0x02, 0x00)  # return address $0200


def test_irq_in_emulation_mode_pushes_status_with_b_clear():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    set_vector(bus, 0xFFFE, 0x8000)
    cpu.p = 0x30
    cpu.irq = True
    cpu.step()
    assert bus.ram[0x1FD] == 0x20  # B (bit 4) clear, bit 5 set


def test_irq_sets_i_and_clears_d():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    set_vector(bus, 0xFFFE, 0x8000)
    cpu.p = 0x38  # D set, I clear
    cpu.irq = True
    cpu.step()
    assert cpu.p & 0x0C == 0x04


def test_irq_is_ignored_while_i_is_set():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    set_vector(bus, 0xFFFE, 0x8000)
    cpu.p = 0x34
    cpu.irq = True
    assert cpu.step() == 2
    assert cpu.pc == 0x0201


def test_irq_is_a_level_taken_again_after_rti_while_held():
    # $0200 NOP        $8000 RTI
    cpu, bus = make_cpu(bytes([0xEA]))
    bus.load(0x8000, bytes([0x40]))
    set_vector(bus, 0xFFFE, 0x8000)
    cpu.p = 0x30
    cpu.irq = True
    cpu.step()  # enter
    cpu.step()  # RTI back to $0200 with I clear
    assert cpu.pc == 0x0200
    cpu.step()  # the line is still low: enter again
    assert cpu.pc == 0x8000


def test_native_irq_pushes_pbr_and_uses_the_native_vector():
    # $12:3456 NOP
    cpu, bus = make_cpu(bytes([0xEA]), at=0x123456)
    set_vector(bus, 0xFFEE, 0x9000)
    go_native(cpu)
    cpu.s = 0x1FFF
    cpu.irq = True
    assert cpu.step() == 8
    assert (cpu.pbr, cpu.pc) == (0, 0x9000)
    assert list(bus.ram[0x1FFC:0x2000]) == [0x30, 0x56, 0x34, 0x12]  # P, PCL, PCH, PBR


def test_rti_in_native_mode_pulls_pbr():
    # $0200 NOP       $9000 RTI
    cpu, bus = make_cpu(bytes([0xEA]), at=0x123456)
    bus.load(0x9000, bytes([0x40]))
    set_vector(bus, 0xFFEE, 0x9000)
    go_native(cpu)
    cpu.irq = True
    cpu.step()
    cpu.irq = False
    assert cpu.step() == 7
    assert (cpu.pbr, cpu.pc) == (0x12, 0x3456)


# NMI and ABORT


def test_nmi_is_taken_even_with_i_set():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    set_vector(bus, 0xFFFA, 0x7000)
    cpu.p = 0x34
    cpu.nmi()
    cpu.step()
    assert cpu.pc == 0x7000


def test_nmi_is_an_edge_taken_once():
    # $0200 NOP        $7000 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    bus.load(0x7000, bytes([0xEA]))
    set_vector(bus, 0xFFFA, 0x7000)
    cpu.nmi()
    cpu.step()
    assert cpu.step() == 2
    assert cpu.pc == 0x7001


def test_nmi_in_native_mode_uses_ffea():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    set_vector(bus, 0xFFEA, 0x6000)
    go_native(cpu)
    cpu.nmi()
    cpu.step()
    assert cpu.pc == 0x6000


def test_abort_takes_the_abort_vector():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    set_vector(bus, 0xFFF8, 0x5000)
    cpu.abort()
    assert cpu.step() == 7
    assert cpu.pc == 0x5000


# BRK and COP


def test_brk_in_emulation_mode_pushes_b_set_and_skips_its_signature():
    # $0200 BRK #$00
    cpu, bus = make_cpu(bytes([0x00, 0x00]))
    set_vector(bus, 0xFFFE, 0x8000)
    cpu.p = 0x30
    assert cpu.step() == 7
    assert cpu.pc == 0x8000
    assert list(bus.ram[0x1FD:0x200]) == [0x30, 0x02, 0x02]  # P with B, return $0202


def test_brk_in_native_mode_takes_eight_cycles_and_its_own_vector():
    # $0200 BRK #$00
    cpu, bus = make_cpu(bytes([0x00, 0x00]))
    set_vector(bus, 0xFFE6, 0x8100)
    go_native(cpu)
    assert cpu.step() == 8
    assert cpu.pc == 0x8100


def test_cop_in_emulation_mode_uses_fff4():
    # $0200 COP #$05
    cpu, bus = make_cpu(bytes([0x02, 0x05]))
    set_vector(bus, 0xFFF4, 0x8200)
    cpu.step()
    assert cpu.pc == 0x8200


def test_vector_hook_chooses_where_the_vector_is_read():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    set_vector(bus, 0xFFB0, 0x4444)
    asked = []
    cpu.vector_hook = lambda kind, emulation: asked.append((kind, emulation)) or 0xFFB0
    cpu.p = 0x30
    cpu.irq = True
    cpu.step()
    assert asked == [("irq", True)]
    assert cpu.pc == 0x4444


def test_vector_hook_is_asked_for_brk_and_cop_in_native_mode():
    # $0200 COP #$00
    cpu, _ = make_cpu(bytes([0x02, 0x00]))
    asked = []
    cpu.vector_hook = lambda kind, emulation: asked.append((kind, emulation)) or 0xFFE4
    go_native(cpu)
    cpu.step()
    assert asked == [("cop", False)]


# WAI


def test_wai_waits_with_no_interrupt():
    # $0200 WAI
    cpu, _ = make_cpu(bytes([0xCB]))
    assert cpu.step() == 3
    assert cpu.waiting
    assert cpu.step() == 0
    assert cpu.pc == 0x0201


def test_wai_ends_by_taking_an_irq_when_i_is_clear():
    # $0200 WAI
    cpu, bus = make_cpu(bytes([0xCB]))
    set_vector(bus, 0xFFFE, 0x8000)
    cpu.p = 0x30
    cpu.step()
    cpu.irq = True
    cpu.step()
    assert not cpu.waiting
    assert cpu.pc == 0x8000
    assert (bus.ram[0x1FF], bus.ram[0x1FE]) == (0x02, 0x01)  # returns after the WAI


def test_wai_with_i_set_wakes_on_irq_and_continues_without_taking_it():
    # $0200 WAI ; NOP
    cpu, _ = make_cpu(bytes([0xCB, 0xEA]))
    cpu.p = 0x34
    cpu.step()
    cpu.irq = True
    assert cpu.step() == 2  # the NOP
    assert not cpu.waiting
    assert cpu.pc == 0x0202


def test_wai_is_ended_by_nmi():
    # $0200 WAI
    cpu, bus = make_cpu(bytes([0xCB]))
    set_vector(bus, 0xFFFA, 0x7000)
    cpu.step()
    cpu.nmi()
    cpu.step()
    assert cpu.pc == 0x7000


# STP and reset


def test_stp_stops_the_core():
    # $0200 STP ; NOP
    cpu, _ = make_cpu(bytes([0xDB, 0xEA]))
    assert cpu.step() == 3
    assert cpu.stopped
    assert cpu.step() == 0
    assert cpu.pc == 0x0201


def test_stp_ignores_interrupts():
    # $0200 STP
    cpu, bus = make_cpu(bytes([0xDB]))
    set_vector(bus, 0xFFFA, 0x7000)
    cpu.step()
    cpu.nmi()
    assert cpu.step() == 0


def test_reset_restarts_a_stopped_core_at_the_reset_vector():
    # $0200 STP
    cpu, bus = make_cpu(bytes([0xDB]))
    set_vector(bus, 0xFFFC, 0xE000)
    cpu.step()
    cpu.reset()
    assert not cpu.stopped
    assert (cpu.pbr, cpu.pc) == (0, 0xE000)


def test_reset_enters_emulation_mode_with_the_datasheet_state():
    # $0200 NOP
    cpu, bus = make_cpu(bytes([0xEA]))
    set_vector(bus, 0xFFFC, 0xE000)
    go_native(cpu)
    cpu.p = 0x0B  # 16-bit registers, D and C set
    cpu.x, cpu.y, cpu.s, cpu.d, cpu.dbr = 0x1234, 0x5678, 0x1FF0, 0x4400, 0x7E
    cpu.reset()
    assert cpu.e == 1
    assert cpu.p & 0x3C == 0x34  # M, X, I set; D clear
    assert (cpu.x, cpu.y) == (0x34, 0x78)
    assert cpu.s == 0x01F0
    assert (cpu.d, cpu.dbr, cpu.pbr) == (0, 0, 0)

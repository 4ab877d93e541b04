"""Register widths, mode switches, the run loop, breakpoints and hooks of the 65C816 core."""

from __future__ import annotations

import pytest
from conftest import make_cpu
from hypothesis import given
from hypothesis import strategies as st

from w65tool.cpu import CPU, FlatBus


def go_native(cpu: CPU, p: int = 0x30) -> None:
    cpu.e = 0
    cpu.p = p


# Widths switched by instructions


def test_rep_20_widens_a():
    # $0200 REP #$20 ; LDA #$1234
    cpu, _ = make_cpu(bytes([0xC2, 0x20, 0xA9, 0x34, 0x12]))
    go_native(cpu)
    assert cpu.step() == 3
    assert cpu.step() == 3
    assert cpu.a == 0x1234
    assert cpu.pc == 0x0205


def test_sep_10_clears_the_index_high_bytes():
    # $0200 SEP #$10
    cpu, _ = make_cpu(bytes([0xE2, 0x10]))
    go_native(cpu, p=0x00)
    cpu.x, cpu.y = 0x1234, 0xABCD
    cpu.step()
    assert (cpu.x, cpu.y) == (0x34, 0xCD)


def test_rep_in_emulation_mode_cannot_clear_m_and_x():
    # $0200 REP #$30 ; LDA #$12 ; (next byte $AA is not an operand)
    cpu, _ = make_cpu(bytes([0xC2, 0x30, 0xA9, 0x12]))
    cpu.step()
    assert cpu.p & 0x30 == 0x30
    cpu.step()
    assert cpu.pc == 0x0204


def test_xce_to_native_mode_keeps_8_bit_registers():
    # $0200 CLC ; XCE
    cpu, _ = make_cpu(bytes([0x18, 0xFB]))
    cpu.step()
    cpu.step()
    assert cpu.e == 0
    assert cpu.p & 0x31 == 0x31  # M and X still set; C holds the old E


def test_xce_to_emulation_mode_forces_8_bit_and_stack_page_1():
    # $0200 SEC ; XCE
    cpu, _ = make_cpu(bytes([0x38, 0xFB]))
    go_native(cpu, p=0x00)
    cpu.x, cpu.s = 0x1234, 0x0FF0
    cpu.step()
    cpu.step()
    assert cpu.e == 1
    assert cpu.p & 0x31 == 0x30  # C holds the old E (0)
    assert (cpu.x, cpu.s) == (0x34, 0x01F0)


def test_plp_changes_widths_for_the_next_instruction():
    # $0200 PLP ; LDX #$1234       (the stack holds $00: 16-bit registers)
    cpu, bus = make_cpu(bytes([0x28, 0xA2, 0x34, 0x12]))
    go_native(cpu)
    cpu.s = 0x2FF
    bus.ram[0x300] = 0x00
    cpu.step()
    cpu.step()
    assert cpu.x == 0x1234


def test_rti_restores_the_widths_of_the_interrupted_code():
    # $0200 RTI       (stack: P=$20 (X 16-bit), PC=$0300, PBR=$00)
    cpu, bus = make_cpu(bytes([0x40]))
    bus.load(0x0300, bytes([0xA0, 0x78, 0x56]))  # $0300 LDY #$5678
    go_native(cpu)
    cpu.s = 0x1FB
    bus.load(0x1FC, bytes([0x20, 0x00, 0x03, 0x00]))
    cpu.step()
    cpu.step()
    assert cpu.y == 0x5678
    assert cpu.p & 0x30 == 0x20


# Widths switched by writing registers between steps


def test_setting_p_between_steps_changes_the_accumulator_width():
    # $0200 LDA #$5678
    cpu, _ = make_cpu(bytes([0xA9, 0x78, 0x56]))
    go_native(cpu)
    cpu.p = 0x10
    assert cpu.step() == 3
    assert cpu.a == 0x5678


def test_setting_x_flag_clears_the_index_high_bytes():
    cpu, _ = make_cpu()
    go_native(cpu, p=0x00)
    cpu.x, cpu.y = 0x1234, 0x5678
    cpu.p = 0x10
    assert (cpu.x, cpu.y) == (0x34, 0x78)


def test_setting_e_forces_8_bit_registers_and_stack_page_1():
    cpu, _ = make_cpu()
    go_native(cpu, p=0x00)
    cpu.x, cpu.s = 0x1234, 0x3456
    cpu.e = 1
    assert cpu.p & 0x30 == 0x30
    assert (cpu.x, cpu.s) == (0x34, 0x0156)


def test_setting_p_in_emulation_mode_keeps_m_and_x_set():
    cpu, _ = make_cpu()
    cpu.p = 0x00
    assert cpu.p == 0x30


def test_writing_d_between_steps_moves_the_direct_page():
    # $0200 LDA $10 / LDA $10 / LDA $10: D = 0 has handlers of its own (no D, no DL cycle)
    cpu, bus = make_cpu(bytes([0xA5, 0x10] * 3))
    bus.ram[0x0010], bus.ram[0x1244], bus.ram[0x1310] = 0x11, 0x22, 0x33
    assert (cpu.step(), cpu.a & 0xFF) == (3, 0x11)
    cpu.d = 0x1234
    assert (cpu.step(), cpu.a & 0xFF) == (4, 0x22)  # DL != 0: a cycle more
    cpu.d = 0x1300
    assert (cpu.step(), cpu.a & 0xFF) == (3, 0x33)


@pytest.mark.parametrize("how", ["step", "run"])
def test_tcd_and_pld_move_the_direct_page_for_the_next_instruction(how):
    code = bytes(
        [
            *(0xA5, 0x10),  # 0200 lda $10      D = 0: $0010
            *(0xA9, 0x12),  # 0202 lda #$12
            0xEB,  # 0204 xba
            *(0xA9, 0x34),  # 0205 lda #$34     C = $1234
            0x5B,  # 0207 tcd
            *(0xA6, 0x10),  # 0208 ldx $10      $1244
            *(0xF4, 0x00, 0x00),  # 020A pea $0000
            0x2B,  # 020D pld                D = 0 again
            *(0xA4, 0x10),  # 020E ldy $10      $0010
            0xDB,  # 0210 stp
        ]
    )
    cpu, bus = make_cpu(code)
    bus.ram[0x0010], bus.ram[0x1244] = 0x11, 0x22
    if how == "step":
        while not cpu.stopped:
            cpu.step()
    else:
        cpu.run(1000)
    assert (cpu.x, cpu.y, cpu.d) == (0x22, 0x11, 0)
    assert cpu.cycles == 3 + 2 + 3 + 2 + 2 + 4 + 5 + 5 + 3 + 3


def test_stack_wraps_within_page_1_in_emulation_mode():
    # $0200 PHA
    cpu, bus = make_cpu(bytes([0x48]))
    cpu.s, cpu.a = 0x0100, 0x0042
    cpu.step()
    assert cpu.s == 0x01FF
    assert bus.ram[0x100] == 0x42


def test_a_keeps_the_hidden_b_byte_with_an_8_bit_accumulator():
    # $0200 LDA #$12
    cpu, _ = make_cpu(bytes([0xA9, 0x12]))
    cpu.a = 0xBEEF
    cpu.step()
    assert cpu.a == 0xBE12


def test_xba_swaps_b_and_a_and_sets_flags_from_a():
    # $0200 XBA
    cpu, _ = make_cpu(bytes([0xEB]))
    cpu.a = 0x8000
    cpu.step()
    assert cpu.a == 0x0080
    assert cpu.p & 0x82 == 0x80  # N from the new A, Z clear


# Decimal mode and arithmetic (properties share one core: a fresh 16 MiB each would be slow)

SHARED_CPU, SHARED_BUS = make_cpu()


def load_shared(code: bytes) -> CPU:
    """The shared core, reset, with `code` at $0200."""
    SHARED_BUS.load(0x0200, code)
    SHARED_CPU.reset()
    SHARED_CPU.pc = 0x0200
    return SHARED_CPU


def _bcd(n: int) -> int:
    return int(str(n), 16)


@given(st.integers(0, 99), st.integers(0, 99), st.booleans())
def test_adc_in_decimal_mode_adds_bcd_bytes(left, right, carry):
    # $0200 SED ; ADC #right
    cpu = load_shared(bytes([0xF8, 0x69, _bcd(right)]))
    cpu.a = _bcd(left)
    cpu.p = 0x30 | int(carry)
    cpu.step()
    cpu.step()
    total = left + right + carry
    assert cpu.a == _bcd(total % 100)
    assert cpu.p & 1 == (total > 99)


@given(st.integers(0, 9999), st.integers(0, 9999))
def test_sbc_in_decimal_mode_subtracts_16_bit_bcd(left, right):
    # $0200 SBC #right      (native, 16-bit A, D and C set)
    cpu = load_shared(bytes([0xE9, _bcd(right) & 0xFF, _bcd(right) >> 8]))
    go_native(cpu, p=0x19)
    cpu.a = _bcd(left)
    cpu.step()
    assert cpu.a == _bcd((left - right) % 10000)
    assert cpu.p & 1 == (left >= right)


@given(st.integers(0, 255), st.integers(0, 255), st.booleans())
def test_adc_in_binary_mode_sets_carry_and_overflow(left, right, carry):
    # $0200 ADC #right
    cpu = load_shared(bytes([0x69, right]))
    cpu.a = left
    cpu.p = 0x30 | int(carry)
    cpu.step()
    total = left + right + carry
    signed = (left ^ 0x80) - 0x80 + (right ^ 0x80) - 0x80 + carry
    assert cpu.a == total & 0xFF
    assert cpu.p & 1 == (total > 0xFF)
    assert bool(cpu.p & 0x40) == (not -128 <= signed <= 127)


# Block moves


def test_mvn_moves_one_byte_per_step_and_stays_on_the_instruction():
    # $0200 MVN $7E,$01     (bytes: opcode, destination bank, source bank)
    cpu, bus = make_cpu(bytes([0x54, 0x7E, 0x01]))
    go_native(cpu, p=0x00)
    bus.load(0x011000, b"abc")
    cpu.a, cpu.x, cpu.y = 2, 0x1000, 0x2000
    assert [cpu.step() for _ in range(2)] == [7, 7]
    assert cpu.pc == 0x0200
    cpu.step()
    assert cpu.pc == 0x0203
    assert bytes(bus.ram[0x7E2000:0x7E2003]) == b"abc"
    assert (cpu.a, cpu.x, cpu.y, cpu.dbr) == (0xFFFF, 0x1003, 0x2003, 0x7E)


def test_an_interrupt_can_come_between_the_bytes_of_a_block_move():
    # $0200 MVP $00,$00
    cpu, bus = make_cpu(bytes([0x44, 0x00, 0x00]))
    bus.load(0xFFEE, bytes([0x00, 0x90]))
    go_native(cpu, p=0x00)
    cpu.a, cpu.x, cpu.y = 5, 0x3005, 0x4005
    cpu.step()
    cpu.irq = True
    cpu.step()
    assert cpu.pc == 0x9000
    assert list(bus.ram[0x1FD:0x200]) == [0x00, 0x02, 0x00]  # PCL, PCH, PBR: the MVP itself


# The run loop


def test_run_stops_at_a_breakpoint_before_executing_it():
    # $0200 NOP ; NOP ; NOP
    cpu, _ = make_cpu(bytes([0xEA, 0xEA, 0xEA]))
    cpu.breakpoints.add(0x0202)
    assert cpu.run(1000) == 4
    assert cpu.pc == 0x0202


def test_run_resumes_from_the_breakpoint_it_stopped_at():
    # $0200 NOP ; NOP ; STP
    cpu, _ = make_cpu(bytes([0xEA, 0xEA, 0xDB]))
    cpu.breakpoints.add(0x0201)
    cpu.run(1000)
    cpu.run(1000)
    assert cpu.stopped


def test_breakpoints_are_24_bit_addresses():
    # $01:0200 NOP ; NOP
    cpu, _ = make_cpu(bytes([0xEA, 0xEA]), at=0x010200)
    cpu.breakpoints.update({0x0201, 0x010201})
    cpu.run(1000)
    assert (cpu.pbr, cpu.pc) == (0x01, 0x0201)


def test_run_returns_once_max_cycles_have_passed():
    # $0200 loop: BRA loop
    cpu, _ = make_cpu(bytes([0x80, 0xFE]))
    assert cpu.run(10) == 12  # whole instructions: four 3-cycle branches
    assert cpu.cycles == 12


def test_run_returns_at_stp():
    # $0200 NOP ; STP
    cpu, _ = make_cpu(bytes([0xEA, 0xDB]))
    assert cpu.run(1000) == 5
    assert cpu.stopped


def test_run_returns_at_wai_with_no_interrupt_pending():
    # $0200 WAI
    cpu, _ = make_cpu(bytes([0xCB]))
    assert cpu.run(1000) == 3
    assert cpu.waiting


def test_stop_requested_ends_run_and_is_cleared():
    # $0200 loop: BRA loop
    cpu, _ = make_cpu(bytes([0x80, 0xFE]))
    cpu.stop_requested = True
    assert cpu.run(1000) == 0
    assert not cpu.stop_requested
    assert cpu.run(9) == 9


# WDM and its hook


def test_wdm_hook_sees_pc_past_the_instruction_and_its_cycles_counted():
    # $0200 WDM #$07
    cpu, _ = make_cpu(bytes([0x42, 0x07]))
    seen = []
    cpu.wdm_hook = lambda signature: seen.append((signature, cpu.pc, cpu.cycles))
    assert cpu.step() == 2
    assert seen == [(0x07, 0x0202, 2)]


def test_wdm_hook_may_change_registers_pc_and_cycles():
    # $0200 WDM #$01 ; STP      the hook plays a routine: A = $55, skip the STP, 40 cycles
    cpu, _ = make_cpu(bytes([0x42, 0x01, 0xDB, 0xEA]))

    def routine(signature: int) -> None:
        cpu.a, cpu.pc = 0x55, cpu.pc + 1
        cpu.cycles += 40

    cpu.wdm_hook = routine
    assert cpu.step() == 42
    assert (cpu.a, cpu.pc) == (0x55, 0x0203)


def test_wdm_hook_can_stop_run():
    # $0200 WDM #$00 ; NOP ; NOP
    cpu, _ = make_cpu(bytes([0x42, 0x00, 0xEA, 0xEA]))
    cpu.wdm_hook = lambda signature: setattr(cpu, "stop_requested", True)
    assert cpu.run(1000) == 2
    assert cpu.pc == 0x0202


def test_wdm_without_a_hook_is_a_two_byte_no_operation():
    # $0200 WDM #$AA
    cpu, _ = make_cpu(bytes([0x42, 0xAA]))
    assert cpu.step() == 2
    assert cpu.pc == 0x0202


# Buses


class LoggingBus:
    """A bus with no fast path: every access must reach it."""

    def __init__(self) -> None:
        self.memory = bytearray(1 << 24)
        self.accesses: list[tuple[str, int]] = []

    def read(self, address: int) -> int:
        self.accesses.append(("r", address))
        return self.memory[address]

    def write(self, address: int, value: int) -> None:
        self.accesses.append(("w", address))
        self.memory[address] = value


def test_a_bus_without_the_fast_path_sees_every_access():
    # $0200 STA $1234
    bus = LoggingBus()
    bus.memory[0x200:0x203] = bytes([0x8D, 0x34, 0x12])
    cpu = CPU(bus)
    cpu.pc = 0x0200
    bus.accesses.clear()
    cpu.step()
    assert bus.accesses == [("r", 0x200), ("r", 0x201), ("r", 0x202), ("w", 0x1234)]


class IoBus(FlatBus):
    """Page $DF is I/O: reads give the cycle count the core shows at that moment."""

    def __init__(self, cpu_box: list) -> None:
        super().__init__()
        self.read_hooks[0xDF] = self.write_hooks[0xDF] = 1
        self.cpu_box = cpu_box
        self.written: list[tuple[int, int, int]] = []

    def read(self, address: int) -> int:
        if address >> 8 == 0xDF:
            return self.cpu_box[0].cycles & 0xFF
        return super().read(address)

    def write(self, address: int, value: int) -> None:
        self.written.append((self.cpu_box[0].cycles, address, value))


def test_hooked_pages_go_through_the_bus_with_cycles_current():
    # $0200 NOP ; LDA $DF00 ; STA $DF01
    box: list = []
    bus = IoBus(box)
    bus.load(0x0200, bytes([0xEA, 0xAD, 0x00, 0xDF, 0x8D, 0x01, 0xDF]))
    cpu = CPU(bus)
    box.append(cpu)
    cpu.pc, cpu.cycles = 0x0200, 0
    cpu.run(2 + 4 + 4)
    assert cpu.a & 0xFF == 2  # read during the LDA, which began at cycle 2
    assert bus.written == [(6, 0xDF01, 2)]
    assert bus.ram[0xDF01] == 0  # the write went to the bus, not to RAM

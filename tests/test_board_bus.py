"""The memory map: RAM fast path, ROM, I/O window, unmapped space, the SXB's SRAM."""

from w65tool.board.bus import UNMAPPED, Bus
from w65tool.board.interrupts import Interrupts
from w65tool.board.ports import Ports


def make(external=None):
    io = {}
    bus = Bus(external, lambda a: io.get(a, 0x5A), io.__setitem__)
    return bus, io


def test_on_chip_ram_pages_are_fast_both_ways():
    bus, _ = make()
    assert bus.read_hooks[0] == bus.write_hooks[0] == 0
    assert bus.read_hooks[1] == bus.write_hooks[1] == 0
    bus.write(0x01FF, 0x12)
    assert bus.read(0x01FF) == 0x12


def test_rom_reads_fast_and_ignores_writes():
    bus, _ = make()
    bus.store(0xFFFC, b"\x00\xe0")
    assert bus.read_hooks[0xFF] == 0 and bus.write_hooks[0xFF] == 1
    bus.write(0xFFFC, 0x99)
    assert bus.read(0xFFFC) == 0x00


def test_io_window_goes_to_registers_and_high_page_is_ram():
    bus, io = make()
    bus.write(0xDF23, 0x04)
    assert io[0xDF23] == 0x04
    assert bus.read(0xDF40) == 0x5A
    bus.write(0xDF80, 0x77)
    assert bus.read(0xDF80) == 0x77
    bus.write(0xDFC0, 0x77)
    assert bus.read(0xDFC0) == UNMAPPED


def test_mensch_has_nothing_between_0200_and_dEFF_nor_above_bank_0():
    bus, _ = make()
    for address in (0x0200, 0x7FFF, 0x8000, 0x01_0000, 0xFF_FFFF):
        bus.write(address, 0x00)
        assert bus.read(address) == UNMAPPED
        assert not bus.mapped(address)


def test_sxb_sram_answers_only_with_the_external_bus_on():
    bus, _ = make((0x0200, 0x7FFF))
    bus.write(0x1000, 0x42)
    assert bus.read(0x1000) == UNMAPPED
    bus.set_external_bus(True)
    assert bus.read_hooks[0x10] == 0
    bus.write(0x1000, 0x42)
    assert bus.read(0x1000) == 0x42
    assert bus.read(0x8000) == UNMAPPED


def test_port_reads_mix_outputs_and_input_pins():
    writes = []
    ports = Ports(lambda p, v: writes.append((p, v)))
    ports.direction[0] = 0x0F
    ports.write_data(0, 0xA5)
    ports.inputs[0] = 0x30
    assert ports.read_data(0) == 0x35
    assert writes == [(0, 0xA5)]


def test_port7_chip_select_pins_idle_high():
    ports = Ports(lambda p, v: None)
    ports.write_data(7, 0x00)
    ports.pcs7 = 0xFB
    assert ports.pin_levels(7) == 0xFB
    assert ports.output_mask(7) == 0x04


def test_bus_mode_takes_ports_0_to_3_from_pd():
    ports = Ports(lambda p, v: None)
    ports.direction[0] = 0x03
    assert ports.output_mask(0) == 0x03
    ports.bcr = 0x01
    assert ports.output_mask(0) == 0


def test_irq_vector_is_the_highest_priority_pending_source():
    level = []
    state = {"timers": 0, "uarts": 0}
    irq = Interrupts(lambda: state["timers"], lambda: state["uarts"], level.append)
    state["uarts"] = 0x40  # UART3 receive
    irq.update()
    assert level[-1] is True
    assert irq.vector_hook("irq", False) == 0xFFAC
    state["timers"] = 0x04  # T2 outranks the UARTs
    assert irq.vector_hook("irq", False) == 0xFF84
    assert irq.vector_hook("irq", True) == 0xFFC4
    assert irq.vector_hook("brk", False) == 0xFFB6
    state["timers"] = state["uarts"] = 0
    irq.eier = 0x80
    irq.raise_edge(7)
    assert irq.vector_hook("irq", False) == 0xFF9E
    irq.write_eifr(0x80)
    assert level[-1] is False

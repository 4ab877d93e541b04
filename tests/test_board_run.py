"""The board with its core: programs (hand-assembled here) driving LEDs, timers, UARTs.

These run on a bare chip (`monitor=False`): each program brings its own vectors, loaded
into the ROM space as a bare chip allows.
"""

import itertools

import pytest
from bare_programs import BLINK  # T0's handler at $0028

from w65tool.board.board import Board
from w65tool.errors import W65Error
from w65tool.image import Image


def bare(kind, code, org=0x0010, vectors=None):
    board = Board(kind, monitor=False)
    image = Image()
    image.put(org, bytes(code))
    image.put(0xFFFC, org.to_bytes(2, "little"))  # RESET
    for address, target in (vectors or {}).items():
        image.put(address, target.to_bytes(2, "little"))
    board.load(image)
    board.reset()
    return board


LEDS_05 = [
    0x18, 0xFB,        # clc / xce         native mode
    0xE2, 0x30,        # sep #$30
    0x9C, 0x27, 0xDF,  # stz PCS7          port 7: plain outputs
    0xA9, 0x05,        # lda #$05
    0x8D, 0x23, 0xDF,  # sta PD7
    0xDB,              # stp
]  # fmt: skip


def test_mensch_lamps_follow_pd7_bits_lit_high():
    board = bare("mensch", LEDS_05)
    assert board.run(max_cycles=1000) == "stp"
    leds = board.leds
    assert [name for name, lit in leds.items() if lit] == ["P70", "P72"]
    assert board.led_events[-1][1:] == (7, 0x05)


def test_sxb_lamp_is_active_low():
    board = bare("sxb", LEDS_05)
    board.run(max_cycles=1000)
    assert board.leds == {"P72": False}
    board.bus.write(0xDF23, 0x00)
    assert board.leds == {"P72": True}


def test_timer_interrupt_comes_every_latch_plus_one_cycles_through_its_own_vector():
    board = bare("mensch", BLINK, vectors={0xFF80: 0x0028})
    assert board.run(max_cycles=20_000) == "cycles"
    cycles = [c for c, port, _ in board.led_events if port == 7]
    assert len(cycles) >= 19
    assert {b - a for a, b in itertools.pairwise(cycles)} == {1000}
    assert [v for _, _, v in board.led_events[:3]] == [1, 2, 3]


def test_wai_sleeps_to_the_next_event_without_running_instructions():
    board = bare("mensch", BLINK, vectors={0xFF80: 0x0028})
    board.run(max_cycles=100)
    assert board.cpu.waiting
    board.run(max_cycles=10_000)
    assert board.cycles >= 10_100


def test_wai_with_nothing_to_wake_it_stops_the_run():
    # 0010 sei / wai
    board = bare("mensch", [0x78, 0xCB])
    assert board.run() == "wai"


UART_ECHO = [
    0x18, 0xFB,        # 0010 clc / xce
    0xE2, 0x30,        # 0012 sep #$30
    0xA9, 0x17,        # 0014 lda #$17
    0x8D, 0x58, 0xDF,  # 0016 sta T4LL      9600 baud
    0x9C, 0x59, 0xDF,  # 0019 stz T4LH
    0xA9, 0x80,        # 001C lda #$80
    0x8D, 0x42, 0xDF,  # 001E sta TCR       UART3 from T4
    0xA9, 0x10,        # 0021 lda #$10
    0x8D, 0x43, 0xDF,  # 0023 sta TER       start T4
    0xA9, 0x25,        # 0026 lda #$25
    0x8D, 0x76, 0xDF,  # 0028 sta ACSR3     TX on, 8 bits, RX on
    0xAD, 0x48, 0xDF,  # 002B lda UIFR
    0x29, 0x40,        # 002E and #$40      UART3 receive flag
    0xF0, 0xF9,        # 0030 beq $002B
    0xAD, 0x77, 0xDF,  # 0032 lda ARTD3
    0x8D, 0x77, 0xDF,  # 0035 sta ARTD3
    0x80, 0xF1,        # 0038 bra $002B
]  # fmt: skip


def test_program_echoes_host_bytes_at_9600_baud():
    board = bare("mensch", UART_ECHO)
    board.run(max_cycles=200)
    sent_at = board.cycles
    board.uart3.host_send(b"hi")
    # 'h' lands after one character time (3,840 cycles) and its echo takes another
    board.run(max_cycles=2 * 3840 + 100)
    assert board.uart3.host_receive() == b"h"
    board.run(max_cycles=3840)
    assert board.uart3.host_receive() == b"i"
    assert board.cycles - sent_at < 4 * 3840


def test_until_callable_stops_right_after_the_io_write():
    board = bare("mensch", BLINK, vectors={0xFF80: 0x0028})
    why = board.run(max_cycles=100_000, until=lambda b: b.ports.data[7] == 3)
    assert why == "until"
    assert board.led_events[-1][2] == 3


def test_until_address_stops_before_it():
    board = bare("mensch", BLINK, vectors={0xFF80: 0x0028})
    assert board.run(max_cycles=100_000, until=0x0028) == "until"
    assert board.cpu.pc == 0x0028
    assert board.cpu.breakpoints == set()


def test_breakpoint_and_request_stop():
    board = bare("mensch", BLINK, vectors={0xFF80: 0x0028})
    board.cpu.breakpoints.add(0x002D)
    assert board.run(max_cycles=100_000) == "breakpoint"
    assert board.cpu.pc == 0x002D
    board.cpu.breakpoints.clear()
    board.request_stop()
    assert board.run(max_cycles=100_000) == "stop requested"


def test_seconds_limit_counts_emulated_time():
    board = bare("mensch", BLINK, vectors={0xFF80: 0x0028})
    board.run(seconds=0.01)
    assert 36_864 <= board.cycles < 36_864 + 10


def test_io_listeners_see_every_register_write_with_its_name():
    board = bare("mensch", LEDS_05)
    seen = []
    board.io_listeners.append(lambda *event: seen.append(event))
    board.run(max_cycles=1000)
    assert [(name, value) for _, _, name, value in seen] == [("PCS7", 0), ("PD7", 5)]
    assert seen[1][1] == 0xDF23


def test_timer_counter_reads_mid_count():
    # 0010 clc/xce, sep #$30, lda #$FF, sta T5LL, sta T5LH, lda #$20, sta TER,
    # nop x4, lda T5CL, stp
    code = [0x18, 0xFB, 0xE2, 0x30, 0xA9, 0xFF, 0x8D, 0x5A, 0xDF, 0x8D, 0x5B, 0xDF]
    code += [0xA9, 0x20, 0x8D, 0x43, 0xDF, 0xEA, 0xEA, 0xEA, 0xEA, 0xAD, 0x6A, 0xDF, 0xDB]
    board = bare("mensch", code)
    board.run(max_cycles=1000)
    # Started at the write cycle of `sta TER`; then its last cycle, four NOPs (8 cycles)
    # and the `lda` up to its read: the count has gone down by a handful from $FFFF.
    assert 0xF0 <= board.cpu.a & 0xFF < 0xFF


def test_load_refuses_bytes_where_the_board_has_no_memory():
    board = Board("mensch", monitor=False)
    image = Image()
    image.put(0x0200, b"\xea")
    with pytest.raises(W65Error, match=r"\$00:0200, in memory the Mensch Microcomputer"):
        board.load(image)


def test_sxb_loads_its_sram_and_maps_it_with_the_external_bus():
    board = Board("sxb", monitor=False)
    image = Image()
    image.put(0x2000, b"\x12")
    board.load(image)
    assert board.bus.read(0x2000) == 0xFF  # BCR bit 0 is 0 after a bare reset
    board.bus.write(0xDF40, 0x01)
    assert board.bus.read(0x2000) == 0x12


def test_monitor_board_sends_its_banner_at_9600_baud_then_idles():
    board = Board("sxb")
    assert board.wait_for_prompt()
    banner = board.uart3.host_receive()
    assert b"MENSCH ROM Version" in banner and banner.endswith(b">")
    assert board.uart3.char_cycles() == 3840  # T4 latch $17, 8N1
    assert board.bus.read(0xDF40) & 0x01  # the SXB's SRAM is on the bus
    assert board.run(max_cycles=1_000_000) == "cycles"
    assert board.uart3.host_receive() == b""

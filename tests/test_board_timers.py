"""Timers: periods from the latch and clock source, counters read mid-count, flags."""

from hypothesis import given
from hypothesis import strategies as st

from w65tool.board.timers import Timers


class Clock:
    cycles = 0


def make():
    clock = Clock()
    return clock, Timers(clock, lambda: None)


def start(timers, n, latch):
    timers.write_latch(n, False, latch & 0xFF)
    timers.write_latch(n, True, latch >> 8)
    timers.write_ter(timers.ter | 1 << n)


def test_fclk_timer_flags_every_latch_plus_one_cycles():
    clock, timers = make()
    timers.write_tier(0x01)
    start(timers, 0, 99)
    assert timers.next_event() == 100
    clock.cycles = 99
    assert timers.read_tifr() == 0
    clock.cycles = 100
    assert timers.read_tifr() == 0x01
    timers.write_tifr(0x01)
    assert timers.next_event() == 200


def test_counter_reads_down_from_latch_and_reloads():
    clock, timers = make()
    start(timers, 5, 9)
    for cycle, value in [(0, 9), (1, 8), (9, 0), (10, 9), (13, 6)]:
        clock.cycles = cycle
        assert timers.read_counter(5, False) == value


def test_t1_counts_the_32768_hz_clock_one_flag_a_second():
    clock, timers = make()
    timers.write_tier(0x02)
    start(timers, 1, 32767)
    assert timers.next_event() == 3_686_400
    clock.cycles = 3_686_399
    assert not timers.read_tifr() & 0x02
    clock.cycles = 3_686_400
    assert timers.read_tifr() & 0x02


def test_t1_counter_steps_every_112_and_a_half_cycles():
    clock, timers = make()
    start(timers, 1, 32767)
    clock.cycles = 112
    assert timers.read_counter(1, False) == 0xFF  # 32767 = $7FFF, no clock yet
    clock.cycles = 113
    assert timers.read_counter(1, False) == 0xFE
    clock.cycles = 225
    assert timers.read_counter(1, False) == 0xFD


def test_t2_counts_fclk_over_16():
    _clock, timers = make()
    timers.write_tier(0x04)
    start(timers, 2, 9)
    assert timers.next_event() == 160


def test_latch_written_while_running_applies_at_next_reload():
    clock, timers = make()
    timers.write_tier(0x01)
    start(timers, 0, 99)
    clock.cycles = 50
    timers.write_latch(0, False, 9)  # latch 9 from the next reload at 100
    assert timers.next_event() == 100
    clock.cycles = 100
    timers.write_tifr(0x01)
    assert timers.next_event() == 110


def test_counter_write_sets_latch_and_restarts():
    clock, timers = make()
    timers.write_tier(0x02)
    timers.write_ter(0x02)
    clock.cycles = 1000
    timers.write_counter(1, False, 0xFF)
    timers.write_counter(1, True, 0x7F)
    assert timers.read_latch(1, True) == 0x7F
    timers.write_tifr(0x02)  # latch 0 flagged on every clock before the writes
    assert timers.next_event() == 1000 + 3_686_400


def test_flag_stays_until_written_one_and_stopped_timer_keeps_its_count():
    clock, timers = make()
    start(timers, 3, 9)
    clock.cycles = 35
    assert timers.read_tifr() == 0x08
    timers.write_ter(0)
    clock.cycles = 1000
    assert timers.read_tifr() == 0x08
    assert timers.read_counter(3, False) == 4
    timers.write_tifr(0x08)
    assert timers.read_tifr() == 0


def test_disabled_interrupt_schedules_nothing():
    _clock, timers = make()
    start(timers, 4, 0x17)
    assert timers.next_event() is None
    assert timers.bit_cycles(4) == 16 * 24


@given(latch=st.integers(0, 0xFFFF), cycle=st.integers(0, 10_000_000))
def test_counter_and_underflow_agree_with_a_direct_count(latch, cycle):
    clock, timers = make()
    start(timers, 7, latch)
    clock.cycles = cycle
    assert timers.read_counter(7, False) | timers.read_counter(7, True) << 8 == latch - cycle % (
        latch + 1
    )
    assert bool(timers.read_tifr() & 0x80) == (cycle >= latch + 1)

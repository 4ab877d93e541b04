"""The UART model: character timing in cycles, flags, host side, the Python-side API."""

from w65tool.board.uart import ACSR_8BIT, ACSR_RXEN, ACSR_RXERR, ACSR_TXEN, ACSR_TXSR, UARTs

BIT_9600 = 16 * 24  # cycles per bit at 9600 baud: FCLK / (16 x (latch $17 + 1)) per bit


class Clock:
    cycles = 0


def make(bit=BIT_9600):
    clock = Clock()
    changes = []
    uarts = UARTs(clock, lambda n: bit, lambda: changes.append(clock.cycles))
    return clock, uarts, uarts.units[3]


def run_to(clock, uarts, cycle):
    clock.cycles = cycle
    uarts.advance(cycle)


def test_8n1_character_takes_ten_bit_times():
    clock, uarts, u = make()
    u.write_acsr(ACSR_TXEN | ACSR_8BIT)
    u.write_tx(0x41)
    assert u.next_event() == 10 * BIT_9600 == 3840
    run_to(clock, uarts, 3839)
    assert u.host_receive() == b""
    run_to(clock, uarts, 3840)
    assert u.host_receive() == b"A"


def test_seven_bit_parity_character_is_ten_bits_too():
    _clock, _uarts, u = make()
    u.write_acsr(ACSR_TXEN | 0x08)
    assert u.char_cycles() == 10 * BIT_9600
    u.write_acsr(ACSR_TXEN)
    assert u.char_cycles() == 9 * BIT_9600


def test_data_register_empties_at_once_and_sets_transmit_flag():
    clock, uarts, u = make()
    u.write_acsr(ACSR_TXEN | ACSR_8BIT)
    uarts.write_uifr(0xFF)
    u.write_tx(1)
    assert u.tx_ready() and uarts.read_uifr() & 0x80
    u.write_tx(2)  # waits in the data register behind the first
    assert not u.tx_ready() and not uarts.read_uifr() & 0x80
    run_to(clock, uarts, 3840)
    assert u.tx_ready() and uarts.read_uifr() & 0x80
    run_to(clock, uarts, 7680)
    assert u.host_receive() == b"\x01\x02"


def test_shift_register_mode_flags_only_when_everything_is_out():
    clock, uarts, u = make()
    u.write_acsr(ACSR_TXEN | ACSR_TXSR | ACSR_8BIT)
    uarts.write_uifr(0xFF)
    u.write_tx(1)
    assert not uarts.read_uifr() & 0x80
    run_to(clock, uarts, 3840)
    assert uarts.read_uifr() & 0x80


def test_turning_idle_transmitter_on_sets_transmit_flag():
    _clock, _uarts, u = make()
    u.write_acsr(ACSR_8BIT)
    assert not u.tx_flag
    u.write_acsr(ACSR_8BIT | ACSR_TXEN)
    assert u.tx_flag


def test_host_bytes_arrive_one_character_time_apart():
    clock, uarts, u = make()
    u.write_acsr(ACSR_RXEN | ACSR_8BIT)
    seen = []
    u.rx_listeners.append(lambda cycle, byte: seen.append((cycle, byte)))
    u.host_send(b"hi")
    run_to(clock, uarts, 3840)
    assert u.rx_ready() and uarts.read_uifr() & 0x40
    assert u.read_rx() == ord("h")
    assert not uarts.read_uifr() & 0x40
    run_to(clock, uarts, 7680)
    assert u.read_rx() == ord("i")
    assert seen == [(3840, ord("h")), (7680, ord("i"))]


def test_unread_byte_makes_the_next_one_an_overrun():
    clock, uarts, u = make()
    u.write_acsr(ACSR_RXEN | ACSR_8BIT)
    u.host_send(b"ab")
    run_to(clock, uarts, 7680)
    assert u.read_acsr() & ACSR_RXERR and u.overruns == 1
    assert u.read_rx() == ord("a")
    u.write_acsr(ACSR_RXEN | ACSR_8BIT | ACSR_RXERR)  # write 1 clears the error
    assert not u.read_acsr() & ACSR_RXERR


def test_a_full_host_buffer_drops_and_counts_the_rest():
    clock, uarts, u = make()
    u.write_acsr(ACSR_RXEN | ACSR_8BIT)
    u.host_buffer = 4
    assert u.host_send(b"abc") == 3
    assert u.host_send(b"defgh") == 1  # room for one more: d; efgh are lost
    assert (u.host_pending(), u.host_dropped) == (4, 4)
    seen = []
    u.rx_listeners.append(lambda cycle, byte: seen.append(byte))
    for k in range(1, 5):
        run_to(clock, uarts, 3840 * k)
        u.read_rx()
    assert bytes(seen) == b"abcd" and u.overruns == 0


def test_flushed_host_bytes_never_reach_the_receiver():
    clock, uarts, u = make()
    u.write_acsr(ACSR_RXEN | ACSR_8BIT)
    u.host_send(b"xyzF")
    run_to(clock, uarts, 3840)
    assert u.read_rx() == ord("x")
    run_to(clock, uarts, 3840 + 1000)  # y is on the wire
    assert u.host_flush() == 3
    run_to(clock, uarts, 3840 * 10)
    assert not u.rx_ready() and u.next_event() is None and u.host_pending() == 0


def test_receiver_off_drops_bytes():
    clock, uarts, u = make()
    u.write_acsr(ACSR_8BIT)
    u.host_send(b"x")
    run_to(clock, uarts, 3840)
    assert not u.rx_ready()


def test_no_baud_clock_holds_bytes_until_one_runs():
    bit = [None]
    clock = Clock()
    uarts = UARTs(clock, lambda n: bit[0], lambda: None)
    u = uarts.units[3]
    u.write_acsr(ACSR_TXEN | ACSR_8BIT)
    u.write_tx(0x55)
    assert u.next_event() is None
    clock.cycles = 100
    bit[0] = BIT_9600
    uarts.reclock()
    assert u.next_event() == 100 + 3840


def test_send_queues_behind_transmitter_back_to_back():
    clock, uarts, u = make()
    u.write_acsr(ACSR_8BIT)
    u.send(b"OK\r")
    assert u.acsr & ACSR_TXEN
    assert u.tx_pending() == 3
    run_to(clock, uarts, 3 * 3840)
    assert u.host_receive() == b"OK\r"
    assert u.tx_pending() == 0


def test_uier_gates_pending():
    _clock, uarts, u = make()
    u.write_acsr(ACSR_TXEN | ACSR_8BIT)
    assert uarts.pending() == 0
    uarts.write_uier(0x80)
    assert uarts.pending() == 0x80

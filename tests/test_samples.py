"""Every sample in samples/ runs on the emulated board and does what its comments say.

The boards run their ROM monitor, as a real board does: its time-of-day interrupt (timer 1,
once a second) takes cycles from a program that leaves interrupts on. The board under test
logs every interrupt it takes (`interrupts`), so each period is checked to the cycle: the
loop's own cycles, plus exactly the clock interrupt's cost when one landed in it.
"""

from itertools import pairwise
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

CLOCK_IRQ = 8 + 4 + 2
"""What the monitor's clock interrupt takes from the program it interrupts: the native-mode
interrupt entry (8), the JML in its page-1 slot $0124 (4), and the emulated ROM handler, one
WDM (2), which returns as RTI would without further cycles (docs/monitor.md)."""


def gaps(cycles):
    return [b - a for a, b in pairwise(cycles)]


def assert_period(cycles, interrupts, expected):
    """Each gap between two writes is `expected` cycles, plus `CLOCK_IRQ` for each clock
    interrupt taken within it; both kinds of gap occur, and no other interrupt came."""
    assert {source for _, source in interrupts} == {"T1"}, interrupts
    clock = [cycle for cycle, _ in interrupts]
    landed = [sum(a < c < b for c in clock) for a, b in pairwise(cycles)]
    want = [expected + CLOCK_IRQ * n for n in landed]
    assert gaps(cycles) == want, f"gaps {gaps(cycles)}, clock interrupts at {clock}"
    assert 0 in landed and 1 in landed, f"clock interrupts per gap: {landed}"


@pytest.mark.parametrize("kind", ["sxb", "mensch"])
def test_led_blink_toggles_p72(w65_board, kind):
    board = w65_board(kind)
    board.load(SAMPLES / "led_blink.asm")
    board.run_until_port(7, 0xFB, seconds=0.1)  # P72 low: the SXB's LED on
    assert board.board.ports.pcs7 & 0x04 == 0  # P72 is a plain output now
    assert board.leds["P72"] is (kind == "sxb")  # active low on the SXB, high on the Mensch
    board.run_until_port(7, 0xFF, seconds=0.5)
    assert board.leds["P72"] is (kind == "mensch")


def test_led_blink_period_is_the_sum_of_its_instruction_cycles(sxb):
    sxb.load(SAMPLES / "led_blink.asm")
    sxb.run(seconds=3)
    assert sxb.interrupts == []  # SEI first: the monitor's clock never gets in
    cycles = [c for c, _ in sxb.port_writes(7)]
    # delay (16-bit X and Y, native mode; the program runs with interrupts off, so nothing
    # else takes cycles):
    #   ldy #4                                                      3
    #   4 x (ldx #46080 3
    #        + 46,080 x dex 2 + 46,079 taken bne 3 + 1 untaken bne 2 = 230,399
    #        + dey 2)                                 = 4 x 230,404 = 921,616
    #   bne delay_outer: 3 taken x 3 + 1 untaken x 2                   11
    #   rts                                                            6
    delay = 3 + 921_616 + 11 + 6
    assert delay == 921_636
    # From one `sta PD7` to the next: sta abs 4 + jsr 6 + delay + lda #8-bit 2, and on the
    # way back to `blink` also bra 3.
    on_to_off = 4 + 6 + delay + 2
    off_to_on = 4 + 6 + delay + 3 + 2
    found = gaps(cycles)
    assert len(found) >= 4
    assert found[0::2] == [on_to_off] * len(found[0::2])
    assert found[1::2] == [off_to_on] * len(found[1::2])
    assert on_to_off + off_to_on == 1_843_299  # one blink: 0.50003 s at 3.6864 MHz


def test_led_groups_flashes_two_groups_of_four_and_port_0(mensch):
    mensch.load(SAMPLES / "led_groups.asm")
    mensch.run_until_port(7, 0x0F, seconds=0.1)
    board = mensch.board
    assert board.ports.pcs7 == 0  # port 7 freed from its chip selects
    assert not board.ports.bcr & 0x01  # ports 0-3 are plain I/O
    assert board.ports.direction[0] & 0x03 == 0x03
    mensch.run_until_port(0, 0x01, cycles=100)
    lit = [name for name, on in mensch.leds.items() if on]
    assert lit == ["P70", "P71", "P72", "P73", "P00"]
    mensch.run_until_port(7, 0xF0, seconds=1)
    mensch.run_until_port(0, 0x02, cycles=100)
    lit = [name for name, on in mensch.leds.items() if on]
    assert lit == ["P74", "P75", "P76", "P77", "P01"]


def test_led_groups_period_is_its_loop_cycles(mensch):
    mensch.load(SAMPLES / "led_groups.asm")
    mensch.run(seconds=4)
    # One pass of `loop`, in cycles (8-bit A, 16-bit X/Y in the delay, D = 0, native mode):
    #   lda dp 3 + sta abs 4 + eor # 2 + sta dp 3 + lda dp 3 + sta abs 4 + eor # 2
    #   + sta dp 3 + rep 3 + ldy #16-bit 3                                     =        30
    #   delay, 6 times: ldx #16-bit 3 + 65,535 x dex 2 + 65,534 taken bne 3 + 1 untaken 2
    #                   + dey 2 = 327,679 each, + bne wait: 5 taken 3 + 1 untaken 2
    #                   = 6 x 327,679 + 17                                     = 1,966,091
    #   sep 3 + bra 3                                                          =         6
    cycles = [c for c, _ in mensch.port_writes(7)]
    assert len(cycles) >= 7
    assert_period(cycles, mensch.interrupts, 30 + 1_966_091 + 6)


def test_hello_uart_prints_through_put_str(mensch):
    mensch.load(SAMPLES / "hello_uart.asm")
    mensch.run_until_uart("Hello from the W65C265!\r", seconds=0.5)


@pytest.mark.parametrize("kind", ["mensch", "sxb"])
def test_timer_irq_toggles_p72_every_reload(w65_board, kind):
    board = w65_board(kind)
    board.load(SAMPLES / "timer_irq.asm")
    board.run(seconds=2.1)
    writes = board.port_writes(7)
    assert {v & 0x04 for _, v in writes} == {0, 0x04}  # P72 goes both ways
    # Timer 2 counts FCLK / 16 from its latch: (46,079 + 1) x 16 cycles a reload. The core
    # sleeps in WAI between interrupts, so the clock interrupt takes nothing from the period.
    assert gaps([c for c, _ in writes]) == [(46_079 + 1) * 16] * (len(writes) - 1)
    assert len(writes) == 10
    sources = [source for _, source in board.interrupts]
    assert sources.count("T2") == len(writes)
    assert sources.count("T1") == 2


def test_width_is_refused_as_the_readme_shows(capsys, monkeypatch):
    import re

    from w65tool.cli import main

    monkeypatch.chdir(SAMPLES.parent)
    readme = (SAMPLES.parent / "README.md").read_text()
    block = re.search(r"    \$ w65 asm samples/width\.asm\n((?:    .*\n)+)", readme)
    assert block, "the README shows w65 asm samples/width.asm"
    shown = "".join(line[4:] + "\n" for line in block[1].splitlines())
    assert main(["asm", "samples/width.asm"]) == 1
    assert capsys.readouterr().err == shown

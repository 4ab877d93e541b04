"""The pytest plugin's fixtures, on bare-chip programs (no monitor, no assembler needed)."""

import pytest

from w65tool.pytest_plugin import ProgramTimeout


def test_factory_loads_hex_and_runs_until_a_port_value(w65_board, blink_hex):
    prog = w65_board("mensch", monitor=False).load(blink_hex)
    took = prog.run_until_port(7, 3, cycles=10_000)
    assert 3000 <= took < 3100
    assert [v for _, v in prog.port_writes(7)] == [1, 2, 3]
    assert prog.leds["P70"] and prog.leds["P71"] and not prog.leds["P72"]


def test_run_until_pc_and_registers(w65_board, blink_hex):
    prog = w65_board("mensch", monitor=False).load(blink_hex)
    prog.run_until_pc(0x0028, cycles=5000)
    assert prog.pc == 0x0028
    assert prog.cpu.x == 999
    assert prog.memory(0x0010, 2) == b"\x18\xfb"


def test_timeout_fails_the_test_with_the_board_state(w65_board, blink_hex):
    prog = w65_board("mensch", monitor=False).load(blink_hex)
    with pytest.raises(ProgramTimeout) as failure:
        prog.run_until_port(7, 0x80, cycles=5000)
    message = str(failure.value)
    assert "PD7 = $80 did not happen within 5,000 cycles" in message
    assert "lamps: P70=" in message
    assert "PC 00:" in message


def test_load_reads_a_peer_dialect_with_compat(w65_board, tmp_path):
    source = tmp_path / "lamp.s"  # ca65's syntax: an anonymous label, .lobyte
    source.write_text(
        ".p816\n.org $0100\nPD7 = $DF23\nstart:\n    lda #.lobyte($0503)\n    sta PD7\n:   bra :-\n"
    )
    prog = w65_board("mensch", monitor=False).load(source, compat="ca65", entry="start")
    prog.run_until_port(7, 3, cycles=1000)
    assert [v for _, v in prog.port_writes(7)] == [3]

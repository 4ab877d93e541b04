"""The pytest plugin's fixtures, on bare-chip programs (no monitor, no assembler needed)."""

import pytest

from w65tool.image import Image
from w65tool.pytest_plugin import ProgramTimeout

BLINK = bytes([
    0x18, 0xFB,        # 0010 clc / xce
    0xC2, 0x10,        # 0012 rep #$10
    0xE2, 0x20,        # 0014 sep #$20
    0xA2, 0xE7, 0x03,  # 0016 ldx #999
    0x8E, 0x50, 0xDF,  # 0019 stx T0LL
    0xA9, 0x01,        # 001C lda #$01
    0x8D, 0x46, 0xDF,  # 001E sta TIER
    0x8D, 0x43, 0xDF,  # 0021 sta TER
    0x58,              # 0024 cli
    0xCB,              # 0025 wai
    0x80, 0xFD,        # 0026 bra $0025
    0xA9, 0x01,        # 0028 lda #$01       T0 handler
    0x8D, 0x44, 0xDF,  # 002A sta TIFR
    0xEE, 0x23, 0xDF,  # 002D inc PD7
    0x40,              # 0030 rti
])  # fmt: skip


@pytest.fixture
def blink_hex(tmp_path):
    image = Image()
    image.put(0x0010, BLINK)
    image.put(0xFF80, b"\x28\x00")  # T0's native vector
    image.entry = 0x0010
    path = tmp_path / "blink.hex"
    path.write_text(image.to_hex())
    return path


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

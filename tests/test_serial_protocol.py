"""The monitor's replies, parsed from transcripts of its source's output, and records built."""

import pytest

from w65tool.image import Image
from w65tool.target.protocol import (
    END_RECORD,
    address_echo,
    loader_reply,
    parse_dump_record,
    parse_pipe_registers,
    parse_register_display,
    pipe_write_command,
    s2_records,
    strip_noise,
)

# The reply to `|` SPACE at the idle prompt (w65c265.md section 4).
PIPE_IDLE = b"|  00E358 FF00 E0B7 0002 01FF 0000 22 00 \rREADY\r>"

# The register display after a `J` program's RTL (R_SBREAK.ASM DUMPREGS, then ROM_START).
DISPLAY = (
    b"\r\rPCntr     Acc    Xreg   Yreg   Stack\r"
    b"00:2008   00 61  E0 B7  00 FE  01 FC  \r"
    b"\r  DirRg  F  DBk\r"
    b"  00 00  20 00  \r"
    b"\r\rStatus Reg\rN  V  M  X  D  I  Z  C\r"
    b"0  0  1  0  0  0  0  0  \r\r>"
)


def test_pipe_reply_gives_the_idle_context():
    regs = parse_pipe_registers(PIPE_IDLE)
    assert (regs.pc, regs.a, regs.x, regs.y) == (0x00E358, 0xFF00, 0xE0B7, 0x0002)
    assert (regs.s, regs.d, regs.p, regs.dbr, regs.e) == (0x01FF, 0, 0x22, 0, None)


def test_register_display_parses_every_field():
    regs = parse_register_display(DISPLAY)
    assert regs.pc == 0x002008
    assert (regs.a, regs.x, regs.y, regs.s) == (0x0061, 0xE0B7, 0x00FE, 0x01FC)
    assert (regs.d, regs.p, regs.dbr) == (0, 0x20, 0)


def test_register_display_in_another_bank():
    text = DISPLAY.replace(b"00:2008", b"12:3456").replace(b"  00 00  20 00", b"  12 34  FF 7E")
    regs = parse_register_display(text)
    assert (regs.pc, regs.d, regs.p, regs.dbr) == (0x123456, 0x1234, 0xFF, 0x7E)


def test_garbled_display_is_refused():
    with pytest.raises(ValueError):
        parse_register_display(DISPLAY.replace(b"E0 B7", b"E0_B7"))


@pytest.mark.parametrize(
    ("name", "value", "command"),
    [
        ("pc", 0x012000, b"|P01:2000"),
        ("a", 0x1234, b"|A1234"),
        ("x", 0xBEEF, b"|XBEEF"),
        ("s", 0x01FF, b"|S01FF"),
        ("d", 0x0100, b"|D0100"),
        ("p", 0x30, b"|F30"),
        ("dbr", 0x7E, b"|B7E"),
    ],
)
def test_pipe_write_commands_follow_the_rom(name, value, command):
    assert pipe_write_command(name, value) == command


def test_s2_record_checksum_includes_the_bank_byte():
    image = Image()
    image.put(0x012000, b"\xa9\x01")
    [(address, payload, line)] = s2_records(image)
    assert (address, payload) == (0x012000, b"\xa9\x01")
    body = bytes.fromhex(line[2:-1].decode())
    assert body[0] == 6 and body[1:4] == b"\x01\x20\x00"
    assert sum(body) & 0xFF == 0xFF
    assert line.endswith(b"\r")


def test_records_are_16_bytes_and_split_at_gaps():
    image = Image()
    image.put(0x1000, bytes(40))
    image.put(0x2000, b"\x01")
    lengths = [len(p) for _, p, _ in s2_records(image)]
    assert lengths == [16, 16, 8, 1]
    assert len(s2_records(image)[0][2]) == 45  # 44 characters + CR on the wire


def test_end_record_is_the_roms_own():
    assert END_RECORD == b"S804000000FB\r"


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (b"S  .0001", ("good", 1, 8)),
        (b".0230", ("good", 230, 5)),
        (b"?", ("bad", None, 1)),
        (b"S  ?", ("bad", None, 4)),
        (b".00", ("partial", None, 0)),
        (b"S ", ("partial", None, 0)),
        (b"", ("partial", None, 0)),
        (b"\rREADY\r>", ("garbage", None, 0)),
        (b".0A", ("garbage", None, 0)),
    ],
)
def test_loader_replies_are_classified(reply, expected):
    assert loader_reply(reply) == expected


def test_dump_record_checks_its_checksum():
    body = bytes([5, 0, 0x10, 0, 0xAB])
    line = body.hex().upper() + f"{~sum(body) & 0xFF:02X}"
    assert parse_dump_record(line[:2].encode(), line[2:].encode()) == (0x1000, b"\xab")
    with pytest.raises(ValueError, match="checksum"):
        parse_dump_record(line[:2].encode(), line[2:-1].encode() + b"0")


def test_noise_bytes_are_dropped():
    assert strip_noise(b"\x11.0001\x00\x13") == b".0001"


def test_address_echo_has_the_monitors_colon():
    assert address_echo(0x00B600) == b"00:B600"

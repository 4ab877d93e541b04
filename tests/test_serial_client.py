"""The serial client against a scripted monitor on a pty (see serial_fake_monitor.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from serial_fake_monitor import FakeMonitor

from w65tool.image import Image
from w65tool.target.base import TargetError
from w65tool.target.monitor import MonitorTarget


@pytest.fixture
def fake():
    monitor = FakeMonitor()
    yield monitor
    monitor.close()


@pytest.fixture
def target(fake):
    with MonitorTarget(fake.path, timeout=0.3) as t:
        yield t


def program(size=200, at=0x1000):
    image = Image()
    image.put(at, bytes((i * 7 + 3) & 0xFF for i in range(size)))
    return image


def test_read_registers_gives_the_saved_context(target):
    regs = target.read_registers()
    assert (regs.pc, regs.a, regs.x, regs.p) == (0x00E358, 0xFF00, 0xE0B7, 0x22)


def test_write_registers_stores_each_one(target, fake):
    target.write_registers(pc=0x012000, a=0x1234, p=0x30, dbr=0x7E)
    assert fake.regs["pc"] == 0x012000 and fake.regs["a"] == 0x1234
    assert fake.regs["p"] == 0x30 and fake.regs["dbr"] == 0x7E
    assert target.read_registers().pc == 0x012000


def test_write_registers_refuses_an_unknown_name(target):
    with pytest.raises(TargetError, match="unknown register 'q'"):
        target.write_registers(q=1)


def test_load_places_every_byte_and_counts_records(target, fake):
    image = program(200)
    seen = []
    target.load(image, lambda done, total: seen.append((done, total)))
    assert bytes(fake.memory[0x1000:0x10C8]) == image.to_bin()
    assert target.last_upload.records == 13 and target.last_upload.retries == 0
    assert seen[0] == (0, 200) and seen[-1] == (200, 200)
    assert target.verify(image) == []


def test_load_above_bank_zero_includes_the_bank_in_the_checksum(target, fake):
    image = program(20, at=0x021000)
    target.load(image, force=True)  # the fake has RAM in every bank
    assert bytes(fake.banks[2][0x1000:0x1014]) == image.to_bin()


def test_load_into_rom_fails_after_retries_naming_the_address(fake):
    with MonitorTarget(fake.path, timeout=0.3, retries=2) as target:
        with pytest.raises(TargetError, match=r"Failed to write \$00E000 \(record 1 of 1"):
            target.load(program(8, at=0xE000), force=True)  # past the map check
        # The monitor is back at its prompt.
        assert target.read_registers().pc == 0x00E358


def test_verify_reports_each_difference(target, fake):
    image = program(40)
    target.load(image)
    fake.memory[0x1005] ^= 0xFF
    [bad] = target.verify(image)
    assert bad.address == 0x1005 and bad.actual == bad.expected ^ 0xFF


def test_short_reads_and_writes_use_slash(target, fake):
    target.write_memory(0x0200, b"\x12\x34")
    assert bytes(fake.memory[0x200:0x202]) == b"\x12\x34"
    assert target.read_memory(0x01FF, 4) == b"\x00\x12\x34\x00"
    assert fake.commands.count("/") == 6 and "S" not in fake.commands


def test_long_reads_use_the_s28_dump(target, fake):
    fake.memory[0x3000:0x3100] = bytes(range(256))
    assert target.read_memory(0x3000, 256) == bytes(range(256))
    # in pieces of at most 0.6 s on the wire: 192 bytes at 9600 baud
    assert fake.commands.count("W") == 2


def test_slash_write_into_rom_is_reported(target):
    with pytest.raises(TargetError, match=r"write \$00E000: wrote \$12, read back \$00"):
        target.write_memory(0xE000, b"\x12")


def test_jsl_returns_the_displayed_registers(target, fake):
    regs = target.jsl(0x1000)
    assert regs.pc == 0x001000 and regs.a == 0xFF00
    assert target.read_registers().pc == 0x001000  # the monitor is at its prompt again


def test_jml_leaves_the_program_running(target, fake):
    target.jml(0x2000)
    assert fake.wait_running() and fake.regs["pc"] == 0x2000


def test_silent_board_is_reported_with_what_to_do():
    monitor = FakeMonitor(silent=True)
    try:
        with MonitorTarget(monitor.path, timeout=0.05, retries=0) as target:
            with pytest.raises(TargetError, match="board not answering") as err:
                target.read_registers()
            assert "reset" in err.value.hint
    finally:
        monitor.close()


def test_sync_gets_out_of_a_half_sent_record(target, fake):
    target.link.write(b"S2140010000102")  # a record cut short: the loader waits for more
    assert target.read_registers().pc == 0x00E358


# One random seed per fault and run (each takes seconds of real line time); the long sweep is
# benchmarks/lossy_line.py.
@pytest.mark.waits
@pytest.mark.parametrize("where", ["flip_in", "drop_in", "flip_out", "drop_out"])
@settings(max_examples=1, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_faulty_line_never_gives_a_false_success(seed, where):
    faulty_load(seed, where)


def faulty_load(seed: int, where: str) -> str:
    """Load and verify 320 bytes with 0.4 % of the characters damaged at `where`: an error,
    a list of mismatches, or the exact bytes in memory; never a success that is not.
    Returns which it was: "error", "mismatches" or "loaded"."""
    monitor = FakeMonitor(faults={where: 0.004}, seed=seed)
    image = program(320, at=0x0400)
    try:
        with MonitorTarget(monitor.path, timeout=0.1, retries=4) as target:
            try:
                target.load(image)
                mismatches = target.verify(image)
            except TargetError:
                return "error"  # reported: acceptable
            if mismatches:
                return "mismatches"
            assert bytes(monitor.memory[0x400:0x540]) == image.to_bin()
            return "loaded"
    finally:
        monitor.close()


def test_reset_banner_during_sync_is_waited_out():
    monitor = FakeMonitor(reset_on_input=True)
    try:
        with MonitorTarget(monitor.path, timeout=0.2) as target:
            assert target.read_registers().pc == 0x00E358
    finally:
        monitor.close()

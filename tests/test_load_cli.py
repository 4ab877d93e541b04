"""`w65 load` and the small commands, end to end against a scripted monitor on a pty."""

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import serial
from serial_fake_monitor import FakeMonitor

from w65tool.cli import main
from w65tool.image import Image
from w65tool.target.ports import open_error

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fake():
    monitor = FakeMonitor()
    yield monitor
    monitor.close()


@pytest.fixture
def hexfile(tmp_path):
    image = Image()
    image.put(0x1000, bytes((i * 13) & 0xFF for i in range(100)))
    image.entry = 0x1010
    path = tmp_path / "prog.hex"
    image.save(path)
    return path, image


def test_load_verify_go_places_the_program_and_starts_at_its_entry(fake, hexfile, capsys):
    path, image = hexfile
    assert main(["load", str(path), "--port", fake.path, "--verify", "--go"]) == 0
    assert bytes(fake.memory[0x1000:0x1064]) == image.to_bin()
    assert fake.wait_running() and fake.regs["pc"] == 0x1010
    err = capsys.readouterr().err
    assert "loaded 100 bytes" in err and "7 records, 0 retries" in err
    assert "verified 100 bytes" in err and "started at 00:1010 (JML)" in err


def test_load_srecords_and_call_with_jsl(fake, tmp_path, capsys):
    image = Image()
    image.put(0x2000, b"\x6b")
    path = tmp_path / "ret.s28"
    image.save(path, "srec")
    assert main(["load", str(path), "--port", fake.path, "--jsl", "00:2000"]) == 0
    assert "00:2000 returned: PC 00:2000" in capsys.readouterr().out


def test_go_address_overrides_the_entry(fake, hexfile):
    path, _ = hexfile
    assert main(["load", str(path), "--port", fake.path, "--go", "1020", "--no-progress"]) == 0
    assert fake.wait_running() and fake.regs["pc"] == 0x1020


def test_verify_lists_every_difference_and_fails(fake, hexfile, capsys):
    path, image = hexfile
    fake.flaky = {0x1003: 0xEE, 0x1050: 0x00}
    assert main(["load", str(path), "--port", fake.path, "--verify"]) == 1
    err = capsys.readouterr().err
    assert f"$001003: wrote ${image.data[0x1003]:02X}, read $EE" in err
    assert f"$001050: wrote ${image.data[0x1050]:02X}, read $00" in err
    assert "verify failed: 2 of 100 bytes differ" in err
    assert err.count("loading them again") == 3  # --retries rounds of repair first


def test_verify_reloads_bytes_that_differ_once(fake, hexfile, capsys):
    path, image = hexfile
    fake.spoil_once = {0x1003: 0xEE, 0x1004: 0xEE}
    assert main(["load", str(path), "--port", fake.path, "--verify"]) == 0
    assert bytes(fake.memory[0x1000:0x1064]) == image.to_bin()
    err = capsys.readouterr().err
    assert "2 bytes differ; loading them again" in err and "verified 100 bytes" in err


def test_load_json_reports_the_transfer(fake, hexfile, capsys):
    import json

    path, _ = hexfile
    assert main(["load", str(path), "--port", fake.path, "--verify", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["bytes"] == 100 and report["records"] == 7 and report["verified"] is True


def test_fast_moves_to_38400_and_back(fake, hexfile):
    path, image = hexfile
    assert main(["load", str(path), "--port", fake.path, "--fast", "--verify"]) == 0
    assert bytes(fake.memory[0x1000:0x1064]) == image.to_bin()
    assert fake.baud == 9600
    assert fake.commands.count("J") == 2
    assert fake.regs["pc"] == 0x00E358  # the registers the helper changed are put back


def test_missing_port_lists_what_exists(capsys):
    assert main(["regs", "--port", "/dev/ttyNOSUCH"]) == 1
    err = capsys.readouterr().err
    assert "w65: error: no such port /dev/ttyNOSUCH" in err and "hint:" in err


def test_no_port_at_all_says_how_to_name_one(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("W65_PORT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["regs"]) == 1
    assert "no port given: use --port PORT" in capsys.readouterr().err


def test_busy_port_is_named_as_busy(fake, capsys):
    holder = serial.Serial(fake.path, exclusive=True)
    try:
        assert main(["regs", "--port", fake.path]) == 1
    finally:
        holder.close()
    assert f"port {fake.path} is busy: another program has it open" in capsys.readouterr().err


def test_permission_denied_names_the_dialout_group(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    err = open_error("/dev/ttyUSB0", serial.SerialException(errno.EACCES, "denied"))
    assert err.message == "permission denied opening /dev/ttyUSB0"
    assert "sudo usermod -aG dialout $USER" in err.hint


def test_silent_board_fails_with_a_hint_instead_of_hanging(capsys):
    monitor = FakeMonitor(silent=True)
    try:
        args = ["regs", "--port", monitor.path, "--timeout", "0.05", "--retries", "0"]
        assert main(args) == 1
    finally:
        monitor.close()
    err = capsys.readouterr().err
    assert "board not answering" in err and "reset button" in err


def test_bad_address_is_a_one_line_error(capsys):
    assert main(["dump", "12:34567", "10", "--sim"]) == 1
    assert "bad START '12:34567'" in capsys.readouterr().err


def test_regs_set_writes_through_the_pipe_command(fake, capsys):
    assert main(["regs", "--port", fake.path, "--set", "X=BEEF", "--set", "pc=02:0040"]) == 0
    assert fake.regs["x"] == 0xBEEF and fake.regs["pc"] == 0x020040
    assert "PC 02:0040" in capsys.readouterr().out


def test_dump_prints_hex_and_ascii(fake, capsys):
    fake.memory[0x1000:0x1005] = b"Hello"
    assert main(["dump", "1000", "100F", "--port", fake.path]) == 0
    assert capsys.readouterr().out.startswith(
        "00:1000  48 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |Hello...........|"
    )


def test_dump_to_a_binary_file(fake, tmp_path):
    fake.memory[0x1000:0x1020] = bytes(range(32))
    out = tmp_path / "m.bin"
    assert (
        main(["dump", "1000", "101F", "--port", fake.path, "--format", "bin", "-o", str(out)]) == 0
    )
    assert out.read_bytes() == bytes(range(32))


def test_ctrl_c_stops_the_upload_and_leaves_the_monitor_at_its_prompt(tmp_path):
    monitor = FakeMonitor(pace=0.0005)
    image = Image()
    image.put(0x1000, bytes(4096))
    path = tmp_path / "big.hex"
    image.save(path)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "w65tool", "load", str(path), "--port", monitor.path],
            env=env,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while "S" not in monitor.commands and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        # what it does to leave the loader is said first, before the seconds that takes
        notice = err.index(b"w65: interrupted: leaving the S28 loader")
        assert notice < err.index(b"w65: interrupted\n")
        from w65tool.target.monitor import MonitorTarget

        with MonitorTarget(monitor.path, timeout=0.3) as target:
            assert target.read_registers().pc == 0x00E358
    finally:
        monitor.close()


def test_run_with_port_loads_verifies_starts_and_watches(fake, hexfile, capsys):
    path, image = hexfile
    assert main(["run", str(path), "--port", fake.path, "--seconds", "0.2"]) == 0
    assert bytes(fake.memory[0x1000:0x1064]) == image.to_bin()
    assert fake.wait_running() and fake.regs["pc"] == 0x1010
    assert "verified, started at 00:1010" in capsys.readouterr().err


def test_longer_records_carry_more_bytes_each(fake, hexfile, capsys):
    path, image = hexfile
    args = ["load", str(path), "--port", fake.path, "--record-bytes", "64", "--verify"]
    assert main(args) == 0
    assert bytes(fake.memory[0x1000:0x1064]) == image.to_bin()
    assert "2 records, 0 retries" in capsys.readouterr().err


def test_record_size_beyond_the_roms_count_byte_is_refused(fake, hexfile, capsys):
    path, _ = hexfile
    assert main(["load", str(path), "--port", fake.path, "--record-bytes", "252"]) == 1
    assert "records carry 1 to 251 bytes, not 252" in capsys.readouterr().err


def test_load_assembles_source_first(fake, tmp_path):
    source = tmp_path / "ret.asm"
    source.write_text("        .org $1000\n        sep #$20\n        lda #VALUE\n        rtl\n")
    args = ["load", str(source), "--port", fake.path, "-D", "VALUE=$42", "--verify"]
    assert main(args) == 0
    assert bytes(fake.memory[0x1000:0x1005]) == b"\xe2\x20\xa9\x42\x6b"


def test_source_errors_stop_before_the_port_opens(fake, tmp_path, capsys):
    source = tmp_path / "bad.asm"
    source.write_text("        lda #$01,q\n")
    assert main(["load", str(source), "--port", fake.path]) == 1
    assert "bad.asm:1:" in capsys.readouterr().err
    assert fake.commands == []


def test_one_record_is_counted_in_the_singular(fake, tmp_path, capsys):
    image = Image()
    image.put(0x1000, b"\xea\x60")
    path = tmp_path / "tiny.hex"
    image.save(path)
    assert main(["load", str(path), "--port", fake.path]) == 0
    assert "1 record, 0 retries" in capsys.readouterr().err

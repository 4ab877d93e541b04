"""`w65 load`, `regs`, `dump` against `w65 sim`: the emulated monitor on a real pty."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w65tool.cli import main
from w65tool.image import Image
from w65tool.target.sim_server import LineFaults, VirtualBoard

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")

# $1000 SEP #$20 / LDA #$FB / STA $DF23 (PD7 bit 2 low lights the SXB's LED) / BRA *
LED_ON = bytes([0xE2, 0x20, 0xA9, 0xFB, 0x8D, 0x23, 0xDF, 0x80, 0xFE])


def write_program(path, address, payload, entry=None):
    image = Image()
    image.put(address, payload)
    image.entry = entry
    image.save(path)
    return image


def memory(vb, address, length):
    with vb.lock:
        return bytes(vb.board.bus.peek(address + i) for i in range(length))


def test_load_verify_go_lights_the_led(tmp_path, capsys):
    program = tmp_path / "led.hex"
    write_program(program, 0x1000, LED_ON, entry=0x1000)
    with VirtualBoard("sxb") as vb:
        assert main(["load", str(program), "--port", vb.port, "--verify", "--go"]) == 0
        assert memory(vb, 0x1000, len(LED_ON)) == LED_ON
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with vb.lock:
                if vb.board.leds["P72"]:
                    break
            time.sleep(0.02)
        with vb.lock:
            assert vb.board.leds["P72"] is True
    err = capsys.readouterr().err
    assert "verified 9 bytes" in err and "started at 00:1000 (JML)" in err


def test_regs_and_dump_read_the_board(tmp_path, capsys):
    with VirtualBoard("sxb", pacing=False) as vb:
        with vb.lock:
            vb.board.bus.store(0x2000, b"Hello, SXB!")
        assert main(["regs", "--port", vb.port, "--set", "A=1234"]) == 0
        assert "A 1234" in capsys.readouterr().out
        assert main(["dump", "2000", "200F", "--port", vb.port]) == 0
        assert "|Hello, SXB!" in capsys.readouterr().out


def test_fast_load_on_the_virtual_board(tmp_path):
    program = tmp_path / "big.hex"
    image = write_program(program, 0x1000, bytes((i * 5) & 0xFF for i in range(600)))
    with VirtualBoard("sxb", pacing=False) as vb:
        assert main(["load", str(program), "--port", vb.port, "--fast", "--verify"]) == 0
        assert memory(vb, 0x1000, 600) == image.to_bin()
        with vb.lock:
            assert vb.board.uart3.char_cycles() == 3840  # back at 9600 baud


# One random seed per fault and run (each takes seconds of real line time); the long sweep is
# benchmarks/lossy_line.py.
@pytest.mark.waits
@pytest.mark.parametrize("kind", ["drop", "corrupt"])
@settings(
    max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**31))
def test_faulty_line_gives_exact_memory_or_exit_1(tmp_path, seed, kind):
    faulty_cli_load(tmp_path, seed, kind)


def faulty_cli_load(folder: Path, seed: int, kind: str) -> int:
    """`w65 load --verify` of 256 bytes with 0.3 % of the characters dropped or corrupted:
    exit 0 with the exact bytes in memory, or exit 1. Returns the exit status."""
    program = folder / f"p{seed}.hex"
    image = write_program(program, 0x1000, bytes((i * 3 + seed) & 0xFF for i in range(256)))
    faults = LineFaults(seed=seed, **{kind: 0.003})
    with VirtualBoard("sxb", pacing=False, faults=faults) as vb:
        args = ["load", str(program), "--port", vb.port, "--verify", "--timeout", "0.2"]
        status = main([*args, "--retries", "4", "--no-progress"])
        assert status in (0, 1)
        if status == 0:
            assert memory(vb, 0x1000, 256) == image.to_bin()
    return status


def test_w65_sim_command_serves_w65_load(tmp_path):
    program = tmp_path / "led.hex"
    write_program(program, 0x1000, LED_ON, entry=0x1000)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    sim = subprocess.Popen(
        [sys.executable, "-m", "w65tool", "sim", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = sim.stdout.readline().strip()
        assert first.startswith("port: ")
        load = subprocess.run(
            [sys.executable, "-m", "w65tool", "load", str(program), "--port", first[6:],
             "--verify", "--go", "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )  # fmt: skip
        assert load.returncode == 0, load.stderr
        assert '"verified": true' in load.stdout
    finally:
        sim.terminate()
        sim.wait(10)

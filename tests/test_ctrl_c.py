"""Ctrl-C (SIGINT) ends every board command with exit 130, leaving a working line at the prompt.

Each test starts `w65` as a process, waits for a condition that puts it in the state under
test (bytes seen on the line, a line of its output), then interrupts it.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path

import pytest

from w65tool.image import Image
from w65tool.target.monitor import MonitorTarget
from w65tool.target.sim_server import VirtualBoard

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")

ROOT = Path(__file__).resolve().parent.parent
HELLO = str(ROOT / "samples" / "hello_uart.asm")
# $1000 SEP #$20 / LDA #$FB / STA $DF23 (lights the SXB's LED) / BRA *: never returns
LED_ON = bytes([0xE2, 0x20, 0xA9, 0xFB, 0x8D, 0x23, 0xDF, 0x80, 0xFE])


class W65:
    """`python -m w65tool ARGS` with its stderr collected line by line as it comes."""

    def __init__(self, *args: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "w65tool", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        self.err: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.err.append(line.decode(errors="replace"))

    def interrupt(self) -> tuple[int, str]:
        """SIGINT; the exit status and all it printed on stderr."""
        self.proc.send_signal(signal.SIGINT)
        try:
            status = self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)
        return status, "".join(self.err)

    def said(self, text: str) -> bool:
        return any(text in line for line in self.err)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


class SilentLine:
    """A pty nobody answers on; `seen` is what the command sent so far."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.seen = b""

    def sent(self, data: bytes) -> bool:
        while select.select([self.master], [], [], 0)[0]:
            self.seen += os.read(self.master, 4096)
        return data in self.seen

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


COMMANDS = {
    "regs": ["regs"],
    "dump": ["dump", "1000", "10FF"],
    "jsl": ["jsl", "1000"],
    "go": ["go", "1000"],
    "load": ["load", HELLO, "--verify", "--go"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("state", ["probe", "resync"])
def test_ctrl_c_while_waiting_for_a_silent_board(command, state):
    line = SilentLine()
    try:
        w65 = W65(*COMMANDS[command], "--port", line.path)
        # the first ESC is the probe; XON opens the rounds that look for the prompt
        wait_for(lambda: line.sent(b"\x1b" if state == "probe" else b"\x11\x1b"), state)
        status, err = w65.interrupt()
    finally:
        line.close()
    assert status == 130, err
    assert "waiting for a board that does not answer" in err and "reset button" in err
    assert err.endswith("w65: interrupted\n") and "Traceback" not in err


def at_prompt(port: str) -> bool:
    """The line works and the monitor is at its prompt (a read of the registers succeeds)."""
    with MonitorTarget(port, timeout=0.3, retries=0) as target:
        return target.read_registers() is not None


def big_image(tmp_path, size=4096) -> str:
    image = Image()
    image.put(0x1000, bytes((i * 7 + 3) & 0xFF for i in range(size)))
    path = tmp_path / "big.hex"
    image.save(path)
    return str(path)


def test_ctrl_c_mid_upload_leaves_the_loader(tmp_path):
    with VirtualBoard("sxb") as vb:
        w65 = W65("load", big_image(tmp_path), "--port", vb.port, "--no-progress")
        wait_for(lambda: vb.bytes_in > 600, "the upload under way")
        status, err = w65.interrupt()
        assert status == 130, err
        assert "leaving the S28 loader" in err and err.endswith("w65: interrupted\n")
        assert "did not return" not in err
        assert at_prompt(vb.port)


@pytest.mark.waits
def test_ctrl_c_mid_verify_waits_out_one_short_dump(tmp_path):
    with VirtualBoard("sxb", pacing=False) as vb:
        path = big_image(tmp_path, 16384)
        w65 = W65("load", path, "--port", vb.port, "--no-progress", "--verify")
        wait_for(lambda: w65.said("w65: loaded"), "the end of the upload")
        status, err = w65.interrupt()
        assert status == 130, err
        assert "bringing the monitor back to its prompt" in err
        assert "did not return" not in err and "verified" not in err
        assert at_prompt(vb.port)


def test_ctrl_c_mid_dump(tmp_path):
    with VirtualBoard("sxb") as vb:
        w65 = W65("dump", "0000", "3FFF", "--port", vb.port)
        wait_for(lambda: vb.bytes_out > 400, "the dump under way")
        status, err = w65.interrupt()
        assert status == 130, err
        assert "bringing the monitor back to its prompt" in err and "did not return" not in err
        assert at_prompt(vb.port)


def test_ctrl_c_while_a_jsl_program_runs_leaves_it_running(tmp_path):
    image = Image()
    image.put(0x1000, LED_ON)
    with VirtualBoard("sxb", image=image) as vb:

        def lit() -> bool:
            with vb.lock:
                return bool(vb.board.leds["P72"])

        w65 = W65("jsl", "1000", "--port", vb.port)
        wait_for(lit, "the program to light the LED")
        status, err = w65.interrupt()
        assert status == 130, err
        assert "the program started at $001000 may still be running" in err
        assert lit()  # nothing was sent to it

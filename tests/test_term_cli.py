"""`w65 term` on a real terminal: SIGTERM and SIGHUP quit and leave the terminal as it was."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from w65tool.target.sim_server import VirtualBoard

termios = pytest.importorskip("termios")  # pseudo-terminals: POSIX only
pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals here")

ROOT = Path(__file__).resolve().parent.parent


def _read_until(fd: int, marker: bytes, timeout: float = 15.0) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while marker not in got:
        if time.monotonic() > deadline:
            pytest.fail(f"no {marker!r} within {timeout} s; got {got!r}")
        if select.select([fd], [], [], 0.05)[0]:
            try:
                got += os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
    return got


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_quit_signal_restores_the_terminal_and_exits_cleanly(signum):
    master, slave = os.openpty()
    cooked = termios.tcgetattr(slave)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with VirtualBoard("sxb", pacing=False) as vb:
        child = subprocess.Popen(
            [sys.executable, "-m", "w65tool", "term", "--port", vb.port],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
        )
        try:
            shown = _read_until(master, b"Ctrl-] quits")
            assert not termios.tcgetattr(slave)[3] & termios.ICANON  # raw while it runs
            child.send_signal(signum)
            status = child.wait(timeout=15)
            while select.select([master], [], [], 0)[0]:  # what it printed on the way out
                try:
                    shown += os.read(master, 4096)
                except OSError:
                    break
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    restored = termios.tcgetattr(slave)
    os.close(master)
    os.close(slave)
    assert status == 0
    assert restored == cooked
    assert b"Traceback" not in shown

"""`w65 term` on a real terminal: SIGTERM and SIGHUP quit and leave the terminal as it was."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import tty
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
    with VirtualBoard("sxb", pacing=False) as vb:
        child = _term_on(vb.port, slave)
        try:
            shown = _read_until(master, b"Ctrl-] quits")
            assert not termios.tcgetattr(slave)[3] & termios.ICANON  # raw while it runs
            child.send_signal(signum)
            status = child.wait(timeout=15)
        finally:
            _ended(child)
    shown = _rest(master, shown)
    restored = _closed(master, slave)
    assert status == 0
    assert restored == cooked
    assert b"Traceback" not in shown


def _term_on(port: str, slave: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "w65tool", "term", "--port", port],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
    )


def _ended(child: subprocess.Popen) -> None:
    """The child gone, whatever happened in the test (none is left behind)."""
    if child.poll() is None:
        child.kill()
        child.wait()


def _closed(master: int, slave: int) -> list:
    """The user's terminal's attributes as the child left them; the pty is then closed."""
    restored = termios.tcgetattr(slave)
    os.close(master)
    os.close(slave)
    return restored


def _rest(fd: int, shown: bytes) -> bytes:
    """What the child printed on its way out (it has exited: the read ends at once)."""
    while select.select([fd], [], [], 0)[0]:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        shown += data
    return shown


def test_ctrl_c_restores_the_terminal_and_exits_130():
    master, slave = os.openpty()
    cooked = termios.tcgetattr(slave)
    with VirtualBoard("sxb", pacing=False) as vb:
        child = _term_on(vb.port, slave)
        try:
            shown = _read_until(master, b"Ctrl-] quits")
            child.send_signal(signal.SIGINT)
            status = child.wait(timeout=15)
        finally:
            _ended(child)
    shown = _rest(master, shown)
    restored = _closed(master, slave)
    assert status == 130
    assert restored == cooked
    assert b"w65: interrupted" in shown and b"Traceback" not in shown


def test_a_lost_port_is_one_error_line_with_the_terminal_restored():
    master, slave = os.openpty()  # the user's terminal
    cooked = termios.tcgetattr(slave)
    line_master, line_slave = os.openpty()  # the serial line; its far end goes away
    tty.setraw(line_slave)
    child = _term_on(os.ttyname(line_slave), slave)
    try:
        shown = _read_until(master, b"Ctrl-] quits")
        os.close(line_master)  # the cable is pulled: reads of the port fail (EIO)
        status = child.wait(timeout=15)
    finally:
        _ended(child)
        os.close(line_slave)
    shown = _rest(master, shown)
    restored = _closed(master, slave)
    assert status == 1
    assert restored == cooked
    after = shown.split(b"Ctrl-] quits", 1)[1].decode()
    errors = [line for line in after.splitlines() if line.startswith("w65: error:")]
    assert len(errors) == 1 and "serial port lost" in errors[0], after
    assert "Traceback" not in after

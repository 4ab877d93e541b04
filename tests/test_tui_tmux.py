"""`w65 tui --sim` in a real terminal (tmux), driven by keys as a person would.

The tmux server is this test's own (a private socket), started with the session it holds and
killed at the end; the app runs `python -m w65tool tui` in it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from tui_support import BLINK

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One tmux server and session running the TUI."""

    def __init__(self, command: list[str], config: Path, size: tuple[int, int] = (80, 24)) -> None:
        """Start the server and the session in one `new-session -d`, with `config`, an empty
        file of ours, not /dev/null: where that is not a device, whatever landed in it is
        read as commands, and their errors put the pane in view-mode, where it takes every
        key sent to the app."""
        self.socket = f"w65-test-{uuid.uuid4().hex[:8]}"
        config.write_text("")
        started = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(config), "new-session", "-d", "-s", "tui",
             "-x", str(size[0]), "-y", str(size[1]), "-c", str(ROOT),
             "-e", f"PYTHONPATH={ROOT}", "-e", "TERM=xterm-256color",
             # the app takes COLUMNS and LINES over the terminal's size: give it the pane's
             "-e", f"COLUMNS={size[0]}", "-e", f"LINES={size[1]}", " ".join(command)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )  # fmt: skip
        if started.returncode != 0:
            pytest.skip(f"tmux cannot start a session here: {started.stderr.strip()}")
        mode = self.tmux("display-message", "-p", "-t", "tui", "#{pane_mode}").strip()
        if mode:
            self.close()
            raise AssertionError(f"the pane is in {mode}, where keys never reach the app")

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        if result.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {result.stderr.strip()}")
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "tui")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "tui", key)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "tui", "-l", text)

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if all(t in screen for t in texts):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"never showed {texts!r}; the screen was:\n{screen}")
            time.sleep(0.05)

    def press_until(self, key: str, *texts: str, tries: int = 3) -> str:
        """Press `key` until the screen shows `texts` (a key's escape sequence split by a
        slow machine can reach the app as Escape plus letters, as in any terminal)."""
        for _ in range(tries - 1):
            self.keys(key)
            try:
                return self.wait_for(*texts, timeout=5.0)
            except AssertionError:
                continue
        self.keys(key)
        return self.wait_for(*texts)

    def alive(self) -> bool:
        """True while the TUI's session (its process) lives."""
        found = subprocess.run(
            ["tmux", "-L", self.socket, "has-session", "-t", "tui"], capture_output=True
        )
        return found.returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def blink(tmp_path):
    path = tmp_path / "blink.asm"
    path.write_text(BLINK)
    return path


@pytest.mark.waits
def test_a_session_on_the_emulated_board(blink, tmp_path):
    """Start with a program, JML it, stop it, break at a symbol, read the help, quit."""
    term = Tmux(
        [sys.executable, "-m", "w65tool", "tui", "--sim", "--halted", str(blink)],
        config=tmp_path / "tmux.conf",
    )
    try:
        # the program was assembled and loaded; its entry is in the Address field
        term.wait_for("loaded and verified 18 bytes", "Address 00:00C0", "halted")
        time.sleep(1)  # read the screen first, as a person does

        term.press_until("F2", "running")  # JML 00:00C0: the board runs the program
        screen = term.press_until("F6", "halted", "Registers (CPU)")  # Stop
        assert "halted program" in screen

        term.keys("F9")  # to the Break field
        term.type("sub")
        term.keys("Enter")
        term.wait_for("● 00:00CE sub")
        # to the breakpoint: the code panel shows the program's own source line there
        term.press_until("F5", "●▶   11 sub:    nop", "halted", "PC  00:00CE")

        term.keys("F8", "F8")  # step over nop, then rts back into the loop
        term.wait_for("PC  00:00CC")

        term.keys("F1")
        term.wait_for("Keys", "F8", "step, over a JSR or JSL call")
        term.keys("End")  # the rest of the list
        term.wait_for("Mouse and fields", "Escape closes this help")
        term.keys("Escape")
        term.wait_for("Registers (CPU)")

        term.keys("C-q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not term.alive(), "the app did not quit on Ctrl+Q"
    finally:
        term.close()


def test_a_source_level_session_at_160x48(blink, tmp_path):
    """A HEX file with its debug map: the source follows each step, Reset brings the monitor
    back, and the screen is large enough for every panel at once."""
    hex_file = tmp_path / "blink.hex"
    built = subprocess.run(
        [sys.executable, "-m", "w65tool", "asm", str(blink), "-o", str(hex_file),
         "--debug-map", str(tmp_path / "blink.dbg.json")],
        cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    term = Tmux(
        [sys.executable, "-m", "w65tool", "tui", "--sim", "--halted", str(hex_file)],
        config=tmp_path / "tmux.conf",
        size=(160, 48),
    )
    try:
        term.wait_for("loaded and verified 18 bytes", "Address 00:00C0", "halted")
        term.press_until("F2", "running")
        term.press_until("F6", "halted", "Registers (CPU)")
        term.keys("F9")
        term.type("loop")
        term.keys("Enter")
        term.wait_for("● 00:00C5 loop")
        term.keys("F2")  # JML start again: it stops at the breakpoint on loop
        term.wait_for("Source: blink.asm", "●▶    7 loop:   inc a", "halted")
        term.keys("F7")
        term.wait_for("▶    8         sta $DF23       ; PD7")
        term.keys("F12")  # Reset: the monitor's banner in the console, and it runs
        term.wait_for("MENSCH ROM Version 2.07", "running", "saved by the monitor")
        term.keys("C-q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not term.alive(), "the app did not quit on Ctrl+Q"
    finally:
        term.close()

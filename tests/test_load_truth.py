"""Whatever `w65 load --verify --go` reports on a noisy line is true of the board.

Whole loads against `w65 sim`'s board with damaged characters (`--fault-corrupt`), each
checked by looking into the virtual board itself, not through the line: when the tool says
"verified ... started", the image is in memory, the program runs from the start address it
named, and every saved register it was not asked to change still holds its value. When it
reports a failure, that is an acceptable outcome; a success that is not true never is.
"""

from __future__ import annotations

import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w65tool.board.monitor.layout import ACC, DBREG, DIRREG, FLGS, STK_PTR, XREG, YREG
from w65tool.cli import main
from w65tool.image import Image
from w65tool.target.sim_server import LineFaults, VirtualBoard

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")

START = 0x1000
SPIN = bytes([0x80, 0xFE])  # BRA *: runs for ever and changes no register


def truth_image(seed: int) -> Image:
    """A spinning entry followed by 30 bytes of data: two records of 16 bytes."""
    image = Image()
    image.put(START, SPIN + bytes((i * 13 + seed) & 0xFF for i in range(30)))
    image.entry = START
    return image


def peek(vb: VirtualBoard, address: int, length: int) -> bytes:
    with vb.lock:
        return bytes(vb.board.bus.peek(address + i) for i in range(length))


def saved_context(vb: VirtualBoard) -> dict[str, int]:
    """The monitor's saved registers but PC, read from the board's RAM (not over the line)."""
    word = lambda at: int.from_bytes(peek(vb, at, 2), "little")  # noqa: E731
    return {
        "a": word(ACC),
        "x": word(XREG),
        "y": word(YREG),
        "s": word(STK_PTR),
        "d": word(DIRREG),
        "dbr": peek(vb, DBREG, 1)[0],
        "p": peek(vb, FLGS, 1)[0],
    }


def running_at(vb: VirtualBoard, address: int, timeout: float = 10.0) -> dict[str, int] | None:
    """The CPU's registers once it spins at `address` (None if it does not get there)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with vb.lock:
            cpu = vb.board.cpu
            if (cpu.pbr << 16 | cpu.pc) == address:
                return {"a": cpu.a, "x": cpu.x, "y": cpu.y, "s": cpu.s, "d": cpu.d,
                        "dbr": cpu.dbr, "p": cpu.p}  # fmt: skip
        time.sleep(0.01)
    return None


def load_and_check(tmp_path, capsys, seed: int, rate: float) -> int:
    image = truth_image(seed)
    path = tmp_path / f"truth{seed}.hex"
    image.save(path)
    faults = LineFaults(seed=seed, corrupt=rate)
    with VirtualBoard("sxb", pacing=False, faults=faults) as vb:
        with vb.lock:  # a context unlike the one after reset, so a change shows
            vb.board.bus.store(ACC, bytes([0x34, 0x12]))
        before = saved_context(vb)
        status = main(
            ["load", str(path), "--port", vb.port, "--verify", "--go", "--json",
             "--no-progress", "--timeout", "0.2", "--retries", "4"]
        )  # fmt: skip
        out = capsys.readouterr().out
        assert status in (0, 1), out
        if status == 1:
            return status  # a reported failure: acceptable, whatever the board holds
        report = json.loads(out)
        assert report["verified"] is True and report["started"]["address"] == START
        regs = running_at(vb, START)
        assert regs is not None, "reported started, but the CPU is not at the start address"
        assert peek(vb, START, len(image)) == image.to_bin()
        assert regs == before
    return status


def test_a_clean_line_gives_the_whole_truth(tmp_path, capsys):
    assert load_and_check(tmp_path, capsys, seed=1, rate=0.0) == 0


@pytest.mark.waits
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**31), rate=st.sampled_from([0.001, 0.01]))
def test_every_reported_success_is_true_on_a_noisy_line(tmp_path, capsys, seed, rate):
    load_and_check(tmp_path, capsys, seed, rate)


def test_a_restart_fails_the_next_operation_on_the_saved_registers():
    from w65tool.target.base import TargetError
    from w65tool.target.monitor import MonitorTarget

    with VirtualBoard("sxb", pacing=False) as vb, MonitorTarget(vb.port, timeout=0.2) as target:
        target.write_registers(a=0x1234)
        vb.reset()  # as a damaged `X` (low-power: the monitor restarts) would
        assert len(target.read_memory(0x1000, 16)) == 16  # memory is not the context
        with pytest.raises(TargetError, match="the board restarted"):
            target.jml(START)
        assert target.read_registers().a == 0  # said once; the reset values stand

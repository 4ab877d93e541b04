"""Whole loads over a line that damages characters: does `w65 load` ever report a false success?

For each rate of damaged characters (`w65 sim --fault-corrupt`, both ways), runs
`w65 load --verify --go` of a small program (a `BRA *` entry and seeded data) into a fresh
virtual board, one seed per load, and sorts the outcomes by looking into the board itself,
not through the line:

- verified success: exit 0, and the image is in memory, the CPU spins at the reported start
  address and every other saved register holds the value it had before;
- reported error: exit 1 (the tool said it failed: acceptable; its message is printed);
- false success: exit 0 but the board is not as reported (must be 0).

    PYTHONPATH=. python benchmarks/load_faults.py [--loads 200] [--rates 0.001 0.01]
        [--bytes 64] [--jobs 2]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_load_truth import START, peek, running_at, saved_context

from w65tool.board.monitor.layout import ACC
from w65tool.cli import main as w65
from w65tool.image import Image
from w65tool.target.sim_server import LineFaults, VirtualBoard

SPIN = bytes([0x80, 0xFE])  # BRA *: runs for ever and changes no register


def one_load(seed: int, rate: float, size: int) -> tuple[str, float, str]:
    """One load; (outcome, seconds the command took, what was wrong for a false success)."""
    image = Image()
    image.put(START, SPIN + bytes((i * 13 + seed) & 0xFF for i in range(size - len(SPIN))))
    image.entry = START
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.hex"
        image.save(path)
        with VirtualBoard("sxb", pacing=False, faults=LineFaults(seed=seed, corrupt=rate)) as vb:
            with vb.lock:  # a context unlike the one after reset, so a change shows
                vb.board.bus.store(ACC, bytes([0x34, 0x12]))
            before = saved_context(vb)
            out, err = io.StringIO(), io.StringIO()
            started = time.monotonic()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = w65(
                    ["load", str(path), "--port", vb.port, "--verify", "--go", "--json",
                     "--no-progress", "--timeout", "0.2", "--retries", "4"]
                )  # fmt: skip
            seconds = time.monotonic() - started
            if status == 1:
                said = [line for line in err.getvalue().splitlines() if "error:" in line]
                return "error", seconds, said[-1] if said else "exit 1"
            if status != 0:
                return "other", seconds, f"exit {status}: {err.getvalue().strip()}"
            report = json.loads(out.getvalue())
            wrong = []
            if report.get("verified") is not True:
                wrong.append("exit 0 without verified")
            if report.get("started", {}).get("address") != START:
                wrong.append(f"started {report.get('started')}")
            regs = running_at(vb, START, timeout=5.0)
            if regs is None:
                wrong.append("the CPU is not at the start address")
            elif regs != before:
                wrong.append(f"registers {regs} != {before}")
            if peek(vb, START, len(image)) != image.to_bin():
                wrong.append("memory differs from the image")
            if wrong:
                return "false", seconds, "; ".join(wrong)
            return "ok", seconds, ""


def run_rate(rate: float, loads: int, size: int, jobs: int) -> int:
    """Run `loads` loads at `rate`; print the figures; return the false successes."""
    counts = dict.fromkeys(("ok", "error", "false", "other"), 0)
    times: list[float] = []
    with ProcessPoolExecutor(jobs) as pool:
        futures = [pool.submit(one_load, seed, rate, size) for seed in range(loads)]
        for seed, future in enumerate(futures):
            outcome, seconds, why = future.result()
            counts[outcome] += 1
            times.append(seconds)
            if why:
                print(f"  seed {seed}: {outcome}: {why}", flush=True)
    mean = sum(times) / len(times)
    print(
        f"{rate * 100:g} % damaged: {loads} loads of {size} bytes: "
        f"{counts['ok']} verified successes, {counts['error']} reported errors, "
        f"{counts['false']} false successes"
        + (f", {counts['other']} other exits" if counts["other"] else "")
        + f"; mean {mean:.2f} s a load (max {max(times):.2f} s)",
        flush=True,
    )
    return counts["false"] + counts["other"]


def main() -> int:
    """Run every rate; exit 1 when any load gave a false success."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=200, help="loads per rate (default 200)")
    parser.add_argument(
        "--rates", type=float, nargs="+", default=[0.001, 0.01], help="damage rates (0-1)"
    )
    parser.add_argument("--bytes", type=int, default=64, help="program size (default 64)")
    parser.add_argument("--jobs", type=int, default=1, help="loads run in parallel")
    args = parser.parse_args()
    bad = sum(run_rate(rate, args.loads, args.bytes, args.jobs) for rate in args.rates)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

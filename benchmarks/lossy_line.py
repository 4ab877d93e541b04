"""Long checks of the serial line, kept out of the test suite because they take wall time.

The suite runs one seed (or a few) of each lossy-line check; here each runs for many:

- sweep: `w65 load --verify` of 64 seeded bytes over `w65 sim`'s line with 0.5 % dropped and
  0.5 % corrupted characters each way; every seed must load and verify
  (tests/test_sim_server.py).
- cli: `w65 load --verify` of 256 bytes with 0.3 % dropped, then corrupted, characters: exit 0
  with the exact bytes, or exit 1 (tests/test_load_sim.py).
- fake: a load and verify against the fake monitor with 0.4 % of the characters damaged at
  each of four places; never a false success (tests/test_serial_client.py).
- hle: register writes (1 % flipped bits) and loads (0.2 %) against the emulated ROM monitor
  in process; what is reported is what the board holds (tests/test_target_monitor_hle.py).
- writes: small writes with 2 % of the characters corrupted land where asked or fail
  (tests/test_address_digits.py).
- pacing: the paced line's help text arrives no faster than 9600 baud allows (about 1 ms a
  character), measured by the wall clock.
- real time: an unpaced board whose output nobody reads keeps real time instead of running
  flat out, measured by the wall clock.

    PYTHONPATH=. python benchmarks/lossy_line.py [--seeds 20] [--only sweep,cli,...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_address_digits import lossy_small_writes
from test_load_sim import faulty_cli_load
from test_serial_client import faulty_load
from test_sim_server import READY, _RefusingLine, lossy_load, open_port, read_until
from test_target_monitor_hle import noisy_load, noisy_register_write

from w65tool.chip import FCLK_HZ
from w65tool.target import sim_server
from w65tool.target.sim_server import LineFaults, VirtualBoard


def sweep(seeds: int) -> bool:
    """Loads over a lossy line for `seeds` seeds; True when every one loaded and verified."""
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(seeds):
            faults = LineFaults(drop=0.005, corrupt=0.005, seed=seed)
            status, err, data, memory = lossy_load(
                Path(tmp), seed, 64, faults, "--no-progress", "--timeout", "0.1"
            )
            if (status, memory) != (0, data):
                failed += 1
                print(f"seed {seed}: FAILED {err.strip()}")
    print(f"sweep: {seeds - failed}/{seeds} seeds loaded and verified")
    return failed == 0


def _outcomes(name: str, runs: list[tuple[str, Callable[[], object]]]) -> bool:
    """Run each check (an assertion failure is a false success); print how they ended."""
    seen: Counter[str] = Counter()
    failed = 0
    for label, run in runs:
        try:
            seen[str(run())] += 1
        except AssertionError as err:
            failed += 1
            print(f"{name} {label}: FAILED {err}")
    print(f"{name}: {len(runs) - failed}/{len(runs)} held ({dict(seen)})")
    return failed == 0


def cli(seeds: int) -> bool:
    """`w65 load --verify` through the command line over dropping and corrupting lines."""
    with tempfile.TemporaryDirectory() as tmp:
        return _outcomes(
            "cli",
            [
                (
                    f"{kind} seed {seed}",
                    lambda s=seed, k=kind: f"exit {faulty_cli_load(Path(tmp), s, k)}",
                )
                for seed in range(seeds)
                for kind in ("drop", "corrupt")
            ],
        )


def fake(seeds: int) -> bool:
    """Loads against the fake monitor with each kind of damage."""
    places = ("flip_in", "drop_in", "flip_out", "drop_out")
    return _outcomes(
        "fake",
        [
            (f"{where} seed {seed}", lambda s=seed, w=where: faulty_load(s, w))
            for seed in range(seeds)
            for where in places
        ],
    )


def hle(seeds: int) -> bool:
    """Register writes and loads against the emulated ROM monitor on a noisy line."""
    writes = _outcomes(
        "hle registers",
        [
            (f"seed {seed}", lambda s=seed: "reported ok" if noisy_register_write(s) else "error")
            for seed in range(seeds)
        ],
    )
    loads = _outcomes(
        "hle loads", [(f"seed {seed}", lambda s=seed: noisy_load(s)) for seed in range(seeds)]
    )
    return writes and loads


def writes(seeds: int) -> bool:
    """Small writes on a corrupting line, 12 a seed."""
    return _outcomes(
        "writes",
        [
            (f"seed {seed}", lambda s=seed: f"{lossy_small_writes(s)} bytes")
            for seed in range(seeds)
        ],
    )


def pacing(_seeds: int) -> bool:
    """True when the paced line is no faster than 9600 baud."""
    with VirtualBoard("sxb") as vb:
        port = open_port(vb)
        port.write(b"?")
        start = time.monotonic()
        text = read_until(port, READY)
        elapsed = time.monotonic() - start
    floor = 0.8 * len(text) / 960
    print(f"pacing: {len(text)} characters in {elapsed:.3f} s (9600 baud floor {floor:.3f} s)")
    return elapsed > floor


def real_time(_seeds: int) -> bool:
    """True when an unpaced board with its output stuck runs no faster than real time (with
    half a second and half again of slack for the start and a loaded machine)."""
    line = sim_server._PtyLine
    sim_server._PtyLine = _RefusingLine
    try:
        with VirtualBoard("sxb", pacing=False) as vb:
            began, wall = vb.board.cycles, time.monotonic()
            time.sleep(1.0)
            with vb.lock:
                cycles, seconds = vb.board.cycles - began, time.monotonic() - wall
    finally:
        sim_server._PtyLine = line
    emulated = cycles / FCLK_HZ
    print(f"real time: {emulated:.2f} s emulated in {seconds:.2f} s of wall time")
    # flat out, a monitor waiting at its prompt runs hundreds of times faster than real time
    return cycles <= (seconds + 0.5) * FCLK_HZ * 1.5


CHECKS: dict[str, Callable[[int], bool]] = {
    "sweep": sweep,
    "cli": cli,
    "fake": fake,
    "hle": hle,
    "writes": writes,
    "pacing": pacing,
    "real-time": real_time,
}


def main() -> int:
    """Run the checks; exit 1 when any fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--only", default=",".join(CHECKS), help="comma-separated checks")
    args = parser.parse_args()
    names = args.only.split(",")
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        parser.error(f"no check {', '.join(unknown)}; there are {', '.join(CHECKS)}")
    results = [CHECKS[name](args.seeds) for name in names]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

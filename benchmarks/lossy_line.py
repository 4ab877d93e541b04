"""Long checks of `w65 sim`'s line, kept out of the test suite because they take wall time.

- sweep: `w65 load --verify` of 64 seeded bytes over a line with 0.5 % dropped and 0.5 %
  corrupted characters each way, for many seeds; every seed must load and verify (the suite
  runs a few seeds of the same check in tests/test_sim_server.py).
- pacing: the paced line's help text arrives no faster than 9600 baud allows (about 1 ms a
  character), measured by the wall clock.

    PYTHONPATH=. python benchmarks/lossy_line.py [--seeds 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_sim_server import READY, lossy_load, open_port, read_until

from w65tool.target.sim_server import LineFaults, VirtualBoard


def sweep(seeds: int) -> int:
    """Loads over a lossy line for `seeds` seeds; the number that failed."""
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
    return failed


def pacing() -> bool:
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


def main() -> int:
    """Run both checks; exit 1 when either fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    ok = sweep(args.seeds) == 0
    return 0 if pacing() and ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Peak memory of reading a large Intel HEX file into an `Image`, against the `intelhex` package.

Writes a HEX file of about `--mb` megabytes (16-byte data records in a few long runs above
64 KiB, as a big ROM image gives), then reads it with `Image.load` and with
`intelhex.IntelHex.loadhex` (the peer, which keeps a dictionary entry per byte), measuring
each one's peak allocation with `tracemalloc`. Prints the file size, each peak, the peak as
a multiple of the file size, and the peer's peak over ours.

Target: `Image.load` peaks within a few times the file size (the file's bytes and text are
read whole; the image holds one bytearray per run).

    python benchmarks/image_memory.py [--mb 20]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from w65tool.image import Image


def _write_file(path: Path, megabytes: float) -> int:
    """A HEX file of about `megabytes` MB: 16-byte records (44 characters) in 4 runs."""
    data_bytes = int(megabytes * 1e6 / 44 * 16)
    rng = random.Random(65)
    image = Image(entry=0x8000)
    run = data_bytes // 4
    for k in range(4):
        image.put(0x010000 + k * 0x3F0000, rng.randbytes(min(run, 0x3E0000)))
    path.write_text(image.to_hex())
    return len(image)


def _peak(read) -> tuple[int, float]:
    tracemalloc.start()
    began = time.perf_counter()
    result = read()
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="HEX file size in MB")
    parser.add_argument("--no-peer", action="store_true", help="skip intelhex (slow, large)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.hex"
        size = _write_file(path, args.mb)
        file_bytes = path.stat().st_size
        print(f"file: {file_bytes / 1e6:.1f} MB of Intel HEX, {size / 1e6:.1f} MB of data")
        ours, ours_s = _peak(lambda: Image.load(path))
        print(
            f"w65 Image.load: peak {ours / 1e6:.1f} MB "
            f"({ours / file_bytes:.2f}x the file), {ours_s:.1f} s"
        )
        if args.no_peer:
            return
        from intelhex import IntelHex

        def peer() -> IntelHex:
            ih = IntelHex()
            ih.loadhex(str(path))
            return ih

        theirs, theirs_s = _peak(peer)
        print(
            f"intelhex loadhex: peak {theirs / 1e6:.1f} MB "
            f"({theirs / file_bytes:.2f}x the file), {theirs_s:.1f} s"
        )
        print(f"ratio: intelhex uses {theirs / ours:.1f}x the memory of Image.load")


if __name__ == "__main__":
    main()

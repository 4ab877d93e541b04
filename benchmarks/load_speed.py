"""Upload speed of `w65 load` into `w65 sim`, against the line's limit and a stop-and-wait loader.

Starts `w65 sim` (a virtual board whose UART runs at the real baud rate), loads a 4 KiB image
three ways and prints the payload rate of each:

- pipelined (what `w65 load` does): the next record starts while the reply is in flight,
  at most 9 characters ahead (the monitor's input queue);
- stop-and-wait (the classic loader, as EasySXB does it): each record waits for its reply;
- `--fast`: pipelined at 38400 baud after the ROM's baud switch.

The limit for 16-byte S2 records is 16 bytes per 45 characters (44 + CR) of 10 bits:
341.3 bytes/s at 9600 baud. Target: pipelined >= 85 % of it (95 % moonshot).

    python benchmarks/load_speed.py [--size 4096] [--board sxb]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from w65tool.image import Image
from w65tool.target.baud import BaudSwitch
from w65tool.target.monitor import MonitorTarget
from w65tool.target.upload import upload_image


def line_limit(baud: int, record_bytes: int = 16) -> float:
    """Payload bytes per second of back-to-back S2 records at `baud` (8N1)."""
    chars = 2 + 2 + 6 + 2 * record_bytes + 2 + 1
    return baud / 10 / chars * record_bytes


def start_sim(board: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "w65tool", "sim", "--board", board],
        stdout=subprocess.PIPE,
        text=True,
    )
    first = proc.stdout.readline().strip()
    if not first.startswith("port: "):
        proc.kill()
        raise SystemExit(f"w65 sim did not print its port (got {first!r})")
    return proc, first.removeprefix("port: ")


def timed_upload(target: MonitorTarget, image: Image, window: int) -> tuple[float, int]:
    client = target.client
    client.sync()
    client.link.discard()
    client.at_prompt = False
    stats = upload_image(client.link, image, window=window)
    client.link.drain(0.05)
    client.at_prompt = True
    if target.verify(image):
        raise SystemExit("verify failed")
    return stats.seconds, stats.retries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--board", default="sxb", choices=("mensch", "sxb"))
    parser.add_argument("--address", type=lambda s: int(s, 16), default=0x1000)
    args = parser.parse_args()
    image = Image()
    image.put(args.address, bytes((i * 37 + 11) & 0xFF for i in range(args.size)))
    proc, port = start_sim(args.board)
    try:
        with MonitorTarget(port) as target:
            rows = []
            for name, window in (("pipelined (w65 load)", 9), ("stop-and-wait", 0)):
                seconds, retries = timed_upload(target, image, window)
                rows.append((name, 9600, seconds, retries))
            with BaudSwitch(target.client, 38400, avoid=image):
                seconds, retries = timed_upload(target, image, 9)
            rows.append(("pipelined --fast", 38400, seconds, retries))
    finally:
        proc.terminate()
        proc.wait(5)
    print(f"{args.size} bytes in 16-byte S2 records into w65 sim ({args.board})")
    print(f"{'loader':24} {'baud':>6} {'seconds':>8} {'bytes/s':>8} {'% of line':>9} retries")
    base = rows[1][2]
    for name, baud, seconds, retries in rows:
        rate = args.size / seconds
        share = 100 * rate / line_limit(baud)
        print(f"{name:24} {baud:6} {seconds:8.2f} {rate:8.1f} {share:8.1f}% {retries:7}")
    pipelined = rows[0][2]
    print(f"line limit at 9600 baud: {line_limit(9600):.1f} bytes/s")
    print(f"pipelined vs stop-and-wait: {base / pipelined:.2f}x faster")
    print(f"--fast vs pipelined at 9600: {pipelined / rows[2][2]:.2f}x faster")


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"(benchmark took {time.monotonic() - started:.0f} s)")

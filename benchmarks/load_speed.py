"""Upload speed of `w65 load`, against the line's limit and a stop-and-wait loader.

Loads a 4 KiB image into the emulated board's ROM monitor through its own UART3
(`w65tool.target.uart_port`), timing each upload in the board's emulated time: bytes move
exactly at the baud rate, as on a real line, and the host answers at once, so the figures
measure the loader's pacing, not this machine. Ways compared in one run:

- pipelined (what `w65 load` does): the next record starts while the reply is in flight,
  at most 9 characters ahead (the monitor's input queue);
- stop-and-wait (the classic loader, as EasySXB does it): each record waits for its reply;
- `--fast` (38400 baud after the ROM's baud switch) and `--record-bytes 64`.

With `--sim`, the pipelined and stop-and-wait uploads also go through `w65 sim`'s virtual
board on a real pty, paced at 9600 baud, timed by the wall clock (pty and thread latency
included).

The limit for 16-byte S2 records is 16 bytes per 45 characters (44 + CR) of 10 bits:
341.3 bytes/s at 9600 baud. Target: pipelined >= 85 % of it (95 % moonshot).

    python benchmarks/load_speed.py [--size 4096] [--sim]
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from w65tool.board.board import Board
from w65tool.image import Image
from w65tool.target.baud import BaudSwitch
from w65tool.target.monitor import MonitorTarget
from w65tool.target.uart_port import UartPort
from w65tool.target.upload import upload_image


def line_limit(baud: int, record_bytes: int = 16) -> float:
    """Payload bytes per second of back-to-back S2 records at `baud` (8N1)."""
    chars = 2 + 2 + 6 + 2 * record_bytes + 2 + 1
    return baud / 10 / chars * record_bytes


def timed_upload(image: Image, window: int, fast: bool, record_bytes: int) -> tuple[float, int]:
    """Emulated seconds and retries of one upload into a fresh SXB (verified afterwards)."""
    board = Board("sxb")
    target = MonitorTarget("uart3", serial=UartPort(board))
    client = target.client
    client.sync()
    with BaudSwitch(client, 38400, avoid=image) if fast else nullcontext():
        client.link.discard()
        client.at_prompt = False
        started = board.seconds
        stats = upload_image(client.link, image, window=window, record_bytes=record_bytes)
        seconds = board.seconds - started
        client.at_prompt = True
        if target.verify(image):
            raise SystemExit("verify failed")
    return seconds, stats.retries


def sim_upload(image: Image, window: int) -> tuple[float, int]:
    """Wall-clock seconds and retries of one upload into `w65 sim` (paced at the baud rate)."""
    from w65tool.target.sim_server import VirtualBoard

    with VirtualBoard("sxb", pacing=True) as vb, MonitorTarget(vb.port) as target:
        client = target.client
        client.sync()
        client.link.discard()
        client.at_prompt = False
        stats = upload_image(client.link, image, window=window)
        client.at_prompt = True
        if target.verify(image):
            raise SystemExit("verify failed")
    return stats.seconds, stats.retries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--sim", action="store_true", help="also time uploads into w65 sim")
    args = parser.parse_args()
    image = Image()
    image.put(0x1000, bytes((i * 37 + 11) & 0xFF for i in range(args.size)))
    ways = [
        ("pipelined (w65 load)", 9, False, 16),
        ("stop-and-wait", 0, False, 16),
        ("pipelined --fast", 9, True, 16),
        ("pipelined --record-bytes 64", 9, False, 64),
        ("--fast --record-bytes 64", 9, True, 64),
    ]
    rows = []
    for name, window, fast, record_bytes in ways:
        seconds, retries = timed_upload(image, window, fast, record_bytes)
        baud = 38400 if fast else 9600
        rows.append((name, baud, record_bytes, seconds, retries))
    print(f"{args.size} bytes into the emulated SXB's ROM monitor, emulated time")
    print(f"{'loader':28} {'baud':>6} {'rec':>4} {'seconds':>8} {'bytes/s':>8} {'% limit':>8}")
    for name, baud, record_bytes, seconds, retries in rows:
        rate = args.size / seconds
        share = 100 * rate / line_limit(baud, record_bytes)
        note = f"  {retries} retries" if retries else ""
        print(f"{name:28} {baud:6} {record_bytes:4} {seconds:8.2f} {rate:8.1f} {share:7.1f}%{note}")
    if args.sim:
        print(f"{args.size} bytes into w65 sim on a pty at 9600 baud, wall-clock time")
        for name, window in (("pipelined (w65 load)", 9), ("stop-and-wait", 0)):
            seconds, retries = sim_upload(image, window)
            rate = args.size / seconds
            share = 100 * rate / line_limit(9600)
            print(f"{name:28} {9600:6} {16:4} {seconds:8.2f} {rate:8.1f} {share:7.1f}%")
    pipelined, stop_wait, fast = rows[0][3], rows[1][3], rows[2][3]
    limit = line_limit(9600)
    print(f"line limit, 16-byte records at 9600 baud: {limit:.1f} bytes/s")
    print(f"pipelined: {100 * args.size / pipelined / limit:.1f}% of the limit (target 85%)")
    print(f"pipelined vs stop-and-wait: {stop_wait / pipelined:.2f}x faster")
    print(f"--fast vs 9600: {pipelined / fast:.2f}x faster")
    print(f"--fast --record-bytes 64 vs 9600: {pipelined / rows[4][3]:.2f}x faster")


if __name__ == "__main__":
    wall = time.monotonic()
    main()
    print(f"(benchmark took {time.monotonic() - wall:.0f} s of wall time)")

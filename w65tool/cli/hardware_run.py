"""`w65 run FILE --port PORT`: load, verify, start with JML, show the console.

`run_cmd` reads the program (assembling source) and hands over here when `--port` is
given; everything else about `w65 run` (the emulator) stays there.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from w65tool.errors import EXIT_OK

if TYPE_CHECKING:
    from w65tool.image import Image


def add_hardware_arguments(parser: argparse.ArgumentParser) -> None:
    """The serial options `w65 run` needs for a real board (`--port` and its companions)."""
    g = parser.add_argument_group("real board")
    g.add_argument(
        "--port",
        metavar="PORT",
        help="run on a real board through its ROM monitor: device, glob, 'auto' or URL",
    )
    g.add_argument("--baud", type=int, metavar="N", help="baud rate (default 9600)")
    g.add_argument("--rtscts", action="store_true", default=None, help="RTS/CTS handshake")
    g.add_argument("--timeout", type=float, metavar="S", help="extra seconds a reply may take")
    g.add_argument("--retries", type=int, default=3, metavar="N", help="resends (default 3)")


def run_on_board(args: argparse.Namespace, image: Image, entry: int) -> int:
    """Load `image` onto the board at `args.port`, verify, JML `entry`, stream UART3 out.

    Stops on Ctrl-C (exit 130, as every command) or after `args.seconds` when given.
    """
    from w65tool.addresses import format_address
    from w65tool.cli.term_cmd import ShowCR
    from w65tool.target.base import TargetError
    from w65tool.target.config import check_baud, load_settings
    from w65tool.target.monitor import MonitorTarget

    settings = load_settings()
    baud = check_baud(args.baud) if args.baud is not None else settings.baud
    rtscts = settings.rtscts if args.rtscts is None else args.rtscts
    seconds = getattr(args, "seconds", None)
    from w65tool.board.memory_map import check_image
    from w65tool.cli.target_args import board_kind

    kind = board_kind(args)
    check_image(image, kind)  # before the port is opened
    with MonitorTarget(
        args.port, baud, rtscts, timeout=args.timeout, retries=args.retries, board=kind
    ) as t:
        t.load(image)
        mismatches = t.verify(image)
        if mismatches:
            for m in mismatches:
                print(f"w65: verify: {m}", file=sys.stderr)
            raise TargetError(f"verify failed: {len(mismatches)} of {len(image)} bytes differ")
        t.jml(entry)
        print(
            f"w65: loaded {len(image)} bytes, verified, started at {format_address(entry)} "
            f"on {t.description}; Ctrl-C stops watching",
            file=sys.stderr,
        )
        show = ShowCR()
        out = sys.stdout.buffer
        deadline = None if seconds is None else time.monotonic() + seconds
        while deadline is None or time.monotonic() < deadline:
            data = t.console_read(0.05)
            if data:
                out.write(show(data))
                out.flush()
    return EXIT_OK

"""Upload a program to a board through its ROM monitor, optionally verify and start it.

FILE is Intel HEX (.hex), S-records (.s28, .srec) or assembly source (.asm, .s, .s65), which is
assembled first. Records go to the monitor's S28 loader, each paced by the monitor's reply;
a record answered with '?' or not at all is sent again (--retries). Ctrl-C stops cleanly and
leaves the monitor at its prompt.

examples:
  w65 load blink.hex --port auto --verify --go
  w65 load blink.asm --port /dev/ttyUSB0 --fast --verify --jsl 00:2000
  W65_PORT=/dev/cu.usbserial-A10K w65 load prog.s28 --go 00B6
"""

from __future__ import annotations

import argparse
import sys
import time

from w65tool.addresses import format_address, parse_address
from w65tool.cli.source_args import add_source_arguments, read_program_file
from w65tool.cli.target_args import (
    add_connection_arguments,
    format_registers,
    open_target,
    print_json,
    say_notices,
)
from w65tool.errors import EXIT_OK, W65Error


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help=".hex, .s28/.srec, or assembly source")
    parser.add_argument(
        "--verify", action="store_true", help="read the loaded bytes back and compare"
    )
    start = parser.add_mutually_exclusive_group()
    start.add_argument(
        "--go",
        nargs="?",
        const="",
        metavar="ADDR",
        help="start the program with G (JML) at ADDR, else its entry, else its lowest address",
    )
    start.add_argument(
        "--jsl", metavar="ADDR", help="call ADDR with J (JSL) and show the registers after RTL"
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds --jsl waits for the program's RTL (default 10)",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help="switch board and host to 38400 baud for the transfer (and back afterwards)",
    )
    parser.add_argument(
        "--record-bytes",
        type=int,
        default=16,
        metavar="N",
        help="data bytes per S2 record, 1-251 (default 16, as WDC's tools; more is faster)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="load even where the board's memory map forbids it (the monitor's RAM, I/O, "
        "ROM, missing memory)",
    )
    parser.add_argument("--no-progress", action="store_true", help="draw no progress bar")
    add_source_arguments(parser)
    add_connection_arguments(parser)


def start_address(image, given: str | None) -> int:
    """The address to start at: the one given, else the image's entry, else its lowest byte."""
    if given:
        return parse_address(given, "start address")
    address = image.start_address()
    if address is None:
        raise W65Error("nothing to start: the image is empty")
    return address


def run(args: argparse.Namespace) -> int:
    from w65tool.cli.progress import progress_bar
    from w65tool.target.base import TargetError

    image = read_program_file(args).image
    go_at = start_address(image, args.go) if args.go is not None else None
    jsl_at = parse_address(args.jsl, "--jsl address") if args.jsl else None
    quiet = args.json
    show = not (args.no_progress or quiet)
    report: dict[str, object] = {"file": args.file, "bytes": len(image)}
    _check_map(image, args)
    with say_notices(open_target(args)) as target:
        report["target"] = target.description
        if not quiet:
            ranges = ", ".join(f"${s:06X}-${s + len(d) - 1:06X}" for s, d in image.segments())
            print(
                f"w65: loading {len(image)} bytes ({ranges}) to {target.description}",
                file=sys.stderr,
            )
        with _speed(target, args.fast, image):
            started = time.monotonic()
            with progress_bar("load", show) as progress:
                target.load(image, progress, force=args.force)
            seconds = time.monotonic() - started
            stats = getattr(target, "last_upload", None)
            report |= {
                "records": stats.records if stats else None,
                "retries": stats.retries if stats else 0,
                "seconds": round(seconds, 3),
                "bytes_per_second": round(len(image) / seconds, 1) if seconds else None,
            }
            if not quiet:
                print(_summary(len(image), seconds, stats), file=sys.stderr)
            mismatches = []
            if args.verify:
                with progress_bar("verify", show) as progress:
                    mismatches = target.verify(image, progress)
                mismatches = _repair(target, image, mismatches, args.retries, quiet, report)
                report["verified"] = not mismatches
                report["mismatches"] = [
                    {"address": m.address, "expected": m.expected, "actual": m.actual}
                    for m in mismatches
                ]
        if mismatches:
            if quiet:
                print_json(report)
            else:
                for m in mismatches:
                    print(f"w65: verify: {m}", file=sys.stderr)
            raise TargetError(
                f"verify failed: {len(mismatches)} of {len(image)} bytes differ",
                hint="run again; if the same bytes differ, is there RAM at those addresses?",
            )
        if args.verify and not quiet:
            print(f"w65: verified {len(image)} bytes", file=sys.stderr)
        if go_at is not None:
            target.jml(go_at)
            report["started"] = {"how": "jml", "address": go_at}
            if not quiet:
                print(f"w65: started at {format_address(go_at)} (JML)", file=sys.stderr)
        if jsl_at is not None:
            regs = target.jsl(jsl_at, timeout=args.wait)
            report["started"] = {"how": "jsl", "address": jsl_at}
            report["registers"] = regs.as_dict()
            if not quiet:
                print(f"w65: {format_address(jsl_at)} returned: {format_registers(regs)}")
    if quiet:
        print_json(report)
    return EXIT_OK


def _check_map(image, args: argparse.Namespace) -> None:
    """Refuse, before the port is opened, an image the board's memory map does not allow
    (`--force`: say so and go on)."""
    from w65tool.board.memory_map import MemoryMapError, check_image
    from w65tool.cli.target_args import board_kind

    try:
        check_image(image, board_kind(args))
    except MemoryMapError as err:
        if not args.force:
            err.hint = f"{err.hint}; --force loads it anyway"
            raise
        print(f"w65: warning: --force: {err.message}", file=sys.stderr)


def _repair(target, image, mismatches, rounds: int, quiet: bool, report: dict) -> list:
    """Load the bytes that did not verify again, then verify the whole image again.

    A record can be acknowledged yet not stored (the ROM skips a record whose type letter
    was damaged on the line, and still counts it as good): reloading what differs repairs
    it. The whole image is checked again, since a reload on a noisy line could itself have
    strayed. Returns what still differs after `rounds` tries.
    """
    from w65tool.image import Image

    repaired = 0
    while mismatches and repaired < rounds:
        repaired += 1
        if not quiet:
            print(
                f"w65: verify: {len(mismatches)} bytes differ; loading them again",
                file=sys.stderr,
            )
        fix = Image()
        for m in mismatches:
            fix.put(m.address, bytes([m.expected]))
        target.load(fix, force=True)  # bytes of the image, whose map was checked already
        mismatches = target.verify(image)
    report["repairs"] = repaired
    return mismatches


def _count(n: int, one: str, many: str | None = None) -> str:
    """`1 record`, `2 records`: a count with its noun in the right number."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def _summary(size: int, seconds: float, stats) -> str:
    rate = f"{size / seconds:.0f} bytes/s" if seconds > 0 else "instant"
    text = f"w65: loaded {size} bytes in {seconds:.2f} s ({rate})"
    if stats is not None:
        text += f", {_count(stats.records, 'record')}, {_count(stats.retries, 'retry', 'retries')}"
    return text


def _speed(target, fast: bool, image):
    """A context that runs the transfer at 38400 baud when asked (serial targets only)."""
    from contextlib import nullcontext

    client = getattr(target, "client", None)
    if not fast or client is None:
        return nullcontext()
    from w65tool.target.baud import BaudSwitch

    return BaudSwitch(client, avoid=image)

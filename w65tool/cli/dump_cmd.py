"""Read memory from the board: hex and ASCII like `hexdump -C`, or raw to a file.

START and END are inclusive, as the monitor's own commands take them (00:2000, 2000, $2000).

examples:
  w65 dump 00:1000 00:10FF --port auto
  w65 dump 1000 1FFF --port auto --format bin -o ram.bin
  w65 dump 1000 100F --port auto --json
"""

from __future__ import annotations

import argparse
import sys

from w65tool.cli.target_args import add_connection_arguments
from w65tool.errors import EXIT_OK, W65Error


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("start", metavar="START", help="first address")
    parser.add_argument("end", metavar="END", help="last address (inclusive)")
    parser.add_argument(
        "--format",
        choices=("text", "bin", "hex", "srec"),
        default="text",
        help="text (hexdump -C style, the default), or a bin/hex/srec file with -o",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE")
    add_connection_arguments(parser)


def hexdump(address: int, data: bytes) -> str:
    """Lines of `BB:AAAA  xx xx ... xx  xx ... xx  |ascii|`, 16 bytes each."""
    lines = []
    for off in range(0, len(data), 16):
        chunk = data[off : off + 16]
        at = address + off
        cells = [f"{b:02x}" for b in chunk] + ["  "] * (16 - len(chunk))
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(
            f"{at >> 16:02X}:{at & 0xFFFF:04X}  {' '.join(cells[:8])}  {' '.join(cells[8:])}"
            f"  |{text}|"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from w65tool.addresses import parse_address
    from w65tool.cli.progress import progress_bar
    from w65tool.cli.target_args import open_target, print_json, say_notices
    from w65tool.image import Image

    start = parse_address(args.start, "START")
    end = parse_address(args.end, "END")
    if end < start:
        raise W65Error(f"END {args.end} is below START {args.start}")
    if args.format != "text" and not args.output:
        raise W65Error(f"--format {args.format} writes a file: give -o FILE")
    with say_notices(open_target(args)) as target, progress_bar("read", not args.json) as progress:
        progress(0, end - start + 1)
        data = target.read_memory(start, end - start + 1)
        progress(len(data), len(data))
    if args.output:
        image = Image()
        image.put(start, data)
        image.save(args.output, {"text": "bin"}.get(args.format, args.format))
        if not args.json:
            print(f"w65: wrote {len(data)} bytes to {args.output}", file=sys.stderr)
    if args.json:
        print_json({"start": start, "end": end, "data": data.hex()})
    elif not args.output:
        print(hexdump(start, data))
    return EXIT_OK

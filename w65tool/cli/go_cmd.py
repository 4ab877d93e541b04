"""Start code on the board with the monitor's G (JML) and the saved registers.

The monitor does not come back until the program does a BRK (or the board is reset).

example:
  w65 go 00:2000 --port auto
"""

from __future__ import annotations

import argparse

from w65tool.cli.target_args import add_connection_arguments
from w65tool.errors import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("address", metavar="ADDR", help="where to start (00:2000, 2000)")
    add_connection_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from w65tool.addresses import format_address, parse_address
    from w65tool.cli.target_args import open_target, print_json, say_notices

    address = parse_address(args.address)
    with say_notices(open_target(args)) as target:
        target.jml(address)
    if args.json:
        print_json({"started": {"how": "jml", "address": address}})
    else:
        print(f"w65: started at {format_address(address)} (JML)")
    return EXIT_OK

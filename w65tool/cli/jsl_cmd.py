"""Call code on the board with the monitor's J (JSL); its RTL returns to the monitor.

Prints what the program sent and the registers the monitor showed on its return.

example:
  w65 jsl 00:2000 --port auto --wait 5
"""

from __future__ import annotations

import argparse
import sys

from w65tool.cli.target_args import add_connection_arguments
from w65tool.errors import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("address", metavar="ADDR", help="what to call (00:2000, 2000)")
    parser.add_argument(
        "--wait",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds to wait for the RTL (default 10)",
    )
    add_connection_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from w65tool.addresses import format_address, parse_address
    from w65tool.cli.target_args import format_registers, open_target, print_json, say_notices

    address = parse_address(args.address)
    with say_notices(open_target(args)) as target:
        regs = target.jsl(address, timeout=args.wait)
        client = getattr(target, "client", None)
        output = client.program_output if client is not None else b""
    if args.json:
        print_json(
            {
                "address": address,
                "registers": regs.as_dict(),
                "output": output.decode("latin-1"),
            }
        )
        return EXIT_OK
    if output:
        sys.stdout.write(output.decode("latin-1").replace("\r", "\n") + "\n")
    print(f"w65: {format_address(address)} returned: {format_registers(regs)}")
    return EXIT_OK

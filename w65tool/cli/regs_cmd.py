"""Read the board's saved registers (monitor `|`), or set some with --set.

The saved registers are the ones the monitor restores for the next G or J.

examples:
  w65 regs --port auto
  w65 regs --port auto --set A=1234 --set PC=00:2000 --set P=30
"""

from __future__ import annotations

import argparse

from w65tool.cli.target_args import add_connection_arguments
from w65tool.errors import EXIT_OK, W65Error

NAMES = {"pc": "pc", "a": "a", "c": "a", "x": "x", "y": "y", "s": "s", "sp": "s", "d": "d"}
NAMES |= {"dp": "d", "p": "p", "f": "p", "flags": "p", "dbr": "dbr", "b": "dbr", "db": "dbr"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="REG=VALUE",
        help="set a register (PC A X Y S D P DBR; hex; PC as 00:2000); repeatable",
    )
    add_connection_arguments(parser)


def parse_setting(text: str) -> tuple[str, int]:
    """`A=1234` -> ("a", 0x1234)."""
    from w65tool.addresses import parse_address

    name, sep, value = text.partition("=")
    key = NAMES.get(name.strip().lower())
    if not sep or key is None:
        raise W65Error(f"bad --set {text!r}: expected REG=VALUE with REG one of PC A X Y S D P DBR")
    return key, parse_address(value, f"value for {name.strip().upper()}")


def run(args: argparse.Namespace) -> int:
    from w65tool.cli.target_args import format_registers, open_target, print_json, say_notices
    from w65tool.target.monitor import check_registers

    values = dict(parse_setting(s) for s in args.set)
    check_registers(values)
    with say_notices(open_target(args)) as target:
        if values:
            target.write_registers(**values)
        regs = target.read_registers()
    if args.json:
        print_json(regs.as_dict())
    else:
        print(format_registers(regs))
    return EXIT_OK

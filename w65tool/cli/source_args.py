"""`-I`, `-D`, `--compat` and `--cfg` for the commands that take a program FILE, and reading
that FILE."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from w65tool.program import Program


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """`-I DIR`, `-D NAME=VALUE`, `--compat` and `--cfg`, used when FILE is assembly source."""
    parser.add_argument(
        "-I",
        dest="include_dirs",
        action="append",
        default=[],
        metavar="DIR",
        help="search DIR for .include files (source FILE)",
    )
    parser.add_argument(
        "-D",
        dest="defines",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="define a symbol for the assembler (source FILE)",
    )
    parser.add_argument(
        "--compat",
        choices=("naken", "ca65", "64tass", "wdc"),  # w65tool.asm.dialects.COMPAT_NAMES
        help="read source FILE in another assembler's dialect (naken_asm, ca65, 64tass, WDC)",
    )
    parser.add_argument(
        "--cfg",
        metavar="FILE",
        help="an ld65 configuration file placing ca65 .segment's (source FILE)",
    )


def read_program_file(args: argparse.Namespace, org: int | None = None) -> Program:
    """`args.file` read (assembled when it is source), its warnings printed to stderr."""
    from w65tool.program import read_program

    program = read_program(
        args.file,
        include_dirs=args.include_dirs,
        defines=args.defines,
        org=org,
        compat=args.compat,
        cfg=args.cfg,
    )
    for warning in program.warnings:
        print(warning, file=sys.stderr)
    return program

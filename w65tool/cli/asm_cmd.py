"""Assemble 65816 source for the W65C265 to Intel HEX, S-records or binary.

Reads naken_asm's syntax and WDC's. Quiet unless something is wrong (or -v); diagnostics go
to stderr as file:line:col: severity: message, with the source line and a caret.

examples:
  w65 asm led_blink.asm                      -> led_blink.hex
  w65 asm prog.asm --format srec -o prog.s28 --listing prog.lst --symbols prog.sym
  w65 asm prog.asm -D BOARD=2 -I lib --compat naken -Wno-unknown-width
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from w65tool.cli.source_args import add_source_arguments
from w65tool.errors import W65Error

_SUFFIX = {"hex": ".hex", "srec": ".s28", "bin": ".bin"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `w65 asm`."""
    parser.add_argument(
        "file",
        nargs="+",
        help="source file (.asm); several are a source set: modules sharing their exports",
    )
    parser.add_argument(
        "-o", "--output", help="output file (default: FILE with .hex; - for stdout)"
    )
    parser.add_argument(
        "--format",
        choices=("hex", "srec", "bin"),
        default="hex",
        help="output format (default hex)",
    )
    parser.add_argument(
        "--listing",
        metavar="FILE",
        help="write a listing: address, bytes, widths, source (- for stdout)",
    )
    parser.add_argument(
        "--symbols",
        metavar="FILE",
        help="write the symbols (name = $value; JSON if FILE ends in .json; - for stdout)",
    )
    parser.add_argument(
        "--debug-map",
        metavar="FILE",
        help="write a debug map for source-level debugging in w65 tui: address -> file:line, "
        "the source, symbols, A/X widths (JSON; name it PROG.dbg.json beside PROG.hex)",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--diagnostics-format",
        choices=("text", "json"),
        default="text",
        help="how to print errors and warnings",
    )
    parser.add_argument(
        "--default-width",
        type=int,
        choices=(8, 16),
        help="A and X width at the start of the program",
    )
    parser.add_argument(
        "-W",
        dest="warnings",
        action="append",
        default=[],
        metavar="WARNING",
        help="-Wno-NAME, -Werror, -Werror=NAME (names in docs/assembler.md)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print a one-line summary")


def run(args: argparse.Namespace) -> int:
    """Assemble, write the outputs (only when there are no errors), print diagnostics."""
    from w65tool.asm import AsmError, assemble_file
    from w65tool.asm.diagnostics import render_json, render_text
    from w65tool.program import parse_defines

    source = Path(args.file[0])
    output = args.output or str(source.with_suffix(_SUFFIX[args.format]))
    outputs = [("-o", output), ("--listing", args.listing), ("--symbols", args.symbols)]
    outputs.append(("--debug-map", args.debug_map))
    to_stdout = [flag for flag, path in outputs if path == "-"]
    if len(to_stdout) > 1:
        raise W65Error(f"only one output can go to stdout (-), not {' and '.join(to_stdout)}")
    try:
        result = assemble_file(
            args.file,
            include_dirs=args.include_dirs,
            defines=parse_defines(args.defines),
            compat=args.compat,
            cfg=args.cfg,
            default_width=args.default_width,
            warnings=args.warnings,
        )
    except AsmError as err:
        if args.diagnostics_format == "json":
            print(err.render_json(), file=sys.stderr)
        else:
            print(err.render(), file=sys.stderr)
        return 1
    if result.diagnostics:
        text = (
            render_json(result.diagnostics)
            if args.diagnostics_format == "json"
            else render_text(result.diagnostics)
        )
        print(text, file=sys.stderr)
    image = result.image
    if args.format == "hex":
        payload = image.to_hex().encode("ascii")
    elif args.format == "srec":
        payload = image.to_srec().encode("ascii")
    else:
        payload = image.to_bin()
    if args.listing:
        _write(args.listing, result.listing().encode("utf-8"))
    if args.symbols:
        sym = result.symbol_json() if args.symbols.endswith(".json") else result.symbol_text()
        _write(args.symbols, sym.encode("utf-8"))
    if args.debug_map:
        from w65tool.debug_map import from_result

        _write(args.debug_map, from_result(result).to_json().encode("utf-8"))
    _write(output, payload)
    if args.verbose:
        print(result.summary(), file=sys.stderr)
    return 0


def _write(path: str, payload: bytes) -> None:
    """Write one output: to stdout for `-`, else atomically to the file."""
    if path == "-":
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    from w65tool.image import write_atomic

    write_atomic(path, payload)

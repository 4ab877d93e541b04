"""Disassemble an Intel HEX, S-record or binary file into source that assembles back to it.

The output is a complete `w65 asm` source file: `.org` and width directives, one instruction
per line with its address and bytes in a comment. Register widths follow REP, SEP and
CLC/SEC + XCE from the starting widths given here (default: 8-bit A and X/Y).

Addresses are hexadecimal: 1000, $1000, 0x1000 or 00:1000.

examples:
  w65 dis led_blink.hex
  w65 dis rom.bin --org E000 --x16 -o rom.asm
  w65 dis prog.hex --symbols prog.sym --start 2000 --length 0x40
  w65 dis prog.hex --io-names
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from w65tool.errors import LocatedError, W65Error, cannot_read


def _address(text: str) -> int:
    """A 24-bit address in hex: `1000`, `$1000`, `0x1000`, `00:1000`."""
    digits = text.strip().replace(":", "")
    for prefix in ("$", "0x", "0X"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    try:
        value = int(digits, 16)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a hex address: {text!r}") from None
    if not 0 <= value <= 0xFFFFFF:
        raise argparse.ArgumentTypeError(f"address {text!r} is beyond 24 bits")
    return value


def _count(text: str) -> int:
    """A byte count: decimal, or hex with `$` or `0x`."""
    try:
        value = int(text[1:], 16) if text.startswith("$") else int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a byte count: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"the length must be positive, not {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `w65 dis`."""
    parser.add_argument("file", metavar="FILE", help="program file: .hex, .s28/.srec or .bin")
    parser.add_argument(
        "--org", type=_address, metavar="ADDR", help="load address of a raw binary (.bin)"
    )
    m = parser.add_mutually_exclusive_group()
    m.add_argument("--m8", dest="m8", action="store_true", default=True, help="8-bit A (default)")
    m.add_argument("--m16", dest="m8", action="store_false", help="16-bit A at the start")
    x = parser.add_mutually_exclusive_group()
    x.add_argument("--x8", dest="x8", action="store_true", default=True, help="8-bit X/Y (default)")
    x.add_argument("--x16", dest="x8", action="store_false", help="16-bit X/Y at the start")
    parser.add_argument(
        "--emulation", action="store_true", help="start in emulation mode (8-bit registers)"
    )
    parser.add_argument(
        "--symbols",
        metavar="FILE",
        action="append",
        default=[],
        help="name addresses from a symbol file (NAME = $VALUE, JSON, VICE); repeatable",
    )
    parser.add_argument(
        "--io-names",
        action="store_true",
        help="name the W65C265's I/O registers ($DF00-$DF7F): sta PD7",
    )
    parser.add_argument("--start", type=_address, metavar="ADDR", help="first address to show")
    parser.add_argument("--length", type=_count, metavar="N", help="number of bytes to show")
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")


_SYMBOL_LINE = (
    # NAME = $1234, NAME = 0x1234, NAME = 4660, NAME equ $1234 (w65, 64tass, naken listings)
    re.compile(
        r"([A-Za-z_.@][\w.@]*)\s*(?:=|\s[eE][qQ][uU]\s)\s*(\$[0-9A-Fa-f]+|0[xX][0-9A-Fa-f]+|\d+)"
    ),
    # al 001234 .NAME (VICE label files, as ld65 -Ln writes them)
    re.compile(r"al\s+(?:C:)?([0-9A-Fa-f]+)\s+\.?([\w.@]+)"),
)


def read_symbols(path: str) -> dict[str, int]:
    """Read a symbol file: `NAME = value` or `NAME equ value` lines (w65 asm --symbols, 64tass
    --labels, asm/w65c265.inc), w65's JSON, or a VICE label file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise cannot_read(path, err) from None
    except UnicodeDecodeError:
        raise W65Error(f"cannot read {path}: not a UTF-8 text file") from None
    if text.lstrip().startswith("{"):  # w65 asm --symbols prog.json
        try:
            table = json.loads(text)["symbols"]
            return {str(name): int(value) for name, value in table.items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise W65Error(f"{path}: not a w65 JSON symbol file") from None
    symbols: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split(";", 1)[0].split("#", 1)[0].strip()
        if not line:
            continue
        if match := _SYMBOL_LINE[0].fullmatch(line):
            name, value = match.groups()
            number = int(value[1:], 16) if value.startswith("$") else int(value, 0)
        elif match := _SYMBOL_LINE[1].fullmatch(line):
            number, name = int(match.group(1), 16), match.group(2)
        else:
            raise LocatedError(f"{path}:{lineno}:1", f"not a symbol definition: {line[:40]!r}")
        symbols[name] = number
    return symbols


def run(args: argparse.Namespace) -> int:
    """Disassemble `args.file` and print (or write) the source."""
    from w65tool.disasm import State, disassemble, to_source
    from w65tool.image import Image, write_atomic
    from w65tool.program import SOURCE_SUFFIXES

    if Path(args.file).suffix.lower() in SOURCE_SUFFIXES:
        raise W65Error(
            f"{args.file}: is assembly source; w65 dis reads Intel HEX, S-records or raw binary",
            hint=f"assemble it first (w65 asm {args.file}) and disassemble the .hex",
        )
    image = Image.load(args.file, org=args.org)
    symbols: dict[str, int] = {}
    if args.io_names:
        from w65tool.board.registers import REGISTERS

        symbols.update((register.name, register.address) for register in REGISTERS)
    for path in args.symbols:
        symbols.update(read_symbols(path))
    first = args.start if args.start is not None else 0
    last = first + args.length if args.length is not None else 1 << 24
    state = State(args.m8 or args.emulation, args.x8 or args.emulation, args.emulation)
    runs = []
    for start, payload in image.segments():
        lo, hi = max(start, first), min(start + len(payload), last)
        if lo < hi:
            lines = disassemble(
                payload[lo - start : hi - start],
                lo,
                m8=state.m8,
                x8=state.x8,
                emulation=state.emulation,
                symbols=symbols,
            )
            runs.append((state, lines))
    if not runs:
        where = "" if args.start is None and args.length is None else " in the range asked for"
        raise W65Error(f"{args.file}: no bytes to disassemble{where}")
    widths = "emulation mode" if state.emulation else _widths_text(state.m8, state.x8)
    header = [f"w65 dis {Path(args.file).name}: starting with {widths}"]
    if image.entry is not None:
        header.append(f"entry point ${image.entry:06X}")
    source = to_source(runs, symbols=symbols, header=header)
    if args.output:
        write_atomic(args.output, source.encode("utf-8"))
    else:
        sys.stdout.write(source)
    return 0


def _widths_text(m8: bool, x8: bool) -> str:
    return f"{'8' if m8 else '16'}-bit A, {'8' if x8 else '16'}-bit X/Y"

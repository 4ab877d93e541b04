"""The monitor terminal UI: registers, memory, disassembly, JML/JSL, upload and the console.

On a board (--port) it does what EasySXB's window does; on the emulated board (--sim) it adds
run, stop, step, step over, breakpoints and the board's lamps. F1 (or ?) lists every key.

examples:
  w65 tui --port auto
  w65 tui --port /dev/ttyUSB0 --symbols blink.sym
  w65 tui --sim samples/led_blink.asm         # assemble it and load it (then F2: JML)
  w65 tui --sim --board mensch samples/led_groups.asm --halted
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from w65tool.cli.target_args import add_connection_arguments
from w65tool.errors import EXIT_OK, W65Error, check_input_file

if TYPE_CHECKING:
    from w65tool.target.base import Target
    from w65tool.tui.app import W65App


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "program",
        nargs="?",
        metavar="FILE",
        help="a program to upload at start (.hex, .s28, or .asm, assembled first)",
    )
    parser.add_argument(
        "--symbols",
        metavar="FILE",
        help="name addresses with a symbol file (w65 asm --symbols, 64tass --labels, VICE)",
    )
    parser.add_argument(
        "--halted",
        action="store_true",
        help="with --sim: start with the emulated board halted instead of running",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="upload even where the board's memory map forbids it (the monitor's RAM, I/O, "
        "ROM, missing memory); each such upload says so",
    )
    add_connection_arguments(parser)


def run(args: argparse.Namespace) -> int:
    app = build_app(args)
    app.run()
    # Quitting while a program runs with breakpoints leaves their BRKs in its memory: say so.
    debugger = getattr(app.session.target, "debugger", None)
    left = debugger.left_behind() if debugger is not None else ""
    if left:
        print(f"w65: note: the program is still running; {left}", file=sys.stderr)
    return EXIT_OK


def build_app(args: argparse.Namespace) -> W65App:
    """The TUI the options ask for, its target open (Ctrl+R reopens a port the same way)."""
    from w65tool.cli.dis_cmd import read_symbols
    from w65tool.cli.target_args import open_target

    if args.json:
        raise W65Error("w65 tui has no JSON output (--json is for the one-shot commands)")
    if args.halted and not args.sim:
        raise W65Error("--halted needs --sim: a real board cannot be halted from the monitor")
    if args.program:
        check_input_file(args.program)
    symbols = read_symbols(args.symbols) if args.symbols else {}
    target = open_target(args)

    from w65tool.tui import make_app

    def reopen(port: str | None = None) -> Target:
        # inside the running app the terminal is Textual's: no question asked on it
        return open_target(_on_port(args, port), ask=False)

    return make_app(
        target,
        symbols=symbols,
        running=not args.halted,
        connect=None if args.sim else reopen,
        program=args.program,
        force=args.force,
    )


def _on_port(args: argparse.Namespace, port: str | None) -> argparse.Namespace:
    """The command line's options, on another port when `port` is given (Ctrl+R)."""
    if port is None:
        return args
    changed = argparse.Namespace(**vars(args))
    changed.port = port
    return changed

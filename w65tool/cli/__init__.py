"""The `w65` command line: argparse subcommands, exit codes and error printing in one place.

Each subcommand lives in its own module of this package with two functions,
`add_arguments(parser)` and `run(args) -> int`. Modules import their heavy dependencies
inside `run`, so that `w65 asm` starts without loading the emulator, pyserial or Textual.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from w65tool import __version__
from w65tool.errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, W65Error

# name -> (module, one-line help); the order is the order of `w65 --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "asm": ("asm_cmd", "assemble 65816 source to Intel HEX, S-records or binary"),
    "dis": ("dis_cmd", "disassemble a HEX or binary file"),
    "run": ("run_cmd", "run a program on the emulated board (or a real one with --port)"),
    "load": ("load_cmd", "upload a program to a board through its ROM monitor"),
    "ports": ("ports_cmd", "list serial ports and which look like an SXB"),
    "regs": ("regs_cmd", "read or set the board's saved registers"),
    "dump": ("dump_cmd", "read memory from the board"),
    "go": ("go_cmd", "start code on the board with JML (monitor G)"),
    "jsl": ("jsl_cmd", "call code on the board with JSL (monitor J)"),
    "term": ("term_cmd", "a plain terminal to the board's monitor"),
    "sim": ("sim_cmd", "a virtual SXB on a pseudo-terminal"),
    "tui": ("tui_cmd", "the monitor terminal UI"),
}


def _installed(name: str) -> bool:
    """Whether the command's module exists in this installation."""
    from importlib.util import find_spec

    return find_spec(f"{__name__}.{COMMANDS[name][0]}") is not None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser for `w65` and its subcommands.

    With `only`, the parser knows just that subcommand, for a command line that starts with
    its name (where no other subcommand and no `w65 --help` can be reached): a command starts
    without importing, or building parsers for, every other command.
    """
    parser = argparse.ArgumentParser(
        prog="w65", description="Cross-toolchain for the WDC W65C265S and the Mensch SXB."
    )
    parser.add_argument("--version", action="version", version=f"w65 {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [only] if only is not None else [n for n in COMMANDS if _installed(n)]:
        module, text = COMMANDS[name]
        mod = importlib.import_module(f"{__name__}.{module}")
        p = sub.add_parser(
            name,
            help=text,
            description=(mod.__doc__ or text).strip(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run, _parser=p)
    return parser


def print_error(err: W65Error) -> None:
    """Print a user-facing error: one line (plus a hint), or the diagnostics it carries."""
    print(err.render(), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `w65` with the given arguments; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    name = argv[0] if argv else None
    parser = build_parser(name if name in COMMANDS and _installed(name) else None)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # the sub-command's own usage, which lists the options it does take
        which = getattr(args, "_parser", parser)
        which.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args._run(args) or 0)
    except W65Error as err:
        print_error(err)
        return err.exit_code
    except KeyboardInterrupt:
        print("w65: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_ERROR


# Commands whose work is done when `main` returns (outputs written and closed, nothing running
# in the background). Their process makes next to no reference cycles, so the cyclic collector
# is off (it would only walk the growing heap again and again: a tenth of a large program's
# time), and it ends at once instead of tearing down the objects it built.
_ENDS_AT_ONCE = frozenset({"asm"})


def entry() -> None:
    """The `w65` program (and `python -m w65tool`): `main()`, then the process exits.

    Process-wide settings belong here, not in a command's `run()`, which tests and other
    programs call through `main()` in their own process.
    """
    ends_at_once = sys.argv[1:2] and sys.argv[1] in _ENDS_AT_ONCE
    if ends_at_once:
        gc.disable()
    code = main()
    if ends_at_once:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, OSError):
            code = code or EXIT_ERROR
        os._exit(code)
    sys.exit(code)

"""Options and helpers shared by the commands that talk to a board (`load`, `regs`, ...)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from w65tool.addresses import format_address
from w65tool.errors import W65Error

if TYPE_CHECKING:
    from w65tool.target.base import Registers, Target


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """`--port --baud --rtscts --timeout --retries --sim --board --json`."""
    g = parser.add_argument_group("connection")
    g.add_argument(
        "--port",
        metavar="PORT",
        help="serial device, glob, 'auto' (the one FTDI USB device, as on the SXB), or a "
        "pyserial URL such as socket://host:4000 (default: W65_PORT, then [tool.w65] port)",
    )
    g.add_argument("--baud", type=int, metavar="N", help="baud rate (default 9600)")
    g.add_argument(
        "--rtscts", action="store_true", default=None, help="use RTS/CTS hardware handshake"
    )
    g.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="seconds a reply may be late beyond its time on the wire (default 0.5)",
    )
    g.add_argument(
        "--retries",
        type=int,
        default=3,
        metavar="N",
        help="times to repeat a command after a bad reply: N + 1 tries (default 3); records "
        "and dump lines, harmless to repeat, get 4 x (N + 1)",
    )
    g.add_argument(
        "--sim", action="store_true", help="use an emulated board in this process, no port"
    )
    add_board_argument(g, "the board: its memory map, and the emulated board for --sim")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def add_board_argument(parser: argparse._ActionsContainer, what: str) -> None:
    """`--board sxb|mensch`; the choice, when not given, is `board_kind(args)`'s."""
    from w65tool.board.kinds import DEFAULT_BOARD, KINDS

    parser.add_argument(
        "--board",
        choices=tuple(KINDS),
        help=f"{what} (default: board in [tool.w65], else {DEFAULT_BOARD})",
    )


def board_kind(args: argparse.Namespace) -> str:
    """The board to emulate: --board, else `board` in the settings file, else the default."""
    if args.board:
        return args.board
    from w65tool.target.config import load_settings

    return load_settings().board


def open_target(args: argparse.Namespace, ask: bool = True) -> Target:
    """The target the options name: the emulated board, or a serial port. With `ask`, and a
    terminal on stdin and stderr, the user picks among several ports `--port` matches."""
    from w65tool.target.config import check_baud, load_settings

    settings = load_settings()
    if args.sim:
        from w65tool.target.emulator import EmulatedTarget

        return EmulatedTarget(args.board or settings.board)
    port = args.port or settings.port
    if not port:
        raise W65Error(
            "no port given: use --port PORT (or --port auto), W65_PORT, or port in [tool.w65]",
            hint="`w65 ports` lists this computer's serial ports; --sim uses an emulated board",
        )
    baud = check_baud(args.baud) if args.baud is not None else settings.baud
    rtscts = settings.rtscts if args.rtscts is None else args.rtscts
    if args.retries < 0:
        raise W65Error("--retries must be 0 or more")
    if args.timeout is not None and args.timeout <= 0:
        raise W65Error("--timeout must be more than 0 seconds")
    from w65tool.target.monitor import MonitorTarget
    from w65tool.target.protocol import RECORD_BYTES

    record_bytes = getattr(args, "record_bytes", RECORD_BYTES)
    on_terminal = ask and sys.stdin.isatty() and sys.stderr.isatty()
    return MonitorTarget(
        port,
        baud,
        rtscts,
        timeout=args.timeout,
        retries=args.retries,
        record_bytes=record_bytes,
        choose=choose_on_terminal if on_terminal else None,
        board=args.board or settings.board,
    )


def choose_on_terminal(devices: list[str], what: str) -> str | None:
    """Ask on the terminal which of several devices to use; None for an answer that is not
    one of their numbers."""
    print(f"w65: {len(devices)} {what}:", file=sys.stderr)
    for i, dev in enumerate(devices, 1):
        print(f"  {i}. {dev}", file=sys.stderr)
    answer = input(f"use which (1-{len(devices)})? ").strip()
    if answer.isdigit() and 1 <= int(answer) <= len(devices):
        return devices[int(answer) - 1]
    return None


def say_notices(target: Target) -> Target:
    """Print at once, on stderr, what the target does after a Ctrl-C (it may take a moment)."""
    target.set_notice(lambda text: print(f"w65: {text}", file=sys.stderr, flush=True))
    return target


def format_registers(regs: Registers) -> str:
    """One line in the monitor's order: `PC 00:E358  A FF00  X E0B7 ...  P 22 (nvMxdiZc)`."""
    flags = "".join(c.upper() if regs.p >> (7 - i) & 1 else c for i, c in enumerate("nvmxdizc"))
    text = (
        f"PC {format_address(regs.pc)}  A {regs.a:04X}  X {regs.x:04X}  Y {regs.y:04X}  "
        f"S {regs.s:04X}  D {regs.d:04X}  DBR {regs.dbr:02X}  P {regs.p:02X} ({flags})"
    )
    if regs.e is not None:
        text += f"  E {regs.e}"
    return text


def print_json(value: object) -> None:
    """Print a JSON document on stdout."""
    json.dump(value, sys.stdout, indent=2)
    sys.stdout.write("\n")

"""Serve an emulated board's ROM monitor on a pseudo-terminal: a virtual SXB.

The first line printed is `port: PATH`; open PATH with any serial tool (w65 load, w65 tui,
w65 term, minicom, pyserial) as you would /dev/ttyUSB0. The board runs in real time until
Ctrl-C; on a terminal its lamps, clock and line traffic are shown live.

examples:
  w65 sim                                   # then: w65 load prog.hex --port /dev/pts/N
  w65 sim samples/led_blink.asm --go        # load and start a program first
  w65 sim --tcp 6502                        # no ptys (Windows): port socket://localhost:6502
  w65 sim --no-pacing --fault-drop 0.01 --seed 1   # a fast, lossy line for tests
"""

from __future__ import annotations

import argparse
import sys
import time

from w65tool import chip
from w65tool.cli.source_args import add_source_arguments
from w65tool.errors import EXIT_INTERRUPTED, EXIT_OK, W65Error

REFRESH_SECONDS = 0.1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", nargs="?", help="program to load: .asm, .hex ...")
    from w65tool.cli.target_args import add_board_argument

    add_board_argument(parser, "the board to emulate")
    parser.add_argument("--go", action="store_true", help="start FILE at its entry point")
    add_source_arguments(parser)
    parser.add_argument("--tcp", type=int, metavar="PORT", help="serve on 127.0.0.1:PORT instead")
    pacing = parser.add_mutually_exclusive_group()
    pacing.add_argument(
        "--baud-pacing",
        dest="pacing",
        action="store_true",
        default=True,
        help="run the line at the board's baud rate, as a cable does (default)",
    )
    pacing.add_argument(
        "--no-pacing",
        dest="pacing",
        action="store_false",
        help="run flat out while bytes are in flight (fast tests)",
    )
    faults = parser.add_argument_group("fault injection (per byte, both directions)")
    faults.add_argument(
        "--fault-drop", type=float, default=0.0, metavar="RATE", help="lose a byte (0-1)"
    )
    faults.add_argument(
        "--fault-corrupt", type=float, default=0.0, metavar="RATE", help="flip one bit (0-1)"
    )
    faults.add_argument(
        "--fault-stall",
        type=float,
        default=0.0,
        metavar="RATE",
        help="hold the line for 0.5 s (0-1)",
    )
    faults.add_argument(
        "--fault-hangup-after", type=int, metavar="N", help="close the line after N bytes"
    )
    faults.add_argument("--seed", type=int, help="seed of the fault generator (repeatable runs)")
    parser.add_argument("--quiet", action="store_true", help="print only the port line")


def run(args: argparse.Namespace) -> int:
    from w65tool.target.sim_server import LineFaults, VirtualBoard

    image, entry = None, None
    if args.file:
        from w65tool.cli.source_args import read_program_file

        image = read_program_file(args).image
        entry = image.start_address()
    if args.go and entry is None:
        raise W65Error("--go needs a FILE with an entry point")
    faults = LineFaults(
        drop=args.fault_drop,
        corrupt=args.fault_corrupt,
        stall=args.fault_stall,
        hangup_after=args.fault_hangup_after,
        seed=args.seed,
    )
    from w65tool.cli.target_args import board_kind

    sim = VirtualBoard(
        board_kind(args),
        image,
        tcp=args.tcp,
        pacing=args.pacing,
        faults=faults,
        go=entry if args.go else None,
    )
    import signal

    # SIGTERM only raises a flag the loop reads: raising from the handler could land before
    # the loop's `try` (a busy serving thread can hold the interpreter that long) and end the
    # process as if interrupted.
    terminated: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: terminated.append(signum))
    live = None
    interrupted = False
    try:
        sim.start()
        print(f"port: {sim.port}", flush=True)
        if not args.quiet:
            print(f"board: an emulated {sim.board.spec.title}", flush=True)
        if sys.stdout.isatty() and not args.quiet:
            from rich.live import Live

            live = Live(_status(sim), refresh_per_second=10, transient=False)
            live.start()
        while sim.running and not terminated:
            time.sleep(REFRESH_SECONDS)
            if live is not None:
                live.update(_status(sim))
    except KeyboardInterrupt:
        interrupted = True  # Ctrl-C switches the board off cleanly, and says so as others do
    finally:
        if live is not None:
            live.update(_status(sim))
            live.stop()
        sim.stop()
        signal.signal(signal.SIGTERM, previous)
    if sim.error is not None:
        if isinstance(sim.error, W65Error):
            raise sim.error
        raise W65Error(f"the virtual board stopped: {sim.error!r}")
    lost = _losses(sim)
    if lost and not args.quiet:
        print(f"w65 sim: line: {lost}")
    if faults.hung_up:
        print(f"w65 sim: hung up after {faults.hangup_after} bytes (--fault-hangup-after)")
        return EXIT_OK
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


def _losses(sim) -> str:
    """What the line lost on the way in, and clients turned away; empty when nothing."""
    with sim.lock:
        uart = sim.board.uart3
        counts = (
            (uart.host_dropped, "dropped (host buffer full)"),
            (uart.overruns, "overrun"),
            (sim.discarded, "discarded (client left)"),
            (sim.out_dropped, "output dropped (client not reading)"),
        )
    text = [f"{n} {what}" for n, what in counts if n]
    if sim.refused:
        text.append(f"{sim.refused} client{'s' if sim.refused > 1 else ''} refused (line busy)")
    return ", ".join(text)


def _status(sim):
    """The live panel: board, port, clock, baud, lamps, line counters."""
    from rich.table import Table
    from rich.text import Text

    board = sim.board
    with sim.lock:
        seconds = board.seconds
        lamps = dict(board.leds)
        char = board.uart3.char_cycles()
    baud = f"{chip.baud(char)} baud" if char else "no baud clock"
    grid = Table.grid(padding=(0, 2))
    grid.add_row(
        Text(f"w65 sim: {board.spec.title}", style="bold"),
        Text(sim.port, style="cyan"),
        Text(baud),
        Text(f"{seconds:10.1f} s emulated"),
    )
    row = Text("lamps ")
    for name, lit in lamps.items():
        row.append(f"{name} ")
        row.append("●" if lit else "○", style="bold red" if lit else "dim")
        row.append("  ")
    grid.add_row(row)
    counts = sim.faults.counts
    line = f"line: {sim.bytes_in} bytes in, {sim.bytes_out} out"
    lost = _losses(sim)
    if lost:
        line += f"   lost: {lost}"
    if sim.faults.active:
        line += (
            f"   faults: {counts['dropped']} dropped, {counts['corrupted']} corrupted, "
            f"{counts['stalls']} stalls"
        )
    grid.add_row(Text(line, style="dim"))
    return grid

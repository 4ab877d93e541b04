"""Run a program on the emulated W65C265 board and watch its LEDs and serial output.

The program is assembled if it is source, loaded, and started as the monitor's G command
would start it; the board's lamps are drawn as they change, UART3 output is echoed, and a
summary (cycles, instructions, emulated and real time, speed, registers) ends the run.

examples:
  w65 run samples/led_blink.asm --seconds 3
  w65 run samples/led_groups.asm --board mensch
  w65 run prog.hex --trace-io --max-cycles 100000
  w65 run prog.asm --json --seconds 1 | jq .
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, TextIO

from w65tool.chip import FCLK_HZ
from w65tool.cli.source_args import add_source_arguments, read_program_file
from w65tool.errors import EXIT_INTERRUPTED, EXIT_OK, W65Error

if TYPE_CHECKING:
    from rich.text import Text

    from w65tool.board.board import Board
    from w65tool.image import Image

SLICE_CYCLES = FCLK_HZ // 100  # the display and the pacing look up every 10 ms emulated
DEFAULT_SECONDS = 10.0  # a run with no limit and no display to stop it
LAMP_CELL = 5  # columns per lamp on the live display: a 3-letter pin name and a space each side


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="program: .asm/.s source, .hex, .s28, .bin")
    from w65tool.cli.target_args import add_board_argument

    add_board_argument(parser, "the board to emulate")
    parser.add_argument("--org", metavar="ADDR", help="load address of a .bin file")
    parser.add_argument(
        "--entry", metavar="ADDR", help="start address (default: the program's entry point)"
    )
    limit = parser.add_mutually_exclusive_group()
    limit.add_argument("--max-cycles", type=int, metavar="N", help="stop after N CPU cycles")
    limit.add_argument(
        "--seconds",
        type=float,
        metavar="S",
        help="stop after S seconds of emulated time (default: until Ctrl-C on a terminal, "
        f"else {DEFAULT_SECONDS:g} s)",
    )
    parser.add_argument(
        "--until-pc",
        metavar="ADDR",
        help="stop before executing ADDR (or a label, when FILE is source)",
    )
    parser.add_argument("--trace", action="store_true", help="print every instruction")
    parser.add_argument("--trace-io", action="store_true", help="print every I/O register write")
    parser.add_argument("--json", action="store_true", help="JSON lines and a summary object")
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument(
        "--realtime",
        dest="pace",
        action="store_const",
        const="realtime",
        help="run at the board's real speed (the default on a terminal)",
    )
    pace.add_argument(
        "--fast",
        dest="pace",
        action="store_const",
        const="fast",
        help="run as fast as the emulator can (the default when output goes to a pipe or file)",
    )
    parser.add_argument(
        "--no-monitor",
        action="store_true",
        help="a bare chip: no ROM monitor, the program must bring its own vectors",
    )
    from w65tool.cli.hardware_run import add_hardware_arguments

    add_hardware_arguments(parser)
    add_source_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from w65tool.addresses import parse_address

    if args.max_cycles is not None and args.max_cycles < 0:
        raise W65Error("--max-cycles must be 0 or more")
    if args.seconds is not None and args.seconds < 0:
        raise W65Error("--seconds must be 0 or more")
    org = parse_address(args.org, "--org") if args.org else None
    program = read_program_file(args, org)
    image = program.image
    entry = parse_address(args.entry, "--entry") if args.entry else image.start_address()
    if entry is None:
        raise W65Error(f"{args.file}: the program is empty")
    if args.port:
        from w65tool.cli.hardware_run import run_on_board

        return run_on_board(args, image, entry)
    until_pc = None
    if args.until_pc:
        # a label of the program (when FILE is source), else an address
        until_pc = program.symbols.get(args.until_pc)
        if until_pc is None:
            until_pc = parse_address(args.until_pc, "--until-pc")
    return run_emulated(args, image, entry, until_pc)


# -- output ---------------------------------------------------------------------------------
class Output:
    """Where the run's lines go: plain text, a live rich display, or JSON lines."""

    def __init__(self, board: Board, args: argparse.Namespace, stream: TextIO) -> None:
        self.board = board
        self.start = board.cycles  # the clock shown counts from the program's start
        self.json = args.json
        self.stream = stream
        self.live = None
        self._uart_line = ""
        self._lamps: dict[str, bool] | None = None
        if not self.json and stream.isatty() and not (args.trace or args.trace_io):
            from rich.console import Console
            from rich.live import Live

            self.live = Live(
                self._lamp_view(),
                console=Console(file=stream),
                refresh_per_second=30,
                transient=False,
            )
            self.live.start()

    def elapsed(self) -> float:
        """Emulated seconds since the program started."""
        return (self.board.cycles - self.start) / FCLK_HZ

    def close(self) -> None:
        if self._uart_line:
            self._emit_text(self._uart_line)
            self._uart_line = ""
        if self.live is not None:
            self.live.update(self._lamp_view())
            self.live.stop()

    def _emit_text(self, line: str) -> None:
        if self.live is not None:
            self.live.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.stream)

    def record(self, obj: dict) -> None:
        print(json.dumps(obj), file=self.stream)

    # lamps
    def _lamp_view(self) -> Text:
        from rich.text import Text

        board = self.board
        text = Text()
        # each lamp in a cell wider than its label, so the labels stand apart (P70 P71 ...)
        for lit in board.leds.values():
            text.append(
                f"{'●' if lit else '○':^{LAMP_CELL}}", style="bold red" if lit else "grey50"
            )
        text.append(f"   {self.elapsed():10.6f} s emulated", style="cyan")
        text.append("\n")
        for name in board.leds:
            text.append(f"{name:^{LAMP_CELL}}", style="grey50")
        return text

    def lamps(self) -> None:
        leds = self.board.leds
        if leds == self._lamps:
            return
        self._lamps = leds
        if self.json:
            self.record({"cycle": self.board.cycles - self.start, "leds": leds})
        elif self.live is not None:
            self.live.update(self._lamp_view())
        else:
            row = "".join("●" if lit else "○" for lit in leds.values())
            print(f"[{self.elapsed():10.6f} s] LEDs {row}", file=self.stream)

    def tick(self) -> None:
        """After each slice: the clock on the live display, or the lines so far to a pipe
        (`w65 run ... | tee log` shows each line as the program makes it)."""
        if self.live is not None:
            self.live.update(self._lamp_view())
        else:
            self.stream.flush()

    # serial
    def uart(self, data: bytes) -> None:
        if not data:
            return
        text = data.decode("latin-1")
        if self.json:
            self.record({"cycle": self.board.cycles - self.start, "uart3": text})
            return
        text = self._uart_line + text.replace("\r\n", "\n").replace("\r", "\n")
        *lines, self._uart_line = text.split("\n")
        for line in lines:
            self._emit_text(line)

    # traces
    def io_write(self, cycle: int, address: int, name: str, value: int) -> None:
        cycle -= self.start
        if self.json:
            self.record({"cycle": cycle, "register": name, "address": address, "value": value})
        else:
            print(f"{cycle:>12}  {name:<6} ${value:02X}", file=self.stream)

    def instruction(self, cycle: int, pc: int, data: bytes, text: str, regs: dict) -> None:
        cycle -= self.start
        if self.json:
            self.record({"cycle": cycle, "pc": pc, "bytes": data.hex(), "text": text, **regs})
        else:
            r = regs
            print(
                f"{cycle:>12}  {pc >> 16:02X}:{pc & 0xFFFF:04X}  {data.hex(' ').upper():<12}"
                f"{text:<18} A={r['a']:04X} X={r['x']:04X} Y={r['y']:04X} S={r['s']:04X} "
                f"D={r['d']:04X} DB={r['dbr']:02X} P={r['p']:02X}{' E' if r['e'] else ''}",
                file=self.stream,
            )


def registers(board: Board) -> dict[str, int]:
    """The core's registers as a dict (pc is 24-bit)."""
    c = board.cpu
    return {
        "pc": c.pbr << 16 | c.pc,
        "a": c.a,
        "x": c.x,
        "y": c.y,
        "s": c.s,
        "d": c.d,
        "dbr": c.dbr,
        "p": c.p,
        "e": int(c.e),
    }


def _flags(p: int) -> str:
    return "".join(ch.upper() if p >> (7 - i) & 1 else ch for i, ch in enumerate("nvmxdizc"))


# -- running --------------------------------------------------------------------------------
def realtime(args: argparse.Namespace, stream: TextIO) -> bool:
    """Whether the run is paced to the board's real clock: as asked with --realtime/--fast,
    else on a terminal (a person watching the lamps sees them blink as on the board), never
    into a pipe or a file (scripts and tests want the result as soon as it is computed)."""
    if args.pace is not None:
        return args.pace == "realtime"
    return stream.isatty()


def run_emulated(args: argparse.Namespace, image: Image, entry: int, until_pc: int | None) -> int:
    """Load `image` on an emulated board, start it at `entry`, run, print the summary."""
    import signal

    from w65tool.board.board import Board
    from w65tool.cli.target_args import board_kind

    board = Board(board_kind(args), monitor=not args.no_monitor)
    if board.monitor is not None:
        board.wait_for_prompt()  # the banner goes out before the program is loaded
    board.uart3.host_receive()
    board.load(image)
    board.go(entry)
    if not args.json:
        bare = " (a bare chip, no monitor)" if board.monitor is None else ""
        print(f"w65: running {args.file} on an emulated {board.spec.title}{bare}", flush=True)
    out = Output(board, args, sys.stdout)
    if args.trace_io:
        board.io_listeners.append(out.io_write)

    limit_cycles = args.max_cycles
    if args.seconds is not None:
        limit_cycles = round(args.seconds * FCLK_HZ)
    elif limit_cycles is None and not sys.stdout.isatty():
        limit_cycles = round(DEFAULT_SECONDS * FCLK_HZ)
    paced = realtime(args, sys.stdout)
    start_cycles = board.cycles
    start_instructions = board.cpu.instructions
    end = None if limit_cycles is None else start_cycles + limit_cycles

    previous = signal.signal(signal.SIGINT, lambda *_: board.request_stop())
    wall0 = time.perf_counter()
    reason = "cycles"
    try:
        out.lamps()
        while end is None or board.cycles < end:
            remaining = SLICE_CYCLES if end is None else min(SLICE_CYCLES, end - board.cycles)
            if args.trace:
                reason = _trace_slice(board, out, board.cycles + remaining, until_pc)
            else:
                reason = board.run(max_cycles=remaining, until=until_pc)
            out.lamps()
            out.uart(board.uart3.host_receive())
            out.tick()
            if paced:
                ahead = (board.cycles - start_cycles) / FCLK_HZ - (time.perf_counter() - wall0)
                if ahead > 0:
                    time.sleep(ahead)
            if reason != "cycles":
                break
    finally:
        signal.signal(signal.SIGINT, previous)
        wall = time.perf_counter() - wall0
        out.close()
    instructions = board.cpu.instructions - start_instructions
    summary = _summary(board, reason, board.cycles - start_cycles, instructions, wall)
    _print_summary(out, summary)
    return EXIT_INTERRUPTED if reason == "stop requested" else EXIT_OK


def _trace_slice(board: Board, out: Output, end: int, until_pc: int | None) -> str:
    """Run to cycle `end` one instruction at a time, printing each; why it stopped."""
    from w65tool.disasm import State, disassemble

    cpu = board.cpu
    first = True
    while cpu.cycles < end:
        pc = cpu.pbr << 16 | cpu.pc
        if not first and (pc == until_pc or pc in cpu.breakpoints):
            return "until" if pc == until_pc else "breakpoint"
        if cpu.stopped:
            return "stp"
        if cpu.stop_requested:
            cpu.stop_requested = False
            return "stop requested"
        if cpu.waiting and not cpu.irq:
            if board.step(limit=end) == 0:
                return "wai"
            continue
        data = bytes(board.bus.peek(pc + i) for i in range(4))
        w = State.from_status(cpu.p, cpu.e)
        line = disassemble(data, pc, m8=w.m8, x8=w.x8, emulation=w.emulation)[0]
        regs = registers(board)
        out.instruction(cpu.cycles, pc, data[: line.size], line.text, regs)
        board.step()
        first = False
    return "cycles"


def _summary(board: Board, reason: str, cycles: int, instructions: int, wall: float) -> dict:
    emulated = cycles / FCLK_HZ
    return {
        "reason": reason,
        "board": board.kind,
        "cycles": cycles,
        "instructions": instructions,
        "emulated_seconds": emulated,
        "real_seconds": wall,
        "speed": emulated / wall if wall > 0 else None,
        "registers": registers(board),
        "leds": board.leds,
    }


STOP_REASONS = {
    "cycles": "the run's length (--seconds or --max-cycles) was reached",
    "until": "PC reached --until-pc",
    "breakpoint": "PC reached a breakpoint",
    "stp": "the program executed STP",
    "wai": "the program waits (WAI) for an interrupt nothing can raise",
    "stop requested": "interrupted",
}
"""The summary's words for each reason the board stops (JSON keeps the short keys)."""


def _print_summary(out: Output, s: dict) -> None:
    if out.json:
        out.record({"summary": s})
        return
    r = s["registers"]
    speed = f"{s['speed']:.2f}x real time" if s["speed"] else "-"
    stream = out.stream
    print(f"w65: stopped: {STOP_REASONS.get(s['reason'], s['reason'])}", file=stream)
    print(
        f"  {s['cycles']:,} cycles, {s['instructions']:,} instructions, "
        f"{s['emulated_seconds']:.6f} s emulated in {s['real_seconds']:.3f} s real ({speed})",
        file=stream,
    )
    print(
        f"  PC {r['pc'] >> 16:02X}:{r['pc'] & 0xFFFF:04X}  A {r['a']:04X}  X {r['x']:04X}  "
        f"Y {r['y']:04X}  S {r['s']:04X}  D {r['d']:04X}  DBR {r['dbr']:02X}  "
        f"P {r['p']:02X} {_flags(r['p'])}  E {r['e']}",
        file=stream,
    )

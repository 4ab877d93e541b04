"""How fast the emulated board runs, as a multiple of the real chip's 3.6864 MHz.

    python benchmarks/board_speed.py [--seconds 3] [--repeat 3]

For `samples/led_blink.asm` (a busy delay loop toggling P72) and `samples/timer_irq.asm`
(a timer interrupt toggling P72, WAI in between), each run on a Mensch board with its ROM
monitor (so the monitor's timers run too: T1's clock interrupt, T4's baud clock):

- board:        `Board.run(seconds=S)`, no listener;
- board+trace:  the same with an I/O listener recording every register write, as
                `w65 run --trace-io` has;
- core alone:   (led_blink only) the same program on the bare core over `FlatBus`, no
                peripherals at all: the peer that shows what the board costs on top.

It prints the real-time factor of each (emulated seconds / wall seconds, best of
`--repeat`) and the board's speed relative to the bare core. Target: board+trace at least
1.0x real time on led_blink.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from w65tool.asm import assemble_file  # noqa: E402
from w65tool.board.board import Board  # noqa: E402
from w65tool.chip import FCLK_HZ  # noqa: E402
from w65tool.cpu import CPU, FlatBus  # noqa: E402

TARGET = 1.0
SAMPLES = ("led_blink", "timer_irq")


def board_run(image, seconds: float, trace: bool) -> tuple[float, int]:
    """Wall seconds for `seconds` of emulated time on a Mensch board; I/O writes seen."""
    board = Board("mensch")
    board.load(image)
    writes = []
    if trace:
        board.io_listeners.append(lambda *event: writes.append(event))
    board.go(image.start_address())
    t0 = time.perf_counter()
    board.run(seconds=seconds)
    return time.perf_counter() - t0, len(writes)


def core_run(image, seconds: float) -> float:
    """Wall seconds for the same cycles on the bare core over plain RAM."""
    bus = FlatBus()
    for start, data in image.segments():
        bus.ram[start : start + len(data)] = data
    cpu = CPU(bus)
    cpu.e = 0
    cpu.p = 0x22  # the monitor's context on G: native, 8-bit A, 16-bit X/Y
    cpu.pc = image.start_address()
    t0 = time.perf_counter()
    cpu.run(round(seconds * FCLK_HZ))
    return time.perf_counter() - t0


def best(fn, image, repeat: int, *args: object) -> float:
    """The shortest wall time of `repeat` calls of `fn(image, *args)`."""
    return min(_seconds(fn(image, *args)) for _ in range(repeat))


def _seconds(result: float | tuple[float, int]) -> float:
    return result[0] if isinstance(result, tuple) else result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="emulated seconds a run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    args = parser.parse_args()
    s = args.seconds
    print(f"{s:g} s of emulated time (= {round(s * FCLK_HZ):,} cycles) per run, best of "
          f"{args.repeat}; real-time factor = emulated / wall seconds")  # fmt: skip
    ok = True
    for name in SAMPLES:
        image = assemble_file(ROOT / "samples" / f"{name}.asm").image
        plain = best(board_run, image, args.repeat, s, False)
        traced = best(board_run, image, args.repeat, s, True)
        writes = board_run(image, s, True)[1]
        print(f"\n{name}.asm ({writes:,} I/O writes traced)")
        print(f"  board        {s / plain:6.2f}x real time")
        print(f"  board+trace  {s / traced:6.2f}x real time")
        if name == "led_blink":
            core = best(core_run, image, args.repeat, s)
            share = core / plain
            print(f"  core alone   {s / core:6.2f}x real time  (board: {share:.2f} of it)")
            ok = ok and s / traced >= TARGET
    print(
        f"\ntarget: led_blink board+trace >= {TARGET:.1f}x real time: {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

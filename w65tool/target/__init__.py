"""Boards you can talk to: the emulated W65C265 in process, or a real one over its ROM monitor.

The CLI's `load`, `run --port`, `regs`, `dump`, `go`, `jsl` and the TUI use only the `Target`
interface of `w65tool.target.base`, so everything that works on a board is tested on the
emulator.
"""

from w65tool.target.base import Mismatch, ProgressCallback, Registers, Target, TargetError

__all__ = ["Mismatch", "ProgressCallback", "Registers", "Target", "TargetError"]

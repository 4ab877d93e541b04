"""Boards you can talk to: the emulated W65C265 in process, or a real one over its ROM monitor.

The CLI's `load`, `run --port`, `regs`, `dump`, `go`, `jsl` and the TUI use only the `Target`
interface of `w65tool.target.base`, so everything that works on a board is tested on the
emulator. The implementations live in their own modules, imported where needed (the emulator
pulls in the whole board, the serial side pyserial):

    w65tool.target.monitor.MonitorTarget(port, baud=9600, ...)   a board through its monitor
    w65tool.target.emulator.EmulatedTarget("mensch" | "sxb")     the emulated board in process
    w65tool.target.uart_port.UartPort(board)                     the monitor protocol to an
                                                                 emulated board, no pty
"""

from w65tool.target.base import Mismatch, ProgressCallback, Registers, Target, TargetError

__all__ = ["Mismatch", "ProgressCallback", "Registers", "Target", "TargetError"]

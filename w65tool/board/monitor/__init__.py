"""The W65C265's ROM monitor, emulated routine by routine (no WDC ROM image needed).

`Monitor(board)` is what `w65tool.board.Board` installs: see `monitor.py` for how it hooks
into the CPU, `commands.py` for the serial command interpreter, `routines.py` for the ROM
calls programs make, and `docs/monitor.md` for the user's view.
"""

from w65tool.board.monitor.monitor import Monitor, MonitorError

__all__ = ["Monitor", "MonitorError"]

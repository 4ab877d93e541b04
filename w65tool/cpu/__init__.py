"""The 65C816 core: `CPU` and the plain-RAM `FlatBus`.

from w65tool.cpu import CPU, FlatBus
cpu = CPU(FlatBus())
cpu.step()
"""

from w65tool.cpu.bus import FlatBus
from w65tool.cpu.core import CPU

__all__ = ["CPU", "FlatBus"]

"""The eight 8-bit ports of the W65C265S, the port-7 chip selects and the bus control register.

Ports 0-6 have a data register (PDn) and a direction register (PDDn, 1 = output); reading PDn
gives the written bits on output pins and the outside world's level on input pins
(`inputs[n]`, $FF by default: pulled up). Port 7 is output only and has no direction
register: PCS7 bit n = 1 gives pin P7n to chip select CSn, 0 makes it a plain output of PD7
bit n. A chip-select pin idles high (inactive) as far as a lamp on it can tell. BCR bit 0 = 1
gives ports 0-3 to the external address/data bus; 0 makes them plain I/O.
"""

from __future__ import annotations

from collections.abc import Callable


class Ports:
    """Data, direction and input levels of ports 0-7, plus PCS7, BCR and SSCR."""

    def __init__(self, written: Callable[[int, int], None]) -> None:
        """`written(port, value)` is told of every write to a port data register."""
        self._written = written
        self.reset()

    def reset(self) -> None:
        """The chip's reset state: all pins inputs, port 7 and the registers at 0."""
        self.data = [0] * 8
        self.direction = [0] * 8  # port 7 has no direction register: always output
        self.inputs = [0xFF] * 8
        self.pcs7 = 0
        self.bcr = 0
        self.sscr = 0

    def read_data(self, port: int) -> int:
        """PDn as the CPU reads it: output bits as written, input bits from the pins."""
        if port == 7:
            return self.data[7]
        d = self.direction[port]
        return (self.data[port] & d) | (self.inputs[port] & ~d & 0xFF)

    def write_data(self, port: int, value: int) -> None:
        """PDn write."""
        self.data[port] = value
        self._written(port, value)

    def pin_levels(self, port: int) -> int:
        """The level on each pin of a port as seen from outside (1 = high)."""
        if port == 7:
            return self.data[7] | self.pcs7  # chip-select pins idle high
        d = self.direction[port]
        return (self.data[port] & d) | (self.inputs[port] & ~d & 0xFF)

    def output_mask(self, port: int) -> int:
        """The pins of a port driven by PDn (outputs, not bus or chip-select pins)."""
        if port == 7:
            return ~self.pcs7 & 0xFF
        if port < 4 and self.bcr & 0x01:
            return 0
        return self.direction[port]

"""An in-memory `Target` for the TUI's tests of states the emulated board cannot reach."""

from __future__ import annotations

from w65tool.image import Image
from w65tool.target.base import Registers, Target, TargetError


class FakeTarget(Target):
    """64 KiB of RAM, saved registers, a console that echoes; `lose()` drops the line."""

    description = "/dev/ttyFAKE at 9600 baud"

    def __init__(self) -> None:
        self.memory = bytearray(0x10000)
        self.registers = Registers(
            pc=0x00E358, a=0xFF00, x=0xE0B7, y=2, s=0x1FF, d=0, p=0x22, dbr=0
        )
        self.sent = bytearray()
        self.pending = bytearray()
        self.lost = False
        self.jumps: list[tuple[str, int]] = []
        self.closed = False

    def lose(self) -> None:
        """From now on every call fails as an unplugged USB adapter does."""
        self.lost = True

    def _check(self) -> None:
        if self.lost:
            raise OSError(5, "Input/output error")

    def read_registers(self) -> Registers:
        self._check()
        return Registers(**{k: v for k, v in vars(self.registers).items()})

    def write_registers(self, **values: int) -> None:
        self._check()
        for name, value in values.items():
            setattr(self.registers, name, value)

    def read_memory(self, address: int, length: int) -> bytes:
        self._check()
        if address + length > len(self.memory):
            raise TargetError(f"no memory at ${address:06X}")
        return bytes(self.memory[address : address + length])

    def write_memory(self, address: int, data: bytes) -> None:
        self._check()
        self.memory[address : address + len(data)] = data

    def load(self, image: Image, progress=None) -> None:
        self._check()
        total = len(image)
        done = 0
        for start, data in image.segments():
            self.write_memory(start, data)
            done += len(data)
            if progress:
                progress(done, total)

    def jml(self, address: int) -> None:
        self._check()
        self.jumps.append(("jml", address))

    def jsl(self, address: int, timeout: float | None = None) -> Registers:
        self._check()
        self.jumps.append(("jsl", address))
        return self.read_registers()

    def console_write(self, data: bytes) -> None:
        self._check()
        self.sent += data
        self.pending += data  # the monitor echoes what it is sent

    def console_read(self, timeout: float = 0.0) -> bytes:
        self._check()
        out = bytes(self.pending)
        self.pending.clear()
        return out

    def close(self) -> None:
        self.closed = True

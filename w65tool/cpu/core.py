"""`CPU`: the 65C816 core's public face over the generated closure of `kernel.py`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from w65tool.cpu.blocks import BlockCache
from w65tool.cpu.kernel import ACCESSORS, block_compiler, make_core

ALL_PAGES_HOOKED = bytes([1]) * 0x10000
EXACT_FETCH = [1] * 0x10000  # hooks without `fetch` (not PageFlags): test each instruction


class Bus(Protocol):
    """What a CPU needs of its bus: byte reads and writes at 24-bit addresses."""

    def read(self, address: int) -> int: ...

    def write(self, address: int, value: int) -> None: ...


def _register(name: str, doc: str) -> property:
    getter, setter = f"_get_{name}", f"_set_{name}"
    return property(
        lambda self: getattr(self, getter)(),
        lambda self, value: getattr(self, setter)(value),
        doc=doc,
    )


class CPU:
    """A W65C816S core attached to `bus`.

    Registers are plain ints (`a` is always the full 16-bit B:A); writing `p` or `e` takes
    effect from the next instruction exactly as on the chip. `step()` runs one instruction
    (or enters one pending interrupt) and returns its cycles; `run(max_cycles)` is the fast
    loop. When the bus has `ram`, `read_hooks` and `write_hooks` (see `FlatBus`), unhooked
    pages are accessed directly; otherwise every access calls `bus.read` / `bus.write`.
    """

    a = _register("a", "The 16-bit accumulator C (B:A), whatever M says.")
    x = _register("x", "Index register X (high byte 0 while X = 1).")
    y = _register("y", "Index register Y (high byte 0 while X = 1).")
    s = _register("s", "Stack pointer (in page 1 in emulation mode).")
    d = _register("d", "Direct page register.")
    pc = _register("pc", "Program counter, 16 bits; `pbr` is its bank.")
    pbr = _register("pbr", "Program bank register.")
    dbr = _register("dbr", "Data bank register.")
    p = _register("p", "Status register NVMXDIZC (bit 4 is B, bit 5 is 1, in emulation mode).")
    e = _register("e", "Emulation flag, 0 or 1.")
    cycles = _register("cycles", "Bus cycles run so far (writable: a board may add idle time).")
    instructions = _register(
        "instructions",
        "Instructions executed so far (writable); see docs/emulator.md for what counts.",
    )
    irq = _register("irq", "IRQB input level: True requests an interrupt while I = 0.")
    stop_requested = _register("stop_requested", "Set to make `run` return early.")
    stopped = _register("stopped", "True after STP, until `reset()`.")
    waiting = _register("waiting", "True after WAI, until an interrupt or IRQB wakes the core.")

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.breakpoints: set[int] = set()
        """24-bit addresses where `run` stops before executing."""
        self.exact = False
        """True: `run` goes one instruction at a time (no compiled blocks), so a bus hook
        sees in `pc` the instruction making the access (watchpoints)."""
        self.wdm_hook: Callable[[int], Any] | None = None
        """Called with the signature byte of each WDM, PC already past it."""
        self.vector_hook: Callable[[str, bool], int] | None = None
        """(kind, emulation) -> address of the interrupt vector to fetch."""
        ram = getattr(bus, "ram", None)
        read_hooks = getattr(bus, "read_hooks", None)
        write_hooks = getattr(bus, "write_hooks", None)
        if ram is None or read_hooks is None or write_hooks is None:
            ram, read_hooks, write_hooks = bytearray(), ALL_PAGES_HOOKED, ALL_PAGES_HOOKED
        self._blocks = blocks = BlockCache(ram)
        fetch = getattr(read_hooks, "fetch", EXACT_FETCH)
        read_hooks = getattr(read_hooks, "listed", read_hooks)  # PageFlags: the list copy
        write_hooks = getattr(write_hooks, "listed", write_hooks)
        core = make_core(self, bus.read, bus.write, ram, read_hooks, write_hooks, fetch, blocks)
        blocks.bind(block_compiler(core["cell_owner"]))
        for name in ACCESSORS:
            setattr(self, f"_get_{name}", core[f"reg_get_{name}"])
            setattr(self, f"_set_{name}", core[f"reg_set_{name}"])
        # A class of its own whose register properties read this core's cells directly: a
        # debugger reading `cpu.pc` after every `step()` pays one call, not three.
        own = {
            name: property(core[f"reg_get_{name}"], prop.fset, doc=prop.__doc__)
            for name in ACCESSORS
            if isinstance(prop := getattr(CPU, name, None), property)
        }
        self.__class__ = type(CPU.__name__, (type(self),), {"__module__": CPU.__module__, **own})
        self.step: Callable[[], int] = core["step"]
        self._run_fast = core["run_fast"]
        self._run_watch = core["run_watch"]
        self.reset: Callable[[], None] = core["reset"]
        self.nmi: Callable[[], None] = core["request_nmi"]
        self.abort: Callable[[], None] = core["request_abort"]
        self.reset()

    def run(self, max_cycles: int) -> int:
        """Run until at least `max_cycles` more cycles have passed; return the cycles run.

        Returns early before an instruction at an address in `breakpoints` (except the
        first one, so a run can resume from a breakpoint), after STP, on WAI with no
        interrupt pending, or when `stop_requested` is set (which it clears).
        """
        if self.breakpoints or self.exact:
            return self._run_watch(max_cycles, self.breakpoints)
        return self._run_fast(max_cycles)

    def __repr__(self) -> str:
        return (
            f"<CPU pc={self.pbr:02X}:{self.pc:04X} a={self.a:04X} x={self.x:04X}"
            f" y={self.y:04X} s={self.s:04X} d={self.d:04X} dbr={self.dbr:02X}"
            f" p={self.p:02X} e={self.e} cycles={self.cycles}>"
        )

"""The handlers for D = 0 against the handlers for any D, run with D = 0.

The core has tables of its own for D = 0 (`HandlerKey.direct_zero`): a direct-page address
is the operand itself and no DL cycle is added. The single-step vectors set D at random, so
they reach those handlers about once in 65,536 cases. Here every opcode's D = 0 handler runs
next to the general one (which the vectors check) from the same random states with D = 0,
in each width state, with and without the inline operand fetch, with odd pages going
through the bus (so a page wrongly taken for page 0 shows): registers, flags, memory
written, the core functions called and the cycles must all agree.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from w65tool.cpu.access import KEYS, STATES
from w65tool.cpu.families import handler_body
from w65tool.cpu.kernel import CELLS, NAMESPACE
from w65tool.isa import OPCODES

CASES = 12  # random states per opcode, width state and fetch
HOOKS = [page & 1 for page in range(0x10000)]  # odd pages go through the bus


class Memory:
    """16 MiB that read as a fixed pseudo-random function of the address; writes are kept."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.written: dict[int, int] = {}

    def __getitem__(self, address: int) -> int:
        assert 0 <= address < 1 << 24, address
        if address in self.written:
            return self.written[address]
        return (address * 2654435761 + self.seed) >> 11 & 0xFF

    def __setitem__(self, address: int, value: int) -> None:
        assert 0 <= address < 1 << 24 and 0 <= value <= 0xFF, (address, value)
        self.written[address] = value


class NoMarks:
    """No byte belongs to a compiled block."""

    def __getitem__(self, address: int) -> int:
        return 0


def compiled(body: list[str]):
    """The handler as a function over module globals (the core's cells)."""
    source = f"def handler(t):\n    global {', '.join(sorted(CELLS))}\n"
    source += "\n".join(f"    {line}" for line in body)
    return compile(source, "<handler>", "exec")


def state(rng: random.Random, key) -> dict:
    """Random registers and flags valid in `key`'s width state, with D = 0."""
    widths = key.widths
    x_mask = 0xFF if widths.x8 else 0xFFFF
    return {
        "a": rng.randrange(0x10000),
        "x": rng.randrange(0x10000) & x_mask,
        "y": rng.randrange(0x10000) & x_mask,
        "s": 0x100 | rng.randrange(0x100) if widths.emulation else rng.randrange(0x10000),
        "d": 0,
        "pc": rng.randrange(0x10000),
        "pb": rng.randrange(0x100) << 16,
        "db": rng.randrange(0x100) << 16,
        "fn": rng.randrange(0x100),
        "fv": rng.choice((0, 0x40)),
        "fd": rng.choice((0, 8)),
        "fi": rng.choice((0, 4)),
        "fz": rng.randrange(2),
        "fc": rng.randrange(2),
        "fm": 1 if widths.m8 else 0,
        "fx": 1 if widths.x8 else 0,
        "e": 1 if widths.emulation else 0,
        "cyc": 1000,
        "icount": 10,
        "irq": rng.random() < 0.5,
        "attn": False,
    }


def run(code, start: dict, seed: int) -> tuple:
    """Run a handler from `start`; what it changed, wrote and called, and its cycles."""
    calls: list[tuple] = []

    def log(name: str):
        def call(*args):
            calls.append((name, *args))
            return 7

        return call

    scope = NAMESPACE | {name: 0 for name in CELLS} | start  # the core's globals, its cells
    scope |= {"ram": Memory(seed), "cb": NoMarks(), "rh": HOOKS, "wh": HOOKS}
    for name in ("bus_read", "bus_write", "invalidate", "select", "set_p", "exchange_ce"):
        scope[name] = log(name)
    for name in ("enter_e", "enter_n", "suspect_all", "wdm_hook"):
        scope[name] = log(name)
    scope["cpu"] = type("Cpu", (), {"wdm_hook": None, "vector_hook": None})()
    exec(code, scope)
    cycles = scope["handler"](start["pb"] + start["pc"])
    registers = {name: scope[name] for name in CELLS}
    return registers, scope["ram"].written, calls, cycles


@pytest.mark.parametrize("key", STATES, ids=lambda key: key.tag)
@pytest.mark.parametrize("inline", [False, True], ids=["fetched", "inline"])
def test_the_direct_zero_handlers_do_what_the_general_ones_do_with_d_0(key, inline):
    general = replace(key, inline=inline)
    zero = replace(general, direct_zero=True)
    assert zero in {replace(k, inline=inline) for k in KEYS}
    rng = random.Random(f"{key.tag}{inline}")
    differing = 0
    failures = []
    for op in OPCODES:
        if op.mnemonic in ("mvn", "mvp", "wai", "stp"):
            continue  # no direct page; they stay on the instruction or stop
        ours, theirs = handler_body(op, zero), handler_body(op, general)
        differing += ours != theirs
        code_zero, code_general = compiled(ours), compiled(theirs)
        for _ in range(CASES):
            start = state(rng, key)
            if inline:  # the whole instruction in one page, not at the bank's end
                start["pc"] = rng.randrange(0x10000) & 0xFFF0 | rng.randrange(0xC)
            seed = rng.randrange(1 << 30)
            got, expected = run(code_zero, start, seed), run(code_general, start, seed)
            if got != expected:
                failures.append(f"${op.code:02X} {op.mnemonic} from {start}")
                break
    assert failures == []
    assert differing > 50  # the direct-page opcodes, at least

"""The generated core: one closure per CPU holding registers as cells, handlers and loops.

At import, this module writes the Python source of `make_core`: a function whose local
variables are the registers and flags, and whose inner functions are the 256 x 10 instruction
handlers (deduplicated: most opcodes read the same in several states) from `families.py`,
the interrupt entries, `step`, the run loops and the register accessors. Cell variables are
the fastest state CPython offers a set of functions sharing it, and ten dispatch tables
(emulation; native M/X = 8/8, 8/16, 16/8, 16/16; each with any D and with D = 0), swapped
only when REP, SEP, PLP, RTI, XCE, TCD, PLD or a register write change the widths or whether
D is zero, keep width and D tests out of the handlers. `CPU` (core.py) wraps one
`make_core(...)` result behind attributes.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from w65tool.cpu.access import DIRECT_ZERO_FROM, KEYS, STATES, HandlerKey, push, read
from w65tool.cpu.alu import add_decimal, status, subtract_decimal, unpack_status
from w65tool.cpu.blocks import BLOCK_CYCLES
from w65tool.cpu.code_cache import compile_cached
from w65tool.cpu.families import handler_body
from w65tool.isa import OPCODES

# Registers, flags and run state: the cells every generated function may rebind.
CELLS = frozenset(
    {
        *("a", "x", "y", "s", "d", "pc", "pb", "db"),  # pb, db: PBR and DBR shifted left 16
        *("fn", "fv", "fm", "fx", "fd", "fi", "fz", "fc", "e"),  # flags, see alu.py
        *("cyc", "icount", "ops", "slow"),  # cycles, instructions, dispatch tables
        "guard",  # run(): blocks run while cyc < guard (a loop block repeats itself, blocks.py)
        *("bm", "kstate"),  # the compiled blocks of the width state, and its index
        *("attn", "irq", "nmi_req", "abort_req", "stop_req", "stopped", "waiting"),
    }
)

# Names of the closure besides the cells that compiled blocks use (handlers' memory access).
SHARED = CELLS | {"ram", "rh", "wh", "bus_read", "bus_write", "cb", "invalidate", "cpu"}
SHARED |= {"set_p", "get_p", "exchange_ce", "select"}

VECTORS = {  # kind -> (native vector, emulation vector), bank 0
    "cop": (0xFFE4, 0xFFF4),
    "brk": (0xFFE6, 0xFFFE),
    "abort": (0xFFE8, 0xFFF8),
    "nmi": (0xFFEA, 0xFFFA),
    "irq": (0xFFEE, 0xFFFE),
}
RESET_VECTOR = 0xFFFC

# P from the flags and back, for register writes and interrupts: the snippets of alu.py the
# handlers build and unpack P with.
UNPACK_P = "\n".join(f"    {line}" for line in unpack_status("value"))

RUNTIME = f"""
def get_p():
    return {status("fm << 5 | fx << 4")}

def select():
    k = (0 if e else 1 + (0 if fm else 2) + (0 if fx else 1)) + (0 if d else {DIRECT_ZERO_FROM})
    ops = inline_tables[k]
    slow = tables[k]
    bm = block_maps[k]
    kstate = k

def set_p(value):
{UNPACK_P}
    if e:  # M and X read as 1 in emulation mode
        fm = fx = 1
    else:
        fm = value >> 5 & 1
        fx = value >> 4 & 1
    if fx:  # 8-bit index registers lose their high bytes
        x &= 0xFF
        y &= 0xFF
    select()

def set_e(value):
    e = 1 if value else 0
    if e:
        fm = fx = 1
        x &= 0xFF
        y &= 0xFF
        s = 0x100 | (s & 0xFF)
    select()

def exchange_ce():
    carry = e
    set_e(fc)
    fc = carry

def update_attn():
    # A masked IRQ line needs no look before each instruction: CLI and set_p (REP, PLP,
    # RTI, register writes) raise attn when they clear I while the line is held.
    attn = bool((irq and not fi) or nmi_req or abort_req or stop_req or stopped or waiting)

def poll():
    # Before an instruction: take a pending interrupt and return its cycles; 0 when the
    # next instruction may run; None when the core is stopped or waiting.
    if stopped:
        return None
    kind = None
    if abort_req:
        abort_req = False
        kind = "abort"
    elif nmi_req:
        nmi_req = False
        kind = "nmi"
    elif irq:
        if not fi:
            kind = "irq"
        waiting = False  # IRQB ends WAI even with I set; execution just goes on
    if kind is not None:
        waiting = False
        update_attn()
        if e:  # emulation mode pushes the status with B clear
            return enter_e(kind, pc, get_p() & 0xEF)
        return enter_n(kind, pc, get_p())
    update_attn()
    return None if waiting else 0

def step():
    if attn:
        n = poll()
        if n is None:
            return 0
        if n:
            cyc += n
            return n
    icount += 1
    t = pb + pc
    # fh (PageFlags.fetch, bus.py): clear where every instruction of the page is in RAM
    if fh[t >> 8] and (rh[t >> 8] or (t & 0xFF) > 0xFB):
        n = slow[bus_read(t) if rh[t >> 8] else ram[t]](t)
    else:
        n = ops[ram[t]](t)
    cyc += n
    return n

def reset():
    e = fm = fx = 1
    fi = 4
    fd = d = db = pb = 0
    x &= 0xFF
    y &= 0xFF
    s = 0x100 | (s & 0xFF)
    stopped = waiting = nmi_req = abort_req = False
    t = RESET_VECTOR
    v = bus_read(t) if rh[t >> 8] else ram[t]
    t += 1
    u = bus_read(t) if rh[t >> 8] else ram[t]
    pc = v | u << 8
    select()
    update_attn()

def request_nmi():
    nmi_req = attn = True

def request_abort():
    abort_req = attn = True

def set_irq(level):
    irq = bool(level)
    update_attn()

def set_stop_request(value):
    stop_req = bool(value)
    update_attn()

def set_flags(stop, wait):
    stopped = bool(stop)
    waiting = bool(wait)
    update_attn()
"""

# The run loop, twice: without breakpoints, with compiled blocks (see blocks.py), and with
# breakpoints, one instruction at a time, so the common case pays nothing for them.
RUN_LOOP = """
def {name}(max_cycles{params}):
    start = cyc
    limit = cyc + max_cycles
    memory, hooks, fetch = ram, rh, fh  # locals: the fastest names CPython has
    count = 0  # instructions, added to icount on the way out
{first}    while cyc < limit:
        if attn:
            if stop_req:
                stop_req = False
                update_attn()
                break
            n = poll()
            if n is None:
                break
            if n:
                cyc += n
                continue
        t = pb + pc
{check}        if fetch[t >> 8] and (hooks[t >> 8] or (t & 0xFF) > 0xFB):
            count += 1
            cyc = slow[bus_read(t) if hooks[t >> 8] else memory[t]](t) + cyc
            continue
{blocks}        count += 1
        cyc = ops[memory[t]](t) + cyc
    icount += count
    return cyc - start
"""
# Blocks only while a whole block fits before the limit; memory may have been changed from
# outside since the last run, so every block is checked again before its next use.
BLOCKS_START = """\
    guard = limit - BLOCK_CYCLES
    suspect_all()
    heat, hot = blocks.heat, blocks.hot
"""
# After a block, the next one is called at once while there is one and nothing else is due
# (the checks of the loop's head that a block's address cannot fail: blocks start only where
# the whole instruction lies in one page).
BLOCKS = """\
        if cyc < guard:
            f = bm.get(t)
            if f is None:
                # an address is counted here until hot; then the cache decides
                h = heat[pc]
                if h < hot:
                    heat[pc] = h + 1
                else:
                    f = block_miss(t, kstate)
            if f:
                f()
                while cyc < guard and not attn:
                    t = pb + pc
                    f = bm.get(t)
                    if not f or hooks[t >> 8]:
                        break
                    f()
                continue
"""
# A run may start on a breakpoint (resuming from it): that one address is passed once.
FIRST = """\
    first = pb + pc
"""
BREAK_CHECK = """\
        if t in breakpoints and t != first:
            break
        first = -1
"""

ACCESSORS = {  # register -> (getter expression, setter statement using `value`)
    "a": ("a", "a = value & 0xFFFF"),
    "x": ("x", "x = value & (0xFF if fx else 0xFFFF)"),
    "y": ("y", "y = value & (0xFF if fx else 0xFFFF)"),
    "s": ("s", "s = (0x100 | (value & 0xFF)) if e else value & 0xFFFF"),
    "d": ("d", "d = value & 0xFFFF; select()"),
    "pc": ("pc", "pc = value & 0xFFFF"),
    "pbr": ("pb >> 16", "pb = (value & 0xFF) << 16"),
    "dbr": ("db >> 16", "db = (value & 0xFF) << 16"),
    "p": ("get_p()", "set_p(value & 0xFF)"),
    "e": ("e", "set_e(value)"),
    "cycles": ("cyc", "cyc = value"),
    "instructions": ("icount", "icount = value"),
    "irq": ("irq", "set_irq(value)"),
    "stop_requested": ("stop_req", "set_stop_request(value)"),
    "stopped": ("stopped", "set_flags(value, waiting)"),
    "waiting": ("waiting", "set_flags(stopped, value)"),
}


def _enter(w: HandlerKey) -> list[str]:
    """Interrupt entry (BRK, COP, IRQ, NMI, ABORT): push, then fetch the vector."""
    e = w.widths.emulation
    lines = [] if e else push("pb >> 16", w)
    lines += [*push("ret >> 8", w), *push("ret & 0xFF", w), *push("status", w)]
    lines += [
        "fi = 4",
        "fd = 0",
        "hook = cpu.vector_hook",
        f"vector = VECTORS[kind][{int(e)}] if hook is None else hook(kind, {e})",
        *read("v", "vector"),
        *read("u", "(vector + 1) & 0xFFFFFF"),
        "pc = v | u << 8",
        "pb = 0",
        f"return {7 if e else 8}",
    ]
    return [f"def enter_{'e' if e else 'n'}(kind, ret, status):", *_indent(lines)]


def _indent(lines: list[str], depth: int = 1) -> list[str]:
    pad = "    " * depth
    return [pad + line if line else line for line in lines]


ASSIGNMENT = re.compile(r"\s(?:[-+&|^]|<<|>>)?=\s")


def declare_cells(source: str) -> str:
    """Add `nonlocal` for the cells each top-level function of `source` rebinds.

    The generated code assigns only in statements of the form `target [op]= value` (several
    to a line, separated by `;`), so splitting them at assignment operators finds every target.
    """
    out: list[str] = []
    stored: set[str] = set()
    header = -1
    for line in [*source.splitlines(), "def end():"]:
        if line.startswith("def "):
            if header >= 0 and stored:
                out.insert(header + 1, f"    nonlocal {', '.join(sorted(stored))}")
            header, stored = len(out), set()
        else:
            for statement in line.split(";"):
                for target in ASSIGNMENT.split(statement)[:-1]:
                    stored.update(n.strip() for n in target.split(",") if n.strip() in CELLS)
        out.append(line)
    return "\n".join(out[:-1])


def generate() -> str:
    """The source of `make_core(cpu, bus_read, bus_write, ram, rh, wh, fh, blocks)`."""
    bodies: dict[str, str] = {}  # handler source -> function name
    tables: list[list[str]] = []
    for w in [*KEYS, *(replace(w, inline=True) for w in KEYS)]:
        row = []
        for op in OPCODES:
            body = "\n".join(_indent(handler_body(op, w)))
            name = bodies.get(body)
            if name is None:
                name = f"op_{op.code:02x}_{w.tag}"
                bodies[body] = name
            row.append(name)
        tables.append(row)
    parts = [RUNTIME, "\n".join(_enter(STATES[0])), "\n".join(_enter(STATES[1]))]
    parts += [f"def {name}(t):\n{body}" for body, name in bodies.items()]
    parts.append(
        RUN_LOOP.format(name="run_fast", params="", first=BLOCKS_START, check="", blocks=BLOCKS)
    )
    parts.append(
        RUN_LOOP.format(
            name="run_watch", params=", breakpoints", first=FIRST, check=BREAK_CHECK, blocks=""
        )
    )
    for reg, (getter, setter) in ACCESSORS.items():
        # Getters take the CPU as an ignored argument so that they serve as property getters
        # themselves: a register read is then one call (see `CPU.__init__`).
        parts.append(f"def reg_get_{reg}(_cpu=None):\n    return {getter}")
        parts.append(f"def reg_set_{reg}(value):\n    {setter}")
    # Every name a compiled block may use, so that each is a cell blocks can share.
    parts.append(f"def cell_owner():\n    return ({', '.join(sorted(SHARED))},)")
    inner = declare_cells("\n\n".join(parts))
    exports = ["step", "run_fast", "run_watch", "reset", "request_nmi", "request_abort"]
    exports.append("cell_owner")
    exports += [f"reg_{kind}_{reg}" for reg in ACCESSORS for kind in ("get", "set")]
    header = [
        "def make_core(cpu, bus_read, bus_write, ram, rh, wh, fh, blocks):",
        "    a = x = y = d = pc = pb = db = fn = fv = fd = fc = cyc = icount = kstate = 0",
        "    guard = 0",
        "    s = 0x1FF",
        "    e = fm = fx = fz = 1",
        "    fi = 4",
        "    ops = slow = bm = None",
        "    block_maps, cb, invalidate = blocks.maps, blocks.marks, blocks.invalidate",
        "    block_miss, suspect_all = blocks.miss, blocks.suspect_all",
        "    attn = irq = nmi_req = abort_req = stop_req = stopped = waiting = False",
    ]
    footer = []
    half = len(KEYS)
    for name, rows in (("tables", tables[:half]), ("inline_tables", tables[half:])):
        footer += [f"{name} = (", *(f"    ({', '.join(row)})," for row in rows), ")"]
    footer += ["select()", "return {" + ", ".join(f"{n!r}: {n}" for n in exports) + "}"]
    return "\n".join([*header, *_indent(inner.splitlines()), *_indent(footer)]) + "\n"


NAMESPACE: dict[str, Any] = {
    "VECTORS": VECTORS,
    "RESET_VECTOR": RESET_VECTOR,
    "BLOCK_CYCLES": BLOCK_CYCLES,
    # A branch's offset byte as a number from -128 to 127: one lookup instead of three
    # operations on the taken path.
    "SIGNED": (*range(128), *range(-128, 0)),
    # Pure functions of their arguments, and a decimal loop meets the same few operands again
    # and again: a bounded cache makes decimal ADC/SBC about five times cheaper.
    "add_decimal": lru_cache(maxsize=1 << 16)(add_decimal),
    "subtract_decimal": lru_cache(maxsize=1 << 16)(subtract_decimal),
}
"""The globals of the generated core and of its compiled blocks."""


GENERATOR_FILES = (
    *sorted(Path(__file__).parent.glob("*.py")),
    *(Path(__file__).parent.parent / name for name in ("__init__.py", "isa.py", "widths.py")),
)
"""Every file `generate()` depends on (the CPU package, the opcode table, the widths
record): the key of the compiled core in the per-user cache, so that a process that finds
it there does not generate the source (tests/test_cpu_code_cache.py checks the list)."""


def _compile() -> Callable[..., dict[str, Any]]:
    code = compile_cached(generate, "<w65tool.cpu generated core>", GENERATOR_FILES)
    exec(code, NAMESPACE)
    return NAMESPACE["make_core"]


make_core = _compile()
"""make_core(cpu, bus_read, bus_write, ram, rh, wh, fh, blocks) -> dict of the core's functions."""

_NAMES = tuple(sorted(SHARED))
_OUTER = "def outer():\n    " + " = ".join(_NAMES) + " = None\n"


@lru_cache(maxsize=4096)
def _block_code(source: str) -> types.CodeType:
    """Compile a block's source as a function whose free variables are core cells."""
    inner = declare_cells(source)
    text = _OUTER + "\n".join("    " + line for line in inner.splitlines()) + "\n    return blk\n"
    scope: dict[str, Any] = {}
    exec(compile(text, "<w65tool.cpu block>", "exec"), scope)
    return scope["outer"]().__code__


def block_compiler(cell_owner: Callable[[], Any]) -> Callable[[str], Callable[[], None]]:
    """Block source -> function sharing the cells of the core `cell_owner` belongs to."""
    cells = dict(zip(cell_owner.__code__.co_freevars, cell_owner.__closure__ or (), strict=True))

    def make(source: str) -> Callable[[], None]:
        code = _block_code(source)
        closure = tuple(cells[name] for name in code.co_freevars)
        return types.FunctionType(code, NAMESPACE, "blk", None, closure)

    return make

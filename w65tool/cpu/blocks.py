"""Compiled blocks: straight-line runs of instructions in one RAM page as one Python function.

Where the run loop keeps coming back to the same address, `BlockCache` decodes the
instructions from there to the first one that jumps, calls, returns, changes the widths or
the interrupt mask (which it includes), or that must run alone (BRK, COP, WDM, WAI, STP,
block moves), at most `MAX_INSTRUCTIONS`, all within one 256-byte page. A conditional branch
does not end a block: not taken, the block goes on; taken, it skips ahead inside the block
when its (constant) target is an instruction further on (the skipped instructions run under
`if not taken:`, branches nested), and leaves the block at the target otherwise. JMP, JSR,
BRA and BRL to a constant address of the same page not yet in the block do not end it
either: the block goes on there, in a new piece (a call's pushes included). A call, jump or
return that leaves the block does not end it when a conditional branch of the block lands
right after it (a test's `beq ok / jsr error / ok:`); PLP, CLI, TCD and PLD stay inside
blocks, which stop right after them when they unmask a held IRQ line, change the widths or
make D zero or not (the tables for D = 0 differ). It joins
the handlers (the same generated text `step()` runs) into one function with the operand
bytes as constants: one call instead of one dispatch per instruction, and no operand
fetches.

The block behaves as its instructions run one by one would: registers, memory, cycles and
`icount` are exact at its end. An access that goes through the bus (I/O, unmapped space)
sees `cyc` current, and the block returns right after that instruction, so the run loop sees
a raised IRQ line, a stop request or a remapped page before the next one; so does a write to
a byte of any compiled block (`marks`), which drops every block of that page first. Memory
changed from outside the core (a loader, a test, a `wdm_hook`) is caught by `suspect_all()`,
which `run()` calls on entry and WDM after its hook: each block is then checked against the
bytes it was compiled from the first time it is reached again; a block dropped because its
own bytes were written backs off (`MAX_BACKOFF`). A block that ends in a branch
back to its own start (a tight loop), taken mid-block or at its end, runs the block again at
once, under the run loop's own conditions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import cache, lru_cache
from typing import Any

from w65tool.cpu.access import KEYS
from w65tool.cpu.families import BRANCH_TAKEN, handler_body
from w65tool.isa import OPCODES

MAX_INSTRUCTIONS = 16
BLOCK_CYCLES = 256
"""More than any block can take (16 instructions of at most 9 cycles): the run loop enters
blocks only while this many cycles remain, so a run still ends at the first instruction
boundary at or past its limit."""
HOT = 255
"""Times the run loop reaches an address (one instruction at a time) before a block is
compiled from it; at most 255, as the count is a byte (`BlockCache.heat`). Compiling a block
costs about as much as running its instructions a few hundred times one by one, so code that
runs only a few dozen times (a test program's many short sections) is not worth it; a loop
that runs on soon pays it back (docs/performance.md)."""
MAX_BACKOFF = 12
"""Each time a block is dropped because its code was written, its address must be reached
twice as often again before it is compiled anew, up to HOT << MAX_BACKOFF times: code that
rewrites itself on every pass (an operand patched before each call) soon runs uncompiled
instead of being compiled again and again."""

ALONE = frozenset({"brk", "cop", "wdm", "wai", "stp", "mvn", "mvp"})
BRANCHES = frozenset({"bcc", "bcs", "beq", "bne", "bmi", "bpl", "bvc", "bvs", "bra", "brl"})
CONDITIONAL = frozenset(BRANCH_TAKEN) - {"bra"}
INLINE = tuple(replace(w, inline=True) for w in KEYS)

# A handler line naming one of these changes the flow, the widths or the interrupt mask.
ENDS_BLOCK = re.compile(r"\b(?:pc|set_p|exchange_ce|attn|select|cyc|return)\b")
# PLP and CLI may unmask a held IRQ line (raising `attn`), PLP may change the widths and TCD
# and PLD whether D is zero (the tables then change, and `kstate`): they run inside a block,
# which stops right after them when that happened (`CHECKED_EXIT`), and goes on in the same
# state otherwise.
CHECKED = frozenset({"plp", "cli", "tcd", "pld"})
ENDS_CHECKED_BLOCK = re.compile(r"\b(?:pc|exchange_ce|cyc|return)\b")
CHECKED_EXIT = "if attn or kstate != {k}: bail = 1"
OPERAND = re.compile(r"ram\[t \+ (\d)\]")
READ = re.compile(r"^(\s*)(\w+) = bus_read\((\w+)\) if rh\[(\3 >> 8|\d+)\] else ram\[\3\]$")
BUS_WRITE = re.compile(r"^(\s*)bus_write\(")
INVALIDATE = re.compile(r"^(\s*)invalidate\(")
RETURN = re.compile(r"^(\s*)return (.+)$")
CONSTANT_OPERAND = re.compile(r"^([ov]) = ([\d |<]+)$")
# The cycle a direct-page access adds when DL != 0 (access.dl_cycle), in a handler's return.
DL_ONLY = re.compile(r"^(\d+) if d & 0xFF else (\d+)$")
DL_TERM = " + (1 if d & 0xFF else 0)"
WRITES_D = re.compile(r"(?:^|[;\s])d = ")


@cache
def _handler(code: int, k: int) -> tuple[str, tuple[str, ...]]:
    """(kind, body lines) of opcode `code` in inline width state `k`: kind is "alone",
    "inner" (may run mid-block: falls through to `pc += size`, `return cycles`), "branch"
    (a conditional branch: the block leaves it when taken, goes on when not) or "last"."""
    op = OPCODES[code]
    body = tuple(handler_body(op, INLINE[k]))
    if op.mnemonic in ALONE:
        return "alone", body
    if op.mnemonic in CONDITIONAL:
        return "branch", body
    size = op.length(INLINE[k].widths.m8, INLINE[k].widths.x8)
    inner = len(body) >= 2 and body[-2] == f"pc += {size}" and RETURN.match(body[-1]) is not None
    ends = ENDS_CHECKED_BLOCK if op.mnemonic in CHECKED else ENDS_BLOCK
    inner = inner and not any(ends.search(line) for line in body[:-2])
    return ("inner" if inner else "last"), body


def branch_target(address: int, offset: int) -> int:
    """Where a two-byte branch at 24-bit `address` with offset byte `offset` goes, in its
    bank."""
    return (address & 0xFF0000) | ((address + 2 + offset - ((offset & 0x80) << 1)) & 0xFFFF)


def jump_target(code: bytes, address: int, k: int) -> tuple[int, int] | None:
    """(target, cycles) of an instruction at `address` that goes to a constant address in
    its bank (JMP abs, JSR abs, BRA, BRL), else None; `code` holds the instruction's bytes."""
    w = INLINE[k]
    op = code[0]
    if op in (0x4C, 0x20):  # jmp abs, jsr abs
        return code[1] | code[2] << 8, 3 if op == 0x4C else 6
    if op == 0x80:  # bra
        after = (address + 2) & 0xFFFF
        target = branch_target(address, code[1]) & 0xFFFF
        return target, 4 if w.widths.emulation and (target ^ after) > 0xFF else 3
    if op == 0x82:  # brl
        return (address + 3 + (code[1] | code[2] << 8)) & 0xFFFF, 4
    return None


def scan(ram: bytearray, t: int, k: int) -> tuple[tuple[tuple[int, int], ...], int]:
    """The pieces (start, end address) and the instruction count of the block starting at
    `t` in width state `k`. A jump, call or branch always taken to a constant address of the
    same page not yet in the block goes on there, in a new piece. An instruction that leaves
    the block (a call elsewhere, a return) does not end it when an earlier conditional branch
    of the block lands right after it (`beq ok / jsr error / ok:`): the block goes on there."""
    w = INLINE[k]
    pieces: list[tuple[int, int]] = []
    begin = address = t
    count = 0
    seen: set[int] = set()
    landings: set[int] = set()  # where the block's forward branches go
    while count < MAX_INSTRUCTIONS and (address & 0xFF) <= 0xFB:
        code = ram[address]
        kind, _ = _handler(code, k)
        if kind == "alone":
            break
        size = OPCODES[code].length(w.widths.m8, w.widths.x8)
        seen.add(address)
        count += 1
        if kind == "branch":
            landings.add(branch_target(address, ram[address + 1]))
        elif kind == "last":
            jump = jump_target(bytes(ram[address : address + size]), address, k)
            address += size
            following = (t & 0xFF0000) | jump[0] if jump else -1
            if following >> 8 != t >> 8 or following in seen:
                if address in landings:
                    continue
                break
            pieces.append((begin, address))
            begin = address = following
            continue
        address += size
    if address > begin:
        pieces.append((begin, address))
    return tuple(pieces), count


def _fold_operand(lines: list[str]) -> list[str]:
    """An operand made of constant bytes (`o = 52 | 18 << 8`, `v = 7`) written into the lines
    that use it, instead of a variable, unless they assign the variable again."""
    if not lines or not (match := CONSTANT_OPERAND.match(lines[0])):
        return lines
    name, value = match[1], str(eval(match[2], {"__builtins__": {}}))  # digits, | and <<
    assigns = re.compile(rf"^\s*{name}\s*(?:[-+&|^]|<<|>>)?=[^=]|\b{name} = ")
    if any(assigns.search(line) for line in lines[1:]):
        return lines
    uses = re.compile(rf"\b{name}\b")
    return [uses.sub(value, line) for line in lines[1:]]


def _accesses(lines: list[str], now: str) -> list[str]:
    """Bus accesses set `cyc` to `now` (the instruction's first cycle) and ask the block to
    end after this instruction, as does a write into compiled code."""
    out: list[str] = []
    for line in lines:
        if match := READ.match(line):
            pad, var, m, page = match.groups()
            out += [
                f"{pad}if rh[{page}]:",
                f"{pad}    cyc = {now}; bail = 1",
                f"{pad}    {var} = bus_read({m})",
                f"{pad}else:",
                f"{pad}    {var} = ram[{m}]",
            ]
        elif match := BUS_WRITE.match(line):
            out += [f"{match[1]}cyc = {now}; bail = 1", line]
        elif match := INVALIDATE.match(line):
            out += [line, f"{match[1]}bail = 1"]
        else:
            out.append(line)
    return out


@lru_cache(maxsize=2048)  # the same code in another core (a reset, a test) is not rewritten
def block_source(pieces: tuple[tuple[int, bytes], ...], t: int, k: int) -> str:
    """The source of `blk()`, the block at `t` in state `k` made of `pieces`: (address,
    instruction bytes) each, the next piece starting where the previous one's last
    instruction jumps to."""
    w = INLINE[k]
    decoded = []  # (address, opcode row, kind, body with the operands as constants, piece)
    landings = set()  # where a forward branch may land inside the block: (piece, address)
    for piece, (begin, code) in enumerate(pieces):
        offset = 0
        while offset < len(code):
            op = OPCODES[code[offset]]
            kind, body = _handler(op.code, k)
            operands = code[offset : offset + op.length(w.widths.m8, w.widths.x8)]
            text = [OPERAND.sub(lambda m, b=operands: str(b[int(m[1])]), line) for line in body]
            if kind == "inner":
                text = _fold_operand(text)
            decoded.append((begin + offset, op, kind, text, operands, piece))
            landings.add((piece, begin + offset))
            offset += len(operands)
    # the end of the block, too, when it does not end in a jump, call or return
    final, (begin, code) = len(pieces) - 1, pieces[-1]
    if decoded[-1][2] != "last":
        landings.add((final, begin + len(code)))
    start = t & 0xFFFF
    bank = t & 0xFF0000
    lines = ["c0 = cyc"]
    static = count = 0
    # In a block that never writes D, DL is tested once on entry (`dl`) and each direct-page
    # access counts (`dps`) instead of testing it: the time is `c0 + static + dyn + dl * dps`.
    hoist = not any(WRITES_D.search(line) for entry in decoded for line in entry[3])
    dps = 0

    def clock(base: int | str) -> str:
        return f"c0 + {base} + dyn" + (f" + dl * {dps}" if dps else "")

    looping = False
    pad = ""
    # Forward branches to a landing inside the block, nested: the instructions they jump
    # over run under `if not taken:`, and the taken path (`else:`) takes back the cycles (off
    # `c0`) and instructions (into `dn`) they would have counted. Each is (landing; static,
    # count and dps after the branch; pad of its `if`; cycles when taken).
    skips: list[tuple[int, int, int, int, str, int]] = []

    # `dn`: the instructions a taken skip jumped over, taken off the count at the exits
    # (not off `icount` itself, which a bus hook may read while the block runs).
    minus = ""

    def land(address: int) -> None:
        nonlocal pad, minus
        while skips and skips[-1][0] == address:
            _, after_static, after_count, after_dps, pad, taken = skips.pop()
            lines.append(f"{pad}else:")
            lines.append(f"{pad}    c0 += {taken - 2 - (static - after_static)}")
            if dps > after_dps:
                lines.append(f"{pad}    c0 -= dl * {dps - after_dps}")
            lines.append(f"{pad}    dn += {count - after_count}")
            minus = " - dn"

    def leave(target: int, cycles: str) -> None:
        """Leave the block for `target` (16 bits), `cycles` after the instruction's start;
        at the block's own start, run it again at once, as the run loop would: while no
        interrupt or stop is pending (`attn`) and a whole block still fits before the
        limit (`guard`, set by run())."""
        nonlocal looping
        lines.append(f"{pad}pc = {target}; cyc = {clock(cycles)}; icount += {count}{minus}")
        if target == start:
            lines.extend([f"{pad}if not attn and cyc < guard:", f"{pad}    continue"])
            looping = True
        lines.append(f"{pad}return")

    for n, (address, op, kind, text, operands, piece) in enumerate(decoded):
        land(address)
        size = len(operands)
        count += 1
        now = clock(static)
        jump = jump_target(operands, address, k) if kind == "last" else None
        if kind == "inner":
            accesses = _accesses(text[:-2], now)
            if op.mnemonic in CHECKED:
                accesses.append(CHECKED_EXIT.format(k=k))
            lines += [pad + line for line in accesses]
            cycles = RETURN.match(text[-1])[2]  # type: ignore[index]
            if hoist and (split := DL_ONLY.match(cycles)) and int(split[1]) == int(split[2]) + 1:
                static += int(split[2])
                dps += 1
            elif hoist and cycles.endswith(DL_TERM):
                lines.append(f"{pad}dyn += {cycles.removesuffix(DL_TERM)}")
                dps += 1
            elif cycles.isdigit():
                static += int(cycles)
            else:
                lines.append(f"{pad}dyn += {cycles}")
            if any("bail = 1" in line for line in accesses):
                after = f"cyc = {clock(static)}; icount += {count}{minus}; return"
                lines += [f"{pad}if bail:", f"{pad}    pc = {(address + size) & 0xFFFF}; {after}"]
        elif kind == "branch":
            # The target is a constant. Taken: to a landing further on in the block's piece
            # (within the innermost skip), the block skips to it; to anywhere else, it leaves
            # there. Not taken (2 cycles), the block goes on.
            after = (address + 2) & 0xFFFF
            target = branch_target(address, operands[1]) & 0xFFFF
            taken = 4 if w.widths.emulation and (target ^ after) > 0xFF else 3
            condition = BRANCH_TAKEN[op.mnemonic]
            landing = bank | target
            static += 2
            inside = (piece, landing) in landings and landing > address
            if inside and (not skips or landing <= skips[-1][0]):
                if landing == address + 2:  # a branch to the next instruction
                    lines.append(f"{pad}if {condition}:")
                    lines.append(f"{pad}    c0 += {taken - 2}")
                else:
                    skips.append((landing, static, count, dps, pad, taken))
                    skipped = condition[4:] if condition.startswith("not ") else f"not {condition}"
                    lines.append(f"{pad}if {skipped}:")
                    pad += "    "
                continue
            lines.append(f"{pad}if {condition}:")
            pad += "    "
            leave(target, str(static - 2 + taken))
            pad = pad[:-4]
        elif jump is not None:
            # JMP, JSR, BRA, BRL to a constant: JSR's pushes, then on in the next piece, or
            # out of the block (when it is the last, or the next instruction follows it in
            # its piece: a landing of a branch that skips it).
            target, cycles = jump
            if op.mnemonic == "jsr":
                pushes = [re.sub(r"\bpc\b", str(address & 0xFFFF), line) for line in text[1:-2]]
                accesses = _accesses(pushes, now)
                lines += [pad + line for line in accesses]
                if any("bail = 1" in line for line in accesses):
                    after = f"cyc = {clock(static + cycles)}; icount += {count}{minus}"
                    after += "; return"
                    lines += [f"{pad}if bail:", f"{pad}    pc = {target}; {after}"]
            static += cycles
            if n + 1 == len(decoded) or decoded[n + 1][5] == piece:
                leave(target, str(static))
        else:  # an instruction that leaves: PC and the returns as the handler has them
            lines.append(f"{pad}pc = {address & 0xFFFF}")
            # a branch back to the block's start (a loop) runs the block again, as above
            again = op.mnemonic in BRANCHES
            for line in _accesses(text, now):
                if match := RETURN.match(line):
                    indent, cycles = match.groups()
                    exit_lines = [f"{indent}cyc = {now} + ({cycles}); icount += {count}{minus}"]
                    if again:
                        loop = f"pc == {start} and not attn and cyc < guard"
                        exit_lines += [f"{indent}if {loop}:", f"{indent}    continue"]
                    exit_lines.append(f"{indent}return")
                    lines += [pad + part for part in exit_lines]
                else:
                    lines.append(pad + line)
            looping = looping or again
            if n + 1 == len(decoded):
                break
    else:
        if jump is None:
            land(bank | ((pieces[-1][0] + len(pieces[-1][1])) & 0xFFFF))
            lines += [f"pc = {(pieces[-1][0] + len(pieces[-1][1])) & 0xFFFF}"]
            lines += [f"cyc = {clock(static)}", f"icount += {count}{minus}"]
            if looping:
                lines.append("return")
    source = "\n".join(lines)
    # the cycles that depend on the data (page crossings, DL, branches) add up in `dyn`
    source = "dyn = 0\n" + source if "dyn +=" in source else source.replace(" + dyn", "")
    if "bail = 1" in source:
        source = "bail = 0\n" + source
    if "dl * " in source:
        source = "dl = 1 if d & 0xFF else 0\n" + source
    if "dn +=" in source:
        source = "dn = 0\n" + source
    if looping:
        source = "while True:\n" + "\n".join("    " + line for line in source.splitlines())
    return "def blk():\n" + "\n".join("    " + line for line in source.splitlines())


class BlockCache:
    """The compiled blocks of one core, by width state and start address.

    `maps[k]` is what the run loop looks at (the kernel swaps it with the dispatch table):
    address -> block function, or False where no block of two or more instructions starts.
    `marks` flags every byte compiled into a block; the kernel's writes call `invalidate`
    when they store to one. `heat` counts the run loop's visits to each address without a
    block, up to `hot`, by its 16 bits (the banks share the counts: 64 KiB, not 16 MiB, for
    a trigger that `miss` checks anyway); from there the run loop asks `miss`.
    """

    def __init__(self, ram: bytearray) -> None:
        self.ram = ram
        self.marks = bytearray(len(ram))
        self.heat = bytearray(0x10000)
        self.hot = HOT
        """This cache's `HOT` (the test suite's short programs use a lower one)."""
        self.maps: tuple[dict[int, Any], ...] = tuple({} for _ in KEYS)
        self._suspects: tuple[dict[int, Any], ...] = tuple({} for _ in KEYS)
        self._code: dict[tuple[int, int], tuple[tuple[int, bytes], ...]] = {}
        self._pages: dict[int, set[tuple[int, int]]] = {}
        self._rounds: dict[int, int] = {}  # k << 24 | t -> times it got hot, backing off
        self._dropped: dict[int, int] = {}  # k << 24 | t -> times its block was written over
        self._compile: Callable[[str], Callable[[], None]] | None = None

    def bind(self, compile_block: Callable[[str], Callable[[], None]]) -> None:
        """Give the cache the core's compiler: block source -> function over its cells."""
        self._compile = compile_block

    def miss(self, t: int, k: int) -> Any:
        """The block at `t` for the run loop, once `t` is hot (`heat`) and `maps[k]` has
        none: a suspect block still matching memory, else a new one, unless `t` is backing
        off; None: run one instruction."""
        self.heat[t & 0xFFFF] = 0
        block = self._suspects[k].pop(t, None)
        if block is not None:
            ram = self.ram
            if all(ram[a : a + len(code)] == code for a, code in self._code[k, t]):
                self.maps[k][t] = block
                return block
        key = k << 24 | t
        rounds = self._rounds.get(key, 0) + 1
        if rounds < 1 << self._dropped.get(key, 0):
            self._rounds[key] = rounds
            return None
        self._rounds.pop(key, None)
        block = self._build(t, k)
        self.maps[k][t] = block
        return block

    def _build(self, t: int, k: int) -> Any:
        spans, count = scan(self.ram, t, k)
        if count < 2:
            return False
        assert self._compile is not None
        pieces = tuple((a, bytes(self.ram[a:end])) for a, end in spans)
        block = self._compile(block_source(pieces, t, k))
        self._code[k, t] = pieces
        self._pages.setdefault(t >> 8, set()).add((k, t))  # every piece lies in that page
        for a, end in spans:
            self.marks[a:end] = b"\x01" * (end - a)
        return block

    def invalidate(self, address: int) -> None:
        """A byte of compiled code was written: forget every block of its page."""
        page = address >> 8
        for k, t in self._pages.pop(page, ()):
            self.heat[t & 0xFFFF] = 0
            self.maps[k].pop(t, None)
            self._suspects[k].pop(t, None)
            pieces = self._code.pop((k, t), ())
            if any(a <= address < a + len(code) for a, code in pieces):  # its own bytes
                key = k << 24 | t
                self._dropped[key] = min(self._dropped.get(key, 0) + 1, MAX_BACKOFF)
        self.marks[page << 8 : (page + 1) << 8] = bytes(256)

    def suspect_all(self) -> None:
        """Memory may have changed behind the core's back: check each block before its
        next use."""
        heat = self.heat
        for live, suspects in zip(self.maps, self._suspects, strict=True):
            if live:
                for t, block in live.items():
                    if block:
                        suspects[t] = block
                        heat[t & 0xFFFF] = self.hot  # the next visit asks `miss`, which checks it
                live.clear()

"""How the 65C816 reaches memory, stated once, as Python source snippets.

The core is generated (see `kernel.py`): each handler is straight-line Python built from the
snippets here. Every wrap-around rule of the chip lives in exactly one function of this module:
program-counter fetches wrap within the program bank, direct page and stack live in bank 0,
emulation mode keeps the stack in page 1 and, when DL = 0, the direct page within its page;
data-bank and long addresses carry into the next bank and wrap at 16 MiB.

Names the snippets use (cells of the generated closure): `ram`, `rh`/`wh` (per-page hook flags),
`bus_read`/`bus_write`, `cb`/`invalidate` (the bytes of compiled blocks), the registers
`a x y s d pc`, `pb`/`db` (PBR/DBR shifted left 16), the handler's argument `t` (the 24-bit
address of its opcode) and the temporary `m` (the address of the access being made).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from w65tool.widths import Widths


@dataclass(frozen=True, slots=True)
class HandlerKey:
    """What a handler is specialised for: register widths and mode, and where its bytes are."""

    widths: Widths  # the record the disassembler decodes with too
    # The whole instruction lies in one unhooked page and not at the end of its bank: the
    # operand bytes are read straight from RAM after the opcode at `t`, and PC needs no wrap.
    # The run loop checks this once per instruction and picks the matching table.
    inline: bool = False
    # D = 0 (as in nearly all 6502 code): a direct-page address is the operand itself (plus
    # an index) and no access takes DL's extra cycle. TCD, PLD and register writes that
    # change whether D is zero swap the tables, as width changes do.
    direct_zero: bool = False

    @property
    def tag(self) -> str:
        """Short name used in generated function names."""
        r = self.widths
        tag = "e" if r.emulation else ("m8" if r.m8 else "m16") + ("x8" if r.x8 else "x16")
        return tag + ("_d0" if self.direct_zero else "") + ("_i" if self.inline else "")


STATES: tuple[HandlerKey, ...] = (
    HandlerKey(Widths(True, True, True)),
    HandlerKey(Widths(True, True)),
    HandlerKey(Widths(True, False)),
    HandlerKey(Widths(False, True)),
    HandlerKey(Widths(False, False)),
)
"""The five width states: emulation, then native M/X = 8/8, 8/16, 16/8, 16/16."""

KEYS: tuple[HandlerKey, ...] = STATES + tuple(replace(w, direct_zero=True) for w in STATES)
"""The ten dispatch tables (`kstate` indexes them): the five width states with any D, then
the same with D = 0."""
DIRECT_ZERO_FROM = len(STATES)
"""The first `kstate` whose tables are those for D = 0."""


def _address(addr: str) -> tuple[list[str], str]:
    """Evaluate `addr` once: a plain name is used as it is, anything else goes into `m`."""
    if addr.isidentifier():
        return [], addr
    return [f"m = {addr}"], "m"


def read(var: str, addr: str, page: str = "") -> list[str]:
    """Read the byte at 24-bit `addr` into `var`: RAM directly unless the page is hooked
    (`page`: the page's number when it is known, as the stack's in emulation mode)."""
    lines, m = _address(addr)
    return [*lines, f"{var} = bus_read({m}) if rh[{page or m + ' >> 8'}] else ram[{m}]"]


def write(addr: str, value: str, page: str = "") -> list[str]:
    """Write byte `value` to 24-bit `addr`: RAM directly unless the page is hooked (`page`
    as for `read`).

    A RAM byte that belongs to a compiled block (`cb`, see `blocks.py`) drops the blocks of
    its page, so code that rewrites itself runs as written."""
    lines, m = _address(addr)
    return [
        *lines,
        f"if wh[{page or m + ' >> 8'}]:",
        f"    bus_write({m}, {value})",
        "else:",
        f"    ram[{m}] = {value}",
        f"    if cb[{m}]:",
        f"        invalidate({m})",
    ]


def fetch_byte(var: str, k: int, w: HandlerKey) -> list[str]:
    """Operand byte `k` (1 = the byte after the opcode) into `var`.

    The program counter wraps within its bank: an instruction at $xxFFFF takes its operand
    from $xx0000.
    """
    if w.inline:
        return [f"{var} = ram[t + {k}]"]
    return read(var, f"pb | ((pc + {k}) & 0xFFFF)")


def fetch(var: str, size: int, w: HandlerKey) -> list[str]:
    """The `size` operand bytes after the opcode, little-endian, into `var`."""
    if w.inline:
        shifted = [f"(ram[t + {k + 1}] << {8 * k})" for k in range(1, size)]
        return [" + ".join([f"{var} = ram[t + 1]", *shifted])]
    lines = fetch_byte(var, 1, w)
    for k in range(2, size + 1):
        lines += [*fetch_byte("u", k, w), f"{var} += u << {8 * (k - 1)}"]
    return lines


def advance(size: int, w: HandlerKey) -> str:
    """Move PC past an instruction of `size` bytes (within the bank)."""
    return f"pc += {size}" if w.inline else f"pc = (pc + {size}) & 0xFFFF"


def direct(offset: str, w: HandlerKey) -> str:
    """Bank-0 address of direct-page byte `offset` (operand, maybe plus an index).

    Native mode: D + offset wraps at 64 KiB. Emulation mode with DL = 0: the direct page is a
    6502 zero page and offset wraps within it; with DL != 0 it behaves as in native mode.
    """
    if w.direct_zero:  # D = 0: the zero page (emulation mode) or the first 64 KiB
        wrap = "0xFF" if w.widths.emulation else "0xFFFF"
        return offset if offset == "o" else f"(({offset}) & {wrap})"
    # a lone operand byte never leaves the page when DL = 0
    if w.widths.emulation and offset != "o":
        return f"((d | (({offset}) & 0xFF)) if not d & 0xFF else ((d + {offset}) & 0xFFFF))"
    return f"((d + {offset}) & 0xFFFF)"


def direct_page(offset: str, w: HandlerKey) -> str:
    """The page of `direct(offset, w)` when it is known to be page 0 ("0", for `read` and
    `write`: no shift to find it), else ""."""
    known = w.direct_zero and (w.widths.emulation or offset == "o")
    return "0" if known else ""


def direct_x_pointer_high(low: str, w: HandlerKey) -> str:
    """Bank-0 address of the high byte of a `(dp,X)` pointer whose low byte is at `low`.

    Emulation mode with DL != 0: the chip takes the high byte from the low byte's page (a
    pointer at $02FF has its high byte at $0200). With DL = 0 the whole direct page wraps
    anyway, and in native mode the pointer's two bytes are consecutive in bank 0.
    """
    if w.widths.emulation:
        if w.direct_zero:  # the low byte is in page 0
            return f"((({low}) + 1) & 0xFF)"
        return f"(({low}) & 0xFF00) | ((({low}) + 1) & 0xFF)"
    return f"((({low}) + 1) & 0xFFFF)"


def direct_new(offset: str, w: HandlerKey) -> str:
    """Direct-page address for the 65816's own modes ([dp], PEI): never wraps within a page."""
    return f"(({offset}) & 0xFFFF)" if w.direct_zero else f"((d + {offset}) & 0xFFFF)"


def dl_cycle(w: HandlerKey) -> list[str]:
    """The cycle terms of a direct-page access: when the low byte of D is not zero, every
    one takes one more cycle (never with D = 0)."""
    return [] if w.direct_zero else ["d & 0xFF"]


def push(value: str, w: HandlerKey) -> list[str]:
    """Push a byte. Emulation mode: S stays in page 1."""
    if w.widths.emulation:
        return [*write("s", value, page="1"), "s = s - 1 if s > 0x100 else 0x1FF"]
    return [*write("s", value), "s = s - 1 if s else 0xFFFF"]


def pull(var: str, w: HandlerKey) -> list[str]:
    """Pull a byte. Emulation mode: S stays in page 1."""
    if w.widths.emulation:
        return ["s = s + 1 if s < 0x1FF else 0x100", *read(var, "s", page="1")]
    return ["s = s + 1 if s < 0xFFFF else 0", *read(var, "s")]


def push_new(value: str) -> list[str]:
    """Push for the 65816's own stack instructions (PEA, PEI, PER, PHD, JSL, ...).

    They use the full 16-bit S even in emulation mode, so they may leave page 1 during the
    instruction; `fix_stack` puts S back in page 1 at its end.
    """
    return [*write("s", value), "s = (s - 1) & 0xFFFF"]


def pull_new(var: str) -> list[str]:
    """Pull for the 65816's own stack instructions (PLD, RTL): 16-bit S, see `push_new`."""
    return ["s = (s + 1) & 0xFFFF", *read(var, "s")]


def fix_stack(w: HandlerKey) -> list[str]:
    """After a `push_new`/`pull_new` instruction in emulation mode, S returns to page 1."""
    return ["s = 0x100 | (s & 0xFF)"] if w.widths.emulation else []


def index_cycle(base: str, index: str, w: HandlerKey) -> str:
    """The condition of the extra cycle of an indexed read: always with 16-bit index
    registers, else when adding the index crosses a page ("1": unconditional)."""
    if not w.widths.x8:
        return "1"
    return f"({base} ^ ({base} + {index})) > 0xFF"

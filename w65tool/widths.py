"""Register widths: their one record, and what is known of M, X and E at each instruction.

`Widths(m8, x8, emulation)` is the record of known widths and mode: the disassembler decodes
with it (as `disasm.State`) and the CPU's generated handlers are specialised for it
(`cpu.access.HandlerKey`).

The one model of how instructions change the widths: the assembler follows it to size each
immediate, and the disassembler to decode one, so both read the same bytes the same way.
A `Tracked` state is a tuple `(m, m_at, x, x_at, e, c)`: `m` and `x` are 8, 16 or None (unknown),
`m_at`/`x_at` the index of the line that set them (-1: the start or --default-width), `e` the
emulation flag and `c` the carry (0, 1 or None), tracked so that `clc`/`sec` + `xce` can be
followed. Tuples compare and hash cheaply, which the passes rely on.
"""

from __future__ import annotations


class Widths:
    """Known register widths and mode: 8-bit A and memory (`m8`), 8-bit X and Y (`x8`),
    emulation mode (`emulation`, which allows only 8-bit registers). Immutable and hashable.

    Written by hand rather than as a dataclass: the assembler imports this module, and its
    start-up loads neither `dataclasses` nor `inspect` (`tests/test_asm_startup.py`).
    """

    __slots__ = ("emulation", "m8", "x8")

    m8: bool
    x8: bool
    emulation: bool

    def __init__(self, m8: bool = True, x8: bool = True, emulation: bool = False) -> None:
        if emulation and not (m8 and x8):
            raise ValueError("emulation mode has 8-bit registers only")
        set_field = object.__setattr__
        set_field(self, "m8", m8)
        set_field(self, "x8", x8)
        set_field(self, "emulation", emulation)

    @classmethod
    def from_status(cls, p: int, e: int | None) -> Widths:
        """The widths status register `p` and emulation flag `e` give: in emulation mode both
        registers are 8-bit whatever P holds; `e` None (a target that cannot tell) reads as
        native mode."""
        return cls(bool(e or p & 0x20), bool(e or p & 0x10), bool(e))

    def _fields(self) -> tuple[bool, bool, bool]:
        return (self.m8, self.x8, self.emulation)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Widths is immutable: cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Widths is immutable: cannot delete {name}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not Widths:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"Widths(m8={self.m8!r}, x8={self.x8!r}, emulation={self.emulation!r})"

    def __reduce__(self) -> tuple[type[Widths], tuple[bool, bool, bool]]:
        # copy and pickle rebuild through __init__, as __setattr__ refuses
        return (Widths, self._fields())


# A tracking state (see above): unlike `Widths`, it may not know a width, and holds the carry.
Tracked = tuple[int | None, int, int | None, int, int | None, int | None]

M, M_AT, X, X_AT, E, C = range(6)

# Instructions after which the next one is not reached by falling through.
NO_FALL_THROUGH = frozenset({"jmp", "jml", "bra", "brl", "rts", "rtl", "rti", "stp"})
# Instructions that change the carry (other than clc, sec, rep, sep and xce, handled apart);
# a subroutine may return anything in it.
CHANGES_CARRY = frozenset(
    {"adc", "sbc", "cmp", "cpx", "cpy", "asl", "lsr", "rol", "ror", "plp", "rti", "jsr", "jsl"}
)

# Every instruction `after` may change the state for: the rest leave it as it is.
CHANGES_STATE = CHANGES_CARRY | {"rep", "sep", "clc", "sec", "xce", "php"}


def start(default: int | None) -> Tracked:
    """The state at the top of a program: unknown, or --default-width for both registers."""
    return (default, -1, default, -1, None, None)


def known(widths: Widths) -> Tracked:
    """The tracking state of known `widths`, the carry unknown."""
    m = 8 if widths.m8 else 16
    x = 8 if widths.x8 else 16
    return (m, -1, x, -1, 1 if widths.emulation else 0, None)


def without_carry(state: Tracked) -> Tracked:
    """`state` with the carry unknown."""
    return (*state[:C], None)  # type: ignore[return-value]


def after(
    state: Tracked, mnemonic: str, value: int | None, at: int, stack: list[Tracked]
) -> Tracked:
    """The state after `mnemonic` (with its immediate `value`, if any) on line `at`.

    REP/SEP with a constant set or clear M (bit 5) and X (bit 4), in native mode; CLC/SEC set
    the carry; XCE swaps carry and E. XCE never makes M or X 16-bit: into emulation forces
    them to 8 bits, into native mode from emulation leaves them 8-bit, and native to native
    changes nothing. So a known 8-bit width stays known whatever the mode and carry; a 16-bit
    one stays only when the CPU is known to stay native. PHP and PLP save and restore the
    widths on `stack`.
    """
    m, m_at, x, x_at, e, c = state
    if mnemonic == "rep" or mnemonic == "sep":
        if value is None:
            return (None, at, None, at, e, None)
        wide = mnemonic == "rep"
        if e != 1:
            if value & 0x20:
                m, m_at = (16 if wide else 8), at
            if value & 0x10:
                x, x_at = (16 if wide else 8), at
        if value & 0x01:
            c = 0 if wide else 1
        return (m, m_at, x, x_at, e, c)
    if mnemonic == "clc":
        return (m, m_at, x, x_at, e, 0)
    if mnemonic == "sec":
        return (m, m_at, x, x_at, e, 1)
    if mnemonic == "xce":
        if c == 1 or (c == 0 and e == 1):
            return (8, at, 8, at, c, e)
        if c == 0 and e == 0:
            return state
        # into native from an unknown mode, or an unknown carry: 16 bits may become 8
        if m != 8:
            m, m_at = None, at
        if x != 8:
            x, x_at = None, at
        return (m, m_at, x, x_at, 0 if c == 0 else None, e)
    if mnemonic == "php":
        stack.append(state)
        return state
    if mnemonic == "plp":
        if stack:
            saved = stack.pop()
            return (saved[M], saved[M_AT], saved[X], saved[X_AT], e, None)
        return (None, at, None, at, e, None)
    if mnemonic in CHANGES_CARRY:
        return (m, m_at, x, x_at, e, None)
    return state

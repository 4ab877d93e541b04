"""The peers' directives the passes run: segments (ca65 `.segment`, `.pushseg`/`.popseg`, WDC
sections), code assembled for another address than where it is placed (64tass
`.logical`/`.here`, ca65 `.org` inside a laid-out segment, `.reloc`), the peers' width
switches (ca65 `.smart`, 64tass `.autsiz`/`.mansiz`), 64tass's `.virtual` (addresses without
bytes: its structures' layouts) and ca65's `.assert`.

`Directives` is a base of `passes.Assembler`: its methods run on the assembler's state.
The program counter `pc` is the logical address (labels, `*`); bytes are placed at
`pc + phase`. A segment keeps its own counter; without a layout (`--cfg`), a segment seen
for the first time starts where the one before it (in order of first use) ended, as the
previous pass measured it, so the passes settle when those ends no longer move.
"""

from __future__ import annotations

from w65tool import widths
from w65tool.asm.expr import Sym, Text
from w65tool.asm.layout import Layout

# ca65's names for `.code` and the like; these and ZEROPAGE's type are ld65's defaults
SEGMENT_SHORTHANDS = {
    "code": "CODE",
    "rodata": "RODATA",
    "data": "DATA",
    "bss": "BSS",
    "zeropage": "ZEROPAGE",
}
_REP_SEP = frozenset({"rep", "sep"})
_BRANCH_OPCODES = {
    "bpl": 0x10,
    "bmi": 0x30,
    "bvc": 0x50,
    "bvs": 0x70,
    "bcc": 0x90,
    "bcs": 0xB0,
    "bne": 0xD0,
    "beq": 0xF0,
}
_OPPOSITE = {
    "bpl": "bmi",
    "bmi": "bpl",
    "bvc": "bvs",
    "bvs": "bvc",
    "bcc": "bcs",
    "bcs": "bcc",
    "bne": "beq",
    "beq": "bne",
}


class Directives:
    """Segment, phase, width-switch and assertion directives (a base of the assembler)."""

    layout: Layout | None = None

    def _start_segments(self) -> None:
        """Before each pass: no segment open, no phase; what the last pass measured kept."""
        self.segment: str | None = None
        self.seg_state: dict[str, tuple[int, int]] = {}  # name -> (pc, phase) when left
        self.seg_order: list[str] = []  # the segments outside the zero page, by first use
        self.seg_zp: dict[str, bool] = {}
        self.seg_start: dict[str, int] = {}
        self.seg_stack: list[str | None] = []
        self.outside = (0, 0)  # the counter and phase outside every segment, when left
        self.phase = 0
        self.phases: list[int] = []
        self.zp_segment = False
        # ca65: `.res` writes zeros, but in a bss or zero-page segment (ld65 writes the rest)
        self.res_fills = self.dialect.res_fills  # type: ignore[attr-defined]
        self.org_active = False  # ca65: an .org holds in this segment (labels are constants)
        self.seg_org: dict[str | None, bool] = {}
        self.smart = False
        self.virtuals: list[tuple[int, int]] = []  # (pc, phase) outside each open .virtual
        # bytes are counted, not placed: in a .virtual block, or a segment in a memory area
        # ld65 does not write (`file = ""`)
        self.virtual = False
        self.unwritten = False
        self.tracked = widths.CHANGES_STATE if self.dialect.auto_widths else frozenset()  # type: ignore[attr-defined]
        if not hasattr(self, "seg_ends"):
            self.seg_ends: dict[str, int] = {}
            self.seg_ends_before: dict[str, int] = {}

    def _end_segments(self) -> None:
        """After a pass: each segment's end, for the next pass's placing."""
        self._leave_segment()
        self.seg_ends_before = self.seg_ends
        self.seg_ends = {
            name: pc + phase - self.seg_start[name] for name, (pc, phase) in self.seg_state.items()
        }

    def _segments_settled(self) -> bool:
        return self.seg_ends == self.seg_ends_before

    def _leave_segment(self) -> None:
        self.seg_org[self.segment] = self.org_active
        if self.segment is not None:
            self.seg_state[self.segment] = (self.pc, self.phase)  # type: ignore[attr-defined]
        else:
            self.outside = (self.pc, self.phase)  # type: ignore[attr-defined]

    def _enter_segment(self, name: str, col: int, zeropage: bool = False) -> None:
        self._leave_segment()
        if self.first is not None:  # type: ignore[attr-defined]
            self.diverged = True  # placing depends on the sizes of the first pass
        seg = self.layout.segments.get(name) if self.layout is not None else None
        zp = self.seg_zp.get(name, False) or zeropage or name == "ZEROPAGE"
        if seg is not None:
            zp = seg.type == "zp"
        self.seg_zp[name] = zp
        self.zp_segment = zp
        bss = seg.type == "bss" if seg is not None else name == "BSS"
        area = self.layout.areas.get(seg.memory) if seg is not None else None  # type: ignore[union-attr]
        self.unwritten = area is not None and not area.written
        self.virtual = bool(self.virtuals) or self.unwritten
        self.res_fills = self.dialect.res_fills and not (zp or bss)  # type: ignore[attr-defined]
        # ca65 starts in CODE: an .org above the first `.segment "CODE"` holds in it
        outside = self.segment is None and name == "CODE" and name not in self.seg_org
        self.org_active = self.seg_org.get(name, self.org_active if outside else False)
        self.segment = name
        self.phases = []
        known = self.seg_state.get(name)
        if known is not None:
            self.pc, self.phase = known  # type: ignore[attr-defined]
            return
        if self.layout is not None:
            base = self.layout.base(name, self.seg_ends)
            if base is None:
                self._error(f"segment '{name}' is not in the memory layout (--cfg)", col)  # type: ignore[attr-defined]
                base = 0
        elif zp:
            base = 0  # without a layout, the zero page is the direct page at $0000
        elif self.seg_order:
            prev = self.seg_order[-1]  # follow the segment used before, its whole size
            base = self.seg_start[prev] + self.seg_ends.get(
                prev, self.seg_state[prev][0] + self.seg_state[prev][1] - self.seg_start[prev]
            )
        else:
            base = self.pc + self.phase  # type: ignore[attr-defined]
        if not zp:
            self.seg_order.append(name)
        self.seg_start[name] = base
        self.pc, self.phase = base, 0  # type: ignore[attr-defined]

    def _segment_name(self, st) -> str | None:
        if not self._args(st, 1, 2):  # type: ignore[attr-defined]
            return None
        arg = st.args[0]
        if not isinstance(arg, Text):
            self._error(f"'.{st.name}' takes the segment's name in quotes", st.col)  # type: ignore[attr-defined]
            return None
        if len(st.args) == 2:
            kind = st.args[1]
            if not (isinstance(kind, Sym) and kind.name.lower() in ("zeropage", "absolute")):
                self._error("a segment's address size is zeropage or absolute", st.arg_cols[1])  # type: ignore[attr-defined]
                return None
        return arg.data.decode("latin-1")

    def _d_segment(self, st) -> None:
        name = self._segment_name(st)
        if name is not None:
            zp = len(st.args) == 2 and st.args[1].name.lower() == "zeropage"
            self._enter_segment(name, st.col, zp)

    def _d_code(self, st) -> None:
        if self._args(st, 0, 0):  # type: ignore[attr-defined]
            self._enter_segment(SEGMENT_SHORTHANDS[st.name], st.col)

    def _d_pushseg(self, st) -> None:
        if self._args(st, 0, 0):  # type: ignore[attr-defined]
            self.seg_stack.append(self.segment)

    def _d_popseg(self, st) -> None:
        self._pop_segment(st, "'.popseg' without '.pushseg'")

    def _d_endsection(self, st) -> None:
        """WDC's `ENDS`: back to the section (or the code outside them) before this one."""
        self._pop_segment(st, "'ENDS' without an open CODE, DATA or UDATA section")

    def _pop_segment(self, st, unmatched: str) -> None:
        if not self._args(st, 0, 0):  # type: ignore[attr-defined]
            return
        if not self.seg_stack:
            self._error(unmatched, st.col)  # type: ignore[attr-defined]
            return
        name = self.seg_stack.pop()
        if name is not None:
            self._enter_segment(name, st.col)
        elif self.segment is not None:  # back to the code outside every segment
            self._leave_segment()
            self.segment = None
            self.phases = []
            self.zp_segment = False
            self.unwritten = False
            self.virtual = bool(self.virtuals)
            self.res_fills = self.dialect.res_fills  # type: ignore[attr-defined]
            self.org_active = self.seg_org.get(None, False)
            self.pc, self.phase = self.outside  # type: ignore[attr-defined]

    # -- another address than the placing ------------------------------------------------
    def _logical(self, value: int) -> None:
        """Assemble for `value` from here on, placing the bytes where they would have gone."""
        if self.first is not None:  # type: ignore[attr-defined]
            self.diverged = True
        placed = self.pc + self.phase  # type: ignore[attr-defined]
        self.phases.append(self.phase)
        self.phase = placed - value
        self.pc = value  # type: ignore[attr-defined]
        self.addrs[self.i] = value  # type: ignore[attr-defined]

    def _d_logical(self, st) -> None:
        if not self._args(st, 1, 1):  # type: ignore[attr-defined]
            return
        value = self._value(st, 0)  # type: ignore[attr-defined]
        if value is not None and not 0 <= value <= 0xFFFFFF:
            self._error(f"'.{st.name}' address is outside the 24-bit address space", st.col)  # type: ignore[attr-defined]
        elif value is not None:
            self._logical(value)

    def _d_here(self, st) -> None:
        if not self._args(st, 0, 0):  # type: ignore[attr-defined]
            return
        if not self.phases:
            self._error(f"'.{st.name}' without '.logical'", st.col)  # type: ignore[attr-defined]
            return
        placed = self.pc + self.phase  # type: ignore[attr-defined]
        self.phase = self.phases.pop()
        self.pc = placed - self.phase  # type: ignore[attr-defined]

    def _d_reloc(self, st) -> None:
        """ca65: back to the segment's own addresses after `.org`."""
        if self._args(st, 0, 0) and self.phases:  # type: ignore[attr-defined]
            placed = self.pc + self.phase  # type: ignore[attr-defined]
            self.phase = self.phases[0]
            self.phases = []
            self.pc = placed - self.phase  # type: ignore[attr-defined]
        self.org_active = False

    def _d_virtual(self, st) -> None:
        """64tass: `.virtual [address]` ... `.endv`: addresses and labels, no bytes."""
        if not self._args(st, 0, 1):  # type: ignore[attr-defined]
            return
        value = self._value(st, 0) if st.args else self.pc  # type: ignore[attr-defined]
        if value is None:
            return
        if self.first is not None:  # type: ignore[attr-defined]
            self.diverged = True
        self.virtuals.append((self.pc, self.phase))  # type: ignore[attr-defined]
        self.pc, self.phase = value, 0  # type: ignore[attr-defined]
        self.virtual = True

    def _d_endv(self, st) -> None:
        if not self._args(st, 0, 0):  # type: ignore[attr-defined]
            return
        if not self.virtuals:
            self._error(f"'.{st.name}' without '.virtual'", st.col)  # type: ignore[attr-defined]
            return
        self.pc, self.phase = self.virtuals.pop()  # type: ignore[attr-defined]
        self.virtual = bool(self.virtuals) or self.unwritten

    def _d_longbranch(self, st) -> None:
        """ca65's `.macpack longbranch` (`jeq target` ...): the branch when its target is
        defined above and within reach, else the opposite branch over a `jmp`, as ca65's
        macros choose."""
        if not self._args(st, 2, 2) or not isinstance(st.args[0], Sym):  # type: ignore[attr-defined]
            return
        branch = st.args[0].name.lower()
        target = st.args[1]
        value = self._value(st, 1)  # type: ignore[attr-defined]
        above = (
            isinstance(target, Sym)
            and self._key(target.name) in self.defined  # type: ignore[attr-defined]
            and self.defined[self._key(target.name)] < self.i  # type: ignore[attr-defined]
        )
        pc = self.pc  # type: ignore[attr-defined]
        if above and value is not None and 0 <= (pc + 2) - value <= 127:
            self._emit(bytes((_BRANCH_OPCODES[branch], (value - (pc + 2)) & 0xFF)))  # type: ignore[attr-defined]
            return
        # the opposite branch over a 3-byte jmp, then the jmp (absolute, in this bank)
        opposite = _BRANCH_OPCODES[_OPPOSITE[branch]]
        v = value or 0
        if value is not None and (value >> 16) != (pc >> 16):
            self._error(f"'j{branch[1:]}' target is outside the current bank", st.arg_cols[1])  # type: ignore[attr-defined]
        self._emit(bytes((opposite, 3, 0x4C, v & 0xFF, (v >> 8) & 0xFF)))  # type: ignore[attr-defined]

    # -- widths -----------------------------------------------------------------------
    def _switch(self, st) -> bool | None:
        if not st.args:
            return True
        if not self._args(st, 0, 1):  # type: ignore[attr-defined]
            return None
        arg = st.args[0]
        if isinstance(arg, Sym) and arg.name.lower() in ("on", "off"):
            return arg.name.lower() == "on"
        self._error(f"'.{st.name}' takes on or off (or + or -)", st.col)  # type: ignore[attr-defined]
        return None

    def _d_smart(self, st) -> None:
        """ca65: follow `rep`/`sep` (the widths otherwise change only by directives)."""
        on = self._switch(st)
        if on is not None and not self.dialect.auto_widths:  # type: ignore[attr-defined]
            self.smart = on
            self.tracked = _REP_SEP if on else frozenset()

    def _d_autsiz(self, st) -> None:
        """64tass: `.autsiz` follows `rep`/`sep`, `.mansiz` stops."""
        if self._args(st, 0, 0):  # type: ignore[attr-defined]
            st_on = st.name == "autsiz"
            if not self.dialect.auto_widths:  # type: ignore[attr-defined]
                self.tracked = _REP_SEP if st_on else frozenset()

    # -- checks ---------------------------------------------------------------------------
    def _d_assert(self, st) -> None:
        """ca65: `.assert expr, error|warning[, "message"]`, checked with final values."""
        if not self._args(st, 2, 3):  # type: ignore[attr-defined]
            return
        action = st.args[1]
        if not (
            isinstance(action, Sym)
            and action.name.lower() in ("error", "warning", "lderror", "ldwarning")
        ):
            self._error("'.assert' action is error or warning", st.arg_cols[1])  # type: ignore[attr-defined]
            return
        value = self._value(st, 0)  # type: ignore[attr-defined]
        if value is None or value:
            return
        message = "assertion failed"
        if len(st.args) == 3 and isinstance(st.args[2], Text):
            message = st.args[2].data.decode("latin-1")
        if action.name.lower().endswith("error"):
            self._error(message, st.col)  # type: ignore[attr-defined]
        else:
            self._warn("assert", message, st.col)  # type: ignore[attr-defined]

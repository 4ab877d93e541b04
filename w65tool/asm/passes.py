"""The passes: walk the parsed lines, define symbols, choose sizes, track widths, emit bytes.

The source is parsed once; each pass walks the statement objects. A pass reads forward
references from the previous pass. Address sizes only grow from pass to pass (each line keeps
a floor), so the walk reaches a fixed point. A pass is final when everything it read from the
previous pass held: the symbols at its end equal those at its start, and every label saw the
widths the jumps to it arrive with. Its bytes and diagnostics are the result; symbols still
undefined then are reported (only then: in earlier passes a forward reference is expected).
The second pass takes the first pass's bytes for the lines whose inputs held (see `_walk`).
"""

from __future__ import annotations

from w65tool import isa
from w65tool.asm import widths
from w65tool.asm.diagnostics import Note, Origin, Sink, WarningPolicy
from w65tool.asm.dialect_directives import Directives
from w65tool.asm.dialects import W65, Dialect
from w65tool.asm.expander import Line
from w65tool.asm.expr import Binary, Expr, ExprError, Sym, Text, evaluate
from w65tool.asm.forward import ForwardLabels
from w65tool.asm.layout import Layout
from w65tool.asm.statements import Assign, Directive, Instruction, ParsedLine

MAX_PASSES = 24

# Addressing families: the direct-page, absolute and long modes an operand shape can take.
FAMILIES: dict[str, tuple[str | None, str | None, str | None]] = {
    "addr": ("dp", "abs", "long"),
    "addr_x": ("dp_x", "abs_x", "long_x"),
    "addr_y": ("dp_y", "abs_y", None),
    "addr_s": ("sr", None, None),
    "ind": ("dp_ind", "abs_ind", None),
    "ind_x": ("dp_x_ind", "abs_x_ind", None),
    "ind_y": ("dp_ind_y", None, None),
    "sr_ind_y": ("sr_ind_y", None, None),
    "lind": ("dp_lind", "abs_lind", None),
    "lind_y": ("dp_lind_y", None, None),
}
SHAPE_TEXT = {
    "none": "no operand",
    "acc": "accumulator (a)",
    "imm": "immediate (#e)",
    "imm_pair": "block move (#src,#dst)",
    "pair": "two-operand (e,e)",
    "addr": "address (e)",
    "addr_x": "indexed (e,x)",
    "addr_y": "indexed (e,y)",
    "addr_s": "stack relative (e,s)",
    "ind": "indirect ((e))",
    "ind_x": "indexed indirect ((e,x))",
    "ind_y": "indirect indexed ((e),y)",
    "sr_ind_y": "stack relative indirect ((e,s),y)",
    "lind": "indirect long ([e])",
    "lind_y": "indirect long indexed ([e],y)",
}
RANK_NAME = ("direct page", "absolute", "long")
_BYTE = [bytes((b,)) for b in range(256)]  # one-byte instructions, built once
FORCE_RANK = {"dp": 0, "abs": 1, "long": 2}
SUFFIX_RANK = {"b": 0, "w": 1, "l": 2}


def _opcodes() -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for op in isa.OPCODES:
        table.setdefault(op.mnemonic, {})[op.mode.name] = op.code
    # WDC spellings that name another mnemonic's opcode: jmp/jsr to a long address, jmp [a]
    table["jmp"]["long"] = isa.BY_MNEMONIC_MODE[("jml", "long")].code
    table["jmp"]["abs_lind"] = isa.BY_MNEMONIC_MODE[("jml", "abs_lind")].code
    table["jsr"]["long"] = isa.BY_MNEMONIC_MODE[("jsl", "long")].code
    return table


OPCODES = _opcodes()
# The ranks (0 direct page, 1 absolute, 2 long) each (mnemonic, operand shape) can take.
_AVAIL: dict[tuple[str, str], tuple[int, ...]] = {}
BRANCHES = frozenset(o.mnemonic for o in isa.OPCODES if o.mode.name in ("rel8", "rel16"))
_NO_FALL_THROUGH = widths.NO_FALL_THROUGH
JUMPS = frozenset({"jmp", "jml", "jsr", "jsl"})
_FITS = {1: (-0x80, 0xFF), 2: (-0x8000, 0xFFFF), 3: (-0x800000, 0xFFFFFF)}
_DATA_SIZES = {
    "db": 1,
    "dc8": 1,
    "byte": 1,
    "ascii": 1,
    "asciiz": 1,
    "text": 1,  # 64tass
    "dw": 2,
    "dc16": 2,
    "word": 2,
    "addr": 2,  # ca65
    "dl": 3,
    "dc24": 3,
    "long": 3,
    "faraddr": 3,
    "dc32": 4,
    "dd": 4,
    "dword": 4,
    "dc64": 8,
    "dq": 8,
}

# The names of `.binfile` (w65, naken_asm), `.incbin` (ca65) and `.binary` (64tass): one
# handler below, and the files `assemble` reads for them.
BINFILE_DIRECTIVES = frozenset({"binfile", "incbin", "binary"})
# What `.setcpu` (ca65) and `.cpu` (64tass) may name: the one CPU w65 assembles for.
_CPU_NAMES = frozenset({"65816", "65c816", "w65c816", "w65c816s"})


def _hex(value: int) -> str:
    if value < 0:
        return str(value)
    return (
        f"${value:02X}"
        if value <= 0xFF
        else (f"${value:04X}" if value <= 0xFFFF else f"${value:06X}")
    )


def _an(bits: int) -> str:
    return "an 8" if bits == 8 else "a 16"


def fits(value: int, size: int) -> bool:
    """Whether `value` can be written in `size` bytes (signed or unsigned)."""
    if size >= 8:
        return -(1 << 63) <= value < (1 << 64)
    lo, hi = _FITS.get(size, (-(1 << (8 * size - 1)), (1 << (8 * size)) - 1))
    return lo <= value <= hi


Jump = tuple[widths.State, int]  # the widths a jump arrives with, and its line
Conflict = tuple[str, int, int, int, int]  # register, width and line, other width and line
Arrival = tuple[widths.State, tuple[Conflict, ...]]
# Instructions whose effect on the widths depends on more than the widths before them (an
# immediate, the saved widths): the second pass walks them always.
_WALKED = frozenset({"rep", "sep", "php", "plp"})


def _line_of(jump: Jump) -> int:
    return jump[1]


def _arrival(state: widths.State, fall: bool, sources: list[Jump] | None) -> Arrival:
    """The widths at a label reached by `sources` (and by falling through, when `fall`).

    The fall-through's widths win, else the first jump's; a register reached with two known
    widths is a conflict (line -1 stands for the fall-through).
    """
    if not sources:
        return state, ()
    # the usual case: every jump arrives with the same widths (as the fall-through's, if any)
    lead = state if fall else sources[0][0]
    m, x = lead[widths.M], lead[widths.X]
    for st, _src in sources:
        if st[widths.M] != m or st[widths.X] != x:
            break
    else:
        return (state if fall else min(sources, key=_line_of)[0]), ()
    incoming = [(state, -1)] if fall else []
    incoming += sorted(sources, key=_line_of)
    conflicts = []
    for reg, k in (("A", widths.M), ("X", widths.X)):
        known = [(st[k], src) for st, src in incoming if st[k] is not None]
        if len({w for w, _ in known}) < 2:
            continue
        (w1, s1) = known[0]
        (w2, s2) = next((w, s) for w, s in known if w != w1)
        conflicts.append((reg, w1, s1, w2, s2))
    return incoming[0][0], tuple(conflicts)


def _bare(state: widths.State) -> tuple:
    """A state without the lines that set its widths."""
    return state[widths.M], state[widths.X], state[widths.E], state[widths.C]


class PassResult:
    """What the final pass produced."""

    __slots__ = ("addrs", "entry", "out", "passes", "sink", "states", "symbols")

    def __init__(
        self,
        out: list[tuple[int, bytes] | None],
        addrs: list[int],
        states: list[widths.State | None],
        entry: int | None,
        sink: Sink,
        symbols: dict[str, int],
    ) -> None:
        self.out = out
        self.addrs = addrs
        self.states = states
        self.entry = entry
        self.sink = sink
        self.symbols = symbols
        self.passes = 0


class Assembler(Directives):
    """Runs the passes over parsed lines (the peers' segment and width directives in the base)."""

    def __init__(
        self,
        lines: list[Line],
        parsed: list[ParsedLine | None],
        policy: WarningPolicy,
        dialect: Dialect = W65,
        default_width: int | None = None,
        binfiles: dict[int, bytes] | None = None,
        layout: Layout | None = None,
    ) -> None:
        self.lines = lines
        self.layout = layout
        self.parsed = parsed
        self.policy = policy
        self.dialect = dialect
        # whether an operand's kind, not only its value, can make it absolute (WDC, ca65)
        self.sizes_by_kind = dialect.bare_absolute or dialect.labels_absolute
        self.linear_widths = not dialect.auto_widths
        self.default_width = default_width
        self.binfiles = binfiles or {}
        n = len(lines)
        self.floor = [0] * n
        self.symbols: dict[str, int] = {}
        self.jumps: dict[int, list[Jump]] = {}
        self.label_pcs_before: dict[int, int] = {}  # the address of each label line, last pass
        self.forward = ForwardLabels(parsed)
        # what the first pass did, for the second to reuse (see `_walk`): its output,
        # addresses, widths and jump targets, and the lines it cannot vouch for
        self.first: tuple | None = None
        self.count = 0  # the pass being walked, from 1

    # -- driving --------------------------------------------------------------------------
    def run(self) -> PassResult:
        """Walk until a fixed point; return the final pass."""
        for count in range(1, MAX_PASSES + 1):
            self.count = count
            before = dict(self.symbols)
            result = self._walk()
            self.first = None
            if count == 1:
                unsure = set(self.unsure)
                unsure.update(i for i, _node in self.missing)
                self.first = (result.out, result.addrs, result.states, self.targets, unsure)
            result.passes = count
            if (
                before == self.symbols
                and self._arrivals_hold(strict=self.cited_lines)
                and self._segments_settled()
            ):
                self._report_undefined()
                return result
            self.jumps = self.jumps_next
            self.label_pcs_before = self.label_pcs
        self._unsettled(before, result.sink)
        return result

    def _unsettled(self, before: dict[str, int], sink: Sink) -> None:
        """Say where the passes found no fixed point: a symbol that keeps changing, at its
        definition, or else a label whose widths do."""
        changed = sorted(
            (self.defined.get(k, -1), k)
            for k in self.symbols
            if before.get(k) != self.symbols.get(k)
        )
        head = f"addresses did not settle after {MAX_PASSES} passes"
        if changed and changed[0][0] >= 0:
            i, key = changed[0]
            name = key.rpartition(".")[2]
            old, new = before.get(key), self.symbols[key]
            was = "undefined" if old is None else _hex(old)
            self.i = i
            self._error(
                f"{head}: '{name}' is {was} in one pass and {_hex(new)} in the next",
                self._name_col(i, name),
            )
            return
        for i, pc, state, fall, seen in self.arrivals:
            if _arrival(state, fall, self.jumps_next.get(pc)) != seen:
                self.i = i
                label = self.parsed[i].labels[0]  # type: ignore[union-attr]
                self._error(
                    f"{head}: the register widths at '{label.name}' change from pass to pass "
                    "(declare them with .a8/.a16/.i8/.i16 after the label)",
                    label.col,
                )
                return
        sink.error(head, None)

    def _name_col(self, i: int, name: str) -> int:
        """The column where line `i` defines `name`."""
        pl = self.parsed[i]
        if pl is None:
            return 1
        for label in pl.labels:
            if label.name == name:
                return label.col
        return pl.statement.col if pl.statement is not None else 1

    def _arrivals_hold(self, strict: bool) -> bool:
        """Whether each label's widths would be the same with the jumps this pass found.

        Only the widths, emulation flag and carry decide bytes; the lines that set them
        appear only in notes, so they must hold too (`strict`) only when this pass wrote one.
        """
        jumps = self.jumps_next
        for _i, pc, state, fall, seen in self.arrivals:
            now = _arrival(state, fall, jumps.get(pc))
            if now != seen and (strict or now[1] != seen[1] or _bare(now[0]) != _bare(seen[0])):
                return False
        return True

    def _report_undefined(self) -> None:
        """The final pass's undefined symbols, with a close name where there is one."""
        if not self.missing:
            return
        import difflib

        names = [k.rpartition(".")[2] for k in self.symbols]
        for n, (i, node) in enumerate(self.missing):
            hint = ""
            # errors past the cap are not shown: no need to look for their close names
            if n < Sink.MAX_ERRORS:
                close = difflib.get_close_matches(node.name, names, n=1)
                if close:
                    hint = f"; did you mean '{close[0]}'?"
            self.i = i
            self._error(f"undefined symbol '{node.name}'{hint}", node.col)

    # -- one pass -------------------------------------------------------------------------
    def _walk(self) -> PassResult:
        n = len(self.lines)
        self.sink = Sink(self.policy)
        self.out: list[tuple[int, bytes] | None] = [None] * n
        self.addrs = [0] * n
        self.states: list[widths.State | None] = [None] * n
        self.pc = 0
        self.here = 0
        self.state: widths.State = widths.start(self.default_width)
        self.php: list[widths.State] = []
        self.fall = True
        self.last_code = -1
        self.dpage = 0
        self.databank = 0
        self.entry: int | None = None
        self._start_segments()
        self.scopes: list[tuple[str, str, int]] = []  # (prefix, kind, line)
        self.anonymous: dict[str, int] = {}  # anonymous scopes opened, by name
        self.chain: tuple[str, ...] = ("",)
        self.last_global = ""
        self.defined: dict[str, int] = {}  # name -> line, this pass
        self.kinds: dict[str, str] = {}
        self.zp_labels: set[str] = set()  # labels in a zero-page segment (ca65)
        self.reported: set[tuple[int, int]] = set()
        self.missing: list[tuple[int, Sym]] = []  # undefined symbols read: (line, node)
        self.arrivals: list[tuple[int, int, widths.State, bool, Arrival]] = []  # line, pc, ...
        self.jumps_next: dict[int, list[Jump]] = {}
        self.label_pcs: dict[int, int] = {}
        self.cited_lines = False  # whether a note named the line that set a width
        self.targets: list[int | None] = [None] * n  # where each line jumps
        # Lines that said something, or read a name through nested scopes (a name defined
        # later in an inner scope would change the lookup); with the lines that read a symbol
        # not yet defined (`missing`), the lines the first pass cannot vouch for.
        self.unsure: list[int] = []
        self.diverged = False  # the second pass set a symbol or direct page unlike the first
        # The first pass began with no symbols: a line it read a symbol on read one defined
        # above it. While the second pass has defined each symbol as the first did, with no
        # error, such a line (instruction or data, no labels) at the same address with the
        # same widths reads the same values and does what it did in the first pass.
        first = self.first
        same = first is not None
        if first is not None:
            first_out, first_addrs, first_states, first_targets, unsure = first
        parsed = self.parsed
        out = self.out
        addrs = self.addrs
        states = self.states
        targets = self.targets
        jumps_next = self.jumps_next
        instruction = self._instruction
        for i in range(n):
            pl = parsed[i]
            self.i = i
            pc = addrs[i] = self.pc
            if pl is None:
                continue
            st = pl.statement
            if same and first_addrs[i] == pc and not pl.labels and i not in unsure:
                kind = type(st)
                if kind is Instruction:
                    mnemonic = st.mnemonic  # type: ignore[union-attr]
                    state = self.state
                    if mnemonic not in _WALKED and first_states[i] == state:
                        done = out[i] = first_out[i]
                        self.pc = pc + len(done[1])  # type: ignore[index]
                        states[i] = state
                        if mnemonic in self.tracked:
                            self.state = widths.after(state, mnemonic, None, i, self.php)
                        self.fall = mnemonic not in _NO_FALL_THROUGH
                        self.last_code = i
                        target = targets[i] = first_targets[i]
                        if target is not None:
                            jumps_next.setdefault(target, []).append((state, i))
                        continue
                elif kind is Directive and st.name in _DATA_SIZES:  # type: ignore[union-attr]
                    done = out[i] = first_out[i]
                    self.pc = pc + len(done[1])  # type: ignore[index]
                    continue
            if pl.warnings:
                for name, message, col in pl.warnings:
                    self._warn(name, message, col)
            if pl.labels:
                self._labels(pl)
                addrs[i] = self.pc
            if st is None:
                continue
            try:
                kind = type(st)
                if kind is Instruction:
                    instruction(st)  # type: ignore[arg-type]
                elif kind is Assign:
                    self._assign(st)  # type: ignore[arg-type]
                elif self._directive(st):  # type: ignore[arg-type]
                    break
            except ExprError as err:
                self._error(err.message, err.col)
            except RecursionError:
                self._error("expression nests too deeply", 1)
            if same and (self.sink.errors or self.diverged):
                same = False
        self._end_segments()
        for _prefix, kind, line in self.scopes:
            end = ".ends" if kind == "scope" else ".endf"
            self.sink.error(f"'.{kind}' has no '{end}'", self.lines[line].origin, 1)
        self.sink.position = n
        return PassResult(self.out, self.addrs, self.states, self.entry, self.sink, self.symbols)

    # -- diagnostics ----------------------------------------------------------------------
    def _origin(self, i: int | None = None) -> Origin:
        return self.lines[self.i if i is None else i].origin

    def _col(self, col: int, i: int | None = None) -> int:
        return self.lines[self.i if i is None else i].source_col(col)

    def _error(self, message: str, col: int, notes=()) -> None:
        self.unsure.append(self.i)
        self.sink.position = self.i
        self.sink.error(message, self._origin(), self._col(col), notes)

    def _warn(self, name: str, message: str, col: int, notes=()) -> None:
        self.unsure.append(self.i)
        self.sink.position = self.i
        self.sink.warn(name, message, self._origin(), self._col(col), notes)

    def _note(self, message: str, i: int, col: int = 1) -> Note:
        return Note(message, self.lines[i].origin, self.lines[i].source_col(col))

    # -- symbols --------------------------------------------------------------------------
    def symbol(self, node: Sym) -> int | None:
        """Expression lookup: innermost scope first; `@name` belongs to the last global label."""
        name = node.name
        symbols = self.symbols
        if name[0] == "@":
            value = symbols.get(self.last_global + name)
        elif len(self.chain) == 1:
            value = symbols.get(name)
        else:
            # a name defined further down in an inner scope changes the lookup
            self.unsure.append(self.i)
            value = None
            for prefix in self.chain:
                value = symbols.get(prefix + name)
                if value is not None:
                    break
        if value is None:
            key = (self.i, node.col)
            if key not in self.reported:
                self.reported.add(key)
                self.missing.append((self.i, node))
        return value

    def _key(self, name: str) -> str:
        if name[0] == "@":
            return self.last_global + name
        return self.chain[0] + name

    def _define(self, name: str, value: int, kind: str, col: int) -> None:
        key = self._key(name)
        first = self.defined.get(key)
        if first is not None and not (kind == "set" and self.kinds.get(key) == "set"):
            old = self.kinds.get(key)
            if not (kind == old == "const" and self.symbols.get(key) == value):
                what = "label" if kind == "label" else "symbol"
                self._error(
                    f"duplicate {what} '{name}'",
                    col,
                    [self._note(f"'{name}' was first defined here", first)],
                )
                return
        if first is None:
            self.defined[key] = self.i
            self.kinds[key] = kind
        if self.first is not None and (kind == "set" or self.symbols.get(key) != value):
            self.diverged = True
        self.symbols[key] = value
        if kind == "label" and name[0] != "@":
            self.last_global = key

    def _labels(self, pl: ParsedLine) -> None:
        pc = self.pc
        for label in pl.labels:
            self._define(label.name, pc, "label", label.col)
        if self.zp_segment:
            self.zp_labels.update(self._key(label.name) for label in pl.labels)
        if self.linear_widths:
            return  # the peers' widths run on down the lines, whatever jumps arrive
        state, fall = self.state, self.fall
        # jumps from lines above were found in this pass; the rest come from the previous one,
        # where they went to the address this line had then (a label that moved keeps them)
        self.label_pcs[self.i] = pc
        sources = self.jumps_next.get(pc, [])
        later = self.jumps.get(self.label_pcs_before.get(self.i, pc))
        if later:
            sources = sources + [s for s in later if s[1] >= self.i]
        arrival = _arrival(state, fall, sources)
        self.arrivals.append((self.i, pc, state, fall, arrival))
        self.state = arrival[0]
        label = pl.labels[0]
        for reg, w1, s1, w2, s2 in arrival[1]:
            notes = [self._arrival_note(reg, w1, s1), self._arrival_note(reg, w2, s2)]
            self._warn(
                "width-conflict",
                f"'{label.name}' is reached with {_an(w1)}-bit {reg} and with {_an(w2)}-bit {reg}",
                label.col,
                notes,
            )

    def _arrival_note(self, reg: str, width: int, src: int) -> Note:
        self.cited_lines = True
        if src < 0:
            last = self.last_code
            if last >= 0:
                text = f"{width}-bit {reg} falls through from here"
                return self._note(text, last, self._stmt_col(last))
            at = self.state[widths.M_AT if reg == "A" else widths.X_AT]
            if at >= 0:
                return self._note(
                    f"{width}-bit {reg} set here falls through", at, self._stmt_col(at)
                )
            return Note(f"{width}-bit {reg} from the start (--default-width)", None)
        st = self.parsed[src].statement  # type: ignore[union-attr]
        mnemonic = st.mnemonic if isinstance(st, Instruction) else "jump"
        col = st.col if isinstance(st, Instruction) else 1
        return self._note(f"{width}-bit {reg} arrives from this {mnemonic}", src, col)

    def _assign(self, st: Assign) -> None:
        self.here = self.pc
        value = evaluate(st.expr, self)
        if st.kind == "equ" and st.compound and self.dialect.naken_warnings:
            self._warn(
                "equ-text",
                f"'{st.name}' is the value of its expression; naken_asm would substitute the "
                "text (write '=' to keep this meaning quietly, or .define for text)",
                st.col,
            )
        if value is None:
            return
        self._define(st.name, value, "set" if st.kind == "set" else "const", st.col)

    # -- output ---------------------------------------------------------------------------
    def _emit(self, data: bytes) -> None:
        pc = self.pc
        end = pc + len(data)
        if end > 0x1000000:
            self._error(f"code runs past the end of the address space at {_hex(pc)}", 1)
            return
        if not self.virtual:  # in a .virtual block bytes are counted, not placed
            self.out[self.i] = (pc + self.phase, data)
        self.pc = end

    # -- instructions ---------------------------------------------------------------------
    def _instruction(self, st: Instruction) -> None:
        mnemonic = st.mnemonic
        op = st.operand
        shape = op.shape
        modes = OPCODES[mnemonic]
        state = self.state
        i = self.i
        self.states[i] = state
        self.here = self.pc
        value: int | None = None
        if shape == "none" or shape == "acc":
            self._implied(st, modes)
        elif shape == "imm":
            value = self._immediate(st, modes, state)
        elif shape == "pair" or shape == "imm_pair":
            self._block_move(st, modes)
        elif mnemonic in BRANCHES:
            self._branch(st, modes, state)
        else:
            self._address(st, modes, state)
        if mnemonic in self.tracked:
            self.state = widths.after(state, mnemonic, value, i, self.php)
        self.fall = mnemonic not in _NO_FALL_THROUGH
        self.last_code = i

    def _bad_mode(self, st: Instruction) -> None:
        shapes = sorted(
            {
                isa.MODES[m].syntax.replace("{}", "e") or isa.MODES[m].description
                for m in OPCODES[st.mnemonic]
            }
        )
        col = st.operand.col or st.col
        self._error(
            f"'{st.mnemonic}' has no {SHAPE_TEXT[st.operand.shape]} addressing mode",
            col,
            [Note(f"'{st.mnemonic}' takes: {', '.join(shapes)}", None)],
        )

    def _implied(self, st: Instruction, modes: dict[str, int]) -> None:
        if st.operand.shape == "acc" and "acc" in modes:
            self._emit(_BYTE[modes["acc"]])
        elif "imp" in modes:
            self._emit(_BYTE[modes["imp"]])
        elif "acc" in modes:
            self._emit(_BYTE[modes["acc"]])
        elif st.mnemonic in ("brk", "wdm"):
            # naken_asm's form: the opcode alone (the CPU still skips a signature byte)
            self._emit(_BYTE[modes["imm8"]])
        else:
            self._error(f"'{st.mnemonic}' needs an operand", st.col + len(st.mnemonic))

    def _immediate(self, st: Instruction, modes: dict[str, int], state: widths.State) -> int | None:
        op = st.operand
        expr = op.exprs[0]
        value = expr if isinstance(expr, int) else expr.ev(self)  # `evaluate`, inlined
        mnemonic = st.mnemonic
        if mnemonic == "pea":
            return self._sized(modes["abs"], value, 2, op.col)
        for mode in ("imm_m", "imm_x"):
            if mode in modes:
                break
        else:
            if "imm8" in modes:
                if st.suffix in ("w", "l"):
                    self._error(f"'{mnemonic}' takes a one-byte operand", st.col)
                return self._sized(modes["imm8"], value, 1, op.col)
            self._bad_mode(st)
            return value
        reg = "A" if mode == "imm_m" else "X"
        known = state[widths.M if reg == "A" else widths.X]
        at = state[widths.M_AT if reg == "A" else widths.X_AT]
        if known is not None and not st.suffix and not self.dialect.fixed_immediates:
            bits = known  # what _immediate_bits decides for the common case, without the call
        else:
            bits = self._immediate_bits(st, reg, known, at)
        self._sized(modes[mode], value, bits // 8, op.col, reg, known, at)
        return value

    def _immediate_bits(self, st: Instruction, reg: str, known: int | None, at: int) -> int:
        suffix = st.suffix
        selector = st.operand.selector
        col = st.col
        if suffix == "l":
            self._error(f"an immediate is 8 or 16 bits: '{st.mnemonic}.l' has no meaning", col)
            return 16
        if self.dialect.fixed_immediates:
            bits = 8 if suffix == "b" or (selector and not suffix) else 16
            if known is not None and known != bits:
                self._warn(
                    "naken-width",
                    f"{reg} is {known}-bit here, but naken_asm assembles this immediate as "
                    f"{bits}-bit (write {st.mnemonic}.{'b' if known == 8 else 'w'})",
                    col,
                    self._width_notes(reg, known, at),
                )
            return bits
        if suffix:
            bits = 8 if suffix == "b" else 16
            if known is not None and known != bits:
                self._warn(
                    "width-override",
                    f"'.{suffix}' asks for a {bits}-bit immediate, but {reg} is {known}-bit here",
                    col,
                    self._width_notes(reg, known, at),
                )
            return bits
        if known is not None:
            return known
        bits = 8 if selector else 16
        directive = ".a16" if reg == "A" else ".i16"
        flag = "$20" if reg == "A" else "$10"
        self._warn(
            "unknown-width",
            f"the width of {reg} is not known here; assembled as {bits}-bit "
            f"(say it with {directive}/{directive[:-2]}8, 'rep #{flag}'/'sep #{flag}', "
            f"{st.mnemonic}.w/{st.mnemonic}.b, or --default-width)",
            col,
        )
        return bits

    def _width_notes(self, reg: str, known: int, at: int) -> list[Note]:
        self.cited_lines = True
        if at < 0:
            return [Note(f"{reg} is {known}-bit from the start (--default-width)", None)]
        return [self._note(f"{reg} became {known}-bit here", at, self._stmt_col(at))]

    def _stmt_col(self, i: int) -> int:
        pl = self.parsed[i]
        st = pl.statement if pl is not None else None
        return st.col if st is not None else 1

    def _sized(
        self,
        opcode: int,
        value: int | None,
        size: int,
        col: int,
        reg: str = "",
        known: int | None = None,
        at: int = -1,
    ) -> int | None:
        if value is None:
            self._emit(bytes((opcode,)) + bytes(size))
            return None
        if not fits(value, size):
            bits = size * 8
            if reg and known is not None:
                self._error(
                    f"immediate {_hex(value)} does not fit in {bits} bits: "
                    f"{reg} is {bits}-bit here",
                    col,
                    self._width_notes(reg, known, at),
                )
            else:
                self._error(f"value {_hex(value)} does not fit in {bits} bits", col)
        if size == 1:
            self._emit(bytes((opcode, value & 0xFF)))
        elif size == 2:
            self._emit(bytes((opcode, value & 0xFF, (value >> 8) & 0xFF)))
        else:
            self._emit(
                bytes((opcode,)) + (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
            )
        return value

    def _block_move(self, st: Instruction, modes: dict[str, int]) -> None:
        if "block" not in modes:
            self._bad_mode(st)
            return
        op = st.operand
        a = evaluate(op.exprs[0], self)
        b = evaluate(op.exprs[1], self)
        banks = []
        for v, e in ((a, op.exprs[0]), (b, op.exprs[1])):
            if v is None:
                banks.append(0)
            elif 0 <= v <= 0xFF:
                banks.append(v)
            elif 0 <= v <= 0xFFFFFF:
                banks.append(v >> 16)
            else:
                self._error(f"{_hex(v)} is neither a bank nor a 24-bit address", e.col)
                banks.append(0)
        if op.shape == "pair" and self.dialect.written_mvn_order:
            first, second = banks  # naken_asm: the bytes in the order written
        else:
            src, dst = banks
            first, second = dst, src
            if (
                op.shape == "pair"
                and self.dialect.naken_warnings
                and a != b
                and max(a or 0, b or 0) <= 0xFF
            ):
                self._warn(
                    "mvn-order",
                    f"read in WDC order: source bank ${src:02X}, destination ${dst:02X} "
                    f"(naken_asm reads the destination first; write {st.mnemonic} "
                    f"#${src:02X},#${dst:02X} to say it plainly)",
                    op.col,
                )
        self._emit(bytes((modes["block"], first, second)))

    def _branch(self, st: Instruction, modes: dict[str, int], state: widths.State) -> None:
        op = st.operand
        if op.shape != "addr":
            self._bad_mode(st)
            return
        target = op.exprs[0]
        if not isinstance(target, int):  # `evaluate`, inlined
            target = target.ev(self)
        pc = self.pc
        long = "rel16" in modes
        size = 3 if long else 2
        if target is None:
            self._emit(bytes((modes["rel16" if long else "rel8"],)) + bytes(size - 1))
            return
        if st.mnemonic != "per":
            self.targets[self.i] = target
            self.jumps_next.setdefault(target, []).append((state, self.i))
        # the CPU adds the offset to the 16-bit PC, wrapping within the bank: the reach is
        # measured around the bank (brl reaches all of it)
        offset = ((target - (pc + size) + 0x8000) & 0xFFFF) - 0x8000
        if (target >> 16) != (pc >> 16) or target < 0:
            self._error(
                f"branch target {_hex(target)} is outside the current bank ${pc >> 16:02X}", op.col
            )
        elif not long and not -128 <= offset <= 127:
            by = offset - 127 if offset > 127 else -128 - offset
            self._error(
                f"branch too far by {by} byte{'s' if by != 1 else ''} "
                f"({'forward' if offset > 0 else 'back'} {abs(offset)}; the reach is -128..+127)",
                op.col,
                [
                    Note(
                        "use brl, or branch on the opposite condition over a jmp",
                        None,
                    )
                ],
            )
        mode = "rel16" if long else "rel8"
        self._emit(
            bytes((modes[mode],))
            + (offset & (0xFFFF if long else 0xFF)).to_bytes(size - 1, "little")
        )

    def _address(self, st: Instruction, modes: dict[str, int], state: widths.State) -> None:
        op = st.operand
        family = FAMILIES[op.shape]
        mnemonic = st.mnemonic
        avail = _AVAIL.get((mnemonic, op.shape))
        if avail is None:
            avail = _AVAIL[mnemonic, op.shape] = tuple(
                r for r in range(3) if family[r] is not None and family[r] in modes
            )
        if not avail:
            self._bad_mode(st)
            return
        expr = op.exprs[0]
        value = expr if isinstance(expr, int) else expr.ev(self)  # `evaluate`, inlined
        force = op.force
        if st.suffix:
            if force and FORCE_RANK[force] != SUFFIX_RANK[st.suffix]:
                self._error(
                    f"'.{st.suffix}' and the operand's prefix ask for different sizes", st.col
                )
            force = ("dp", "abs", "long")[SUFFIX_RANK[st.suffix]]
        if force:
            rank = FORCE_RANK[force]
            if rank not in avail:
                self._error(
                    f"'{mnemonic}' has no {RANK_NAME[rank]} form of {SHAPE_TEXT[op.shape]}", op.col
                )
                rank = avail[-1]
            elif value is not None and not self._reaches(rank, value, mnemonic, family[rank]):
                self._warn(
                    "truncated",
                    f"{_hex(value)} does not fit the {RANK_NAME[rank]} form asked for; "
                    f"its low {8 * (rank + 1)} bits are used",
                    op.col,
                )
        else:
            floor = self.floor[self.i]
            if value is None:
                want = avail[0]
                if self.dialect.forward_absolute and 1 in avail:
                    want = 1  # naken_asm: a label not yet defined is taken as 16-bit
                elif want == 0 and 1 in avail:
                    low = self.forward.bound(expr, self.i, self.pc)
                    if low is not None and low > self.dpage + 0xFF:
                        want = 1  # it cannot be direct page: size it as it will end
            else:
                for want in avail:
                    if self._reaches(want, value, mnemonic, family[want]):
                        break
                else:
                    self._unreachable(st, value, avail)
                    want = avail[-1]
            if want == 0 and self.sizes_by_kind and 1 in avail and self._absolute_operand(expr):
                want = 1
            rank = avail[-1]
            for r in avail:
                if r >= want and r >= floor:
                    rank = r
                    break
            self.floor[self.i] = rank
            if (
                rank == 0
                and value is not None
                and 1 in avail
                and self.dialect.naken_warnings
                and not isinstance(expr, int)
                # the first pass knows only symbols defined above (outside nested scopes, the
                # very names `_forward` looks up): none is forward where the value is known
                and (self.count > 1 or len(self.chain) > 1)
                and self._forward(expr)
            ):
                self._warn(
                    "forward-dp",
                    f"forward reference assembled as direct page ({_hex(value)}); naken_asm "
                    f"would use absolute (write {mnemonic}.b to say it, {mnemonic}.w for absolute)",
                    op.col,
                )
        mode = family[rank]
        assert mode is not None
        opcode = modes[mode]
        if (
            mnemonic in ("jmp", "jsr")
            and mode == "long"
            and not force
            and value is not None
            and self.dialect.warn_jump_long
        ):
            self._warn(
                "jump-long",
                f"{_hex(value)} is outside bank ${self.pc >> 16:02X}: assembled as "
                f"{'jml' if mnemonic == 'jmp' else 'jsl'}",
                op.col,
            )
        if mnemonic in JUMPS and op.shape == "addr" and value is not None:
            self.targets[self.i] = value
            self.jumps_next.setdefault(value, []).append((state, self.i))
        v = 0 if value is None else value
        if rank == 0:
            operand = ((v - self.dpage) if op.shape not in ("addr_s", "sr_ind_y") else v) & 0xFF
            self._emit(bytes((opcode, operand)))
        elif rank == 1:
            self._emit(bytes((opcode, v & 0xFF, (v >> 8) & 0xFF)))
        else:
            self._emit(bytes((opcode, v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF)))

    def _absolute_operand(self, expr: Expr) -> bool:
        """Whether the dialect makes this operand absolute though its value is direct page:
        every operand without `<` (WDC), a label outside a zero-page segment (ca65)."""
        dialect = self.dialect
        if dialect.bare_absolute:
            return True
        if not dialect.labels_absolute or isinstance(expr, int):
            return False
        e = expr
        while isinstance(e, Binary) and e.op in ("add", "sub"):
            e = e.b if e.op == "add" and isinstance(e.b, Sym) and not isinstance(e.a, Sym) else e.a
        if not isinstance(e, Sym):
            return False
        key = next((p + e.name for p in self.chain if p + e.name in self.kinds), None)
        if e.name[0] == "@":
            key = self._key(e.name)
        return self.kinds.get(key or "") == "label" and key not in self.zp_labels

    def _reaches(self, rank: int, value: int, mnemonic: str, mode: str | None) -> bool:
        if value < 0:
            return False
        if rank == 0:
            if mode in ("sr", "sr_ind_y"):
                return value <= 0xFF
            return 0 <= value - self.dpage <= 0xFF and value <= 0xFFFF
        if rank == 1:
            if mode in ("abs_ind", "abs_lind"):
                return value <= 0xFFFF  # the pointer is read from bank 0
            if mnemonic in JUMPS:
                return (value >> 16) == (self.pc >> 16)
            if mnemonic == "pea":
                return value <= 0xFFFFFF  # a constant pushed, not read: its low 16 bits (ca65)
            return (value >> 16) == self.databank
        return value <= 0xFFFFFF

    def _unreachable(self, st: Instruction, value: int, avail: tuple[int, ...]) -> None:
        op = st.operand
        if value < 0 or value > 0xFFFFFF:
            self._error(f"address {_hex(value)} is outside the 24-bit address space", op.col)
        elif avail == (0,):
            self._error(
                f"{_hex(value)} is not in the direct page (D = {_hex(self.dpage)}): "
                f"'{st.mnemonic}' has only a direct page form of {SHAPE_TEXT[op.shape]}",
                op.col,
            )
        else:
            self._error(
                f"{_hex(value)} is not in data bank ${self.databank:02X}, and '{st.mnemonic}' "
                f"has no long form of {SHAPE_TEXT[op.shape]}",
                op.col,
                [Note("'.databank' tells the assembler the DBR value", None)],
            )

    def _forward(self, expr: Expr) -> bool:
        for sym in expr.symbols():
            first = self.defined.get(self._key(sym.name))
            if first is None:
                return True
        return False

    # -- directives -----------------------------------------------------------------------
    def _directive(self, st: Directive) -> bool:
        """Apply a directive; True when it ends the program (`end`)."""
        name = st.name
        self.here = self.pc
        size = _DATA_SIZES.get(name)
        if size is not None:
            self._data(st, size)
            return False
        handler = getattr(self, f"_d_{name}", None)
        if handler is None:
            self._error(f"unknown directive '.{name}'", st.col)
            return False
        return bool(handler(st))

    def _args(self, st: Directive, low: int, high: int) -> bool:
        n = len(st.args)
        if low <= n <= high:
            return True
        want = str(low) if low == high else f"{low} to {high}"
        self._error(
            f"'.{st.name}' takes {want} argument{'s' if high != 1 else ''}, not {n}", st.col
        )
        return False

    def _value(self, st: Directive, k: int) -> int | None:
        arg = st.args[k]
        if isinstance(arg, Text):
            self._error("a string where a number is expected", arg.col)
            return None
        return evaluate(arg, self)

    def _data(self, st: Directive, size: int) -> None:
        name = st.name
        if name == "dl":
            size = self.dialect.dl_size
            if self.dialect.naken_warnings:
                self._warn(
                    "dl-size",
                    ".dl writes 3 bytes (a 24-bit long); naken_asm writes 4 "
                    "(use .long for 3 or .dd for 4 to say which)",
                    st.col,
                )
        out = bytearray()
        base = self.pc
        # `.addr` (ca65) takes any 24-bit address and writes its low 16 bits, as ca65 does
        room = 3 if name == "addr" else size
        for arg in st.args:
            self.here = base + len(out)
            if isinstance(arg, Text):
                if size != 1:
                    self._error(f"'.{name}' takes numbers; strings go in .db or .ascii", arg.col)
                    continue
                out += arg.data
                if name == "asciiz":
                    out.append(0)
                continue
            value = arg if isinstance(arg, int) else arg.ev(self)  # `evaluate`, inlined
            if value is None:
                out += bytes(size)
                continue
            if not fits(value, room):
                self._error(f"value {_hex(value)} does not fit in {room * 8} bits", arg.col)
            out += (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
            if name == "asciiz":
                out.append(0)
        self._emit(bytes(out))

    def _d_org(self, st: Directive) -> None:
        if not self._args(st, 1, 1):
            return
        value = self._value(st, 0)
        if value is None:
            return
        if not 0 <= value <= 0xFFFFFF:
            self._error(f"'.org' address {_hex(value)} is outside the 24-bit address space", st.col)
            return
        if self.layout is not None and self.segment is not None:
            self._logical(value)  # ca65: in a placed segment, .org changes the addresses only
            return
        self.pc = value
        self.addrs[self.i] = value

    def _reserve(self, st: Directive, unit: int) -> None:
        """`count` bytes (or words): skipped, or written with the fill value when one is given
        (ca65's `.res count, value`, 64tass's `.fill count, value`)."""
        if not self._args(st, 1, 2):
            return
        count = self._value(st, 0)
        if count is None:
            return
        if count < 0:
            self._error(f"cannot reserve a negative size ({count})", st.col)
            return
        self._gap(st, count, unit)

    def _gap(self, st: Directive, count: int, unit: int) -> None:
        """Skip `count` units, or write them with the fill value given as the second argument."""
        if self.pc + count * unit > 0x1000000:
            self._error("reserved space runs past the end of the address space", st.col)
            return
        if len(st.args) == 1:
            self.pc += count * unit
        else:
            self._fill(self._value(st, 1), unit, count, st.arg_cols[1])

    def _fill(self, value: int | None, unit: int, count: int, col: int) -> None:
        """`count` copies of `value` as a byte (`unit` 1) or a little-endian word (2)."""
        if value is not None and not fits(value, unit):
            what = "a byte" if unit == 1 else "a word"
            self._error(f"fill value {_hex(value)} does not fit in {what}", col)
        self._emit(((value or 0) & ((1 << 8 * unit) - 1)).to_bytes(unit, "little") * count)

    def _d_resb(self, st: Directive) -> None:
        self._reserve(st, 1)

    def _d_resw(self, st: Directive) -> None:
        self._reserve(st, 2)

    _d_res = _d_ds = _d_fill = _d_resb

    def _pad(self, st: Directive, boundary: int | None) -> None:
        if boundary is None:
            return
        if boundary <= 0:
            self._error(f"alignment must be positive, not {boundary}", st.col)
            return
        self._emit(bytes(-self.pc % boundary))

    def _d_align(self, st: Directive) -> None:
        """`.align n[, fill]`: on to a multiple of n bytes, as ca65 and 64tass align; the gap
        is reserved like `.res`, or written with the fill value. naken_asm's `.align` counts
        bits and writes zeros: so it reads under --compat naken."""
        if self.dialect.align_bits:
            self._align_bits(st)
            return
        if not self._args(st, 1, 2):
            return
        boundary = self._value(st, 0)
        if boundary is None:
            return
        if boundary <= 0:
            self._error(f"alignment must be positive, not {boundary}", st.col)
            return
        self._gap(st, -self.pc % boundary, 1)

    def _align_bits(self, st: Directive) -> None:
        if not self._args(st, 1, 1):
            return
        bits = self._value(st, 0)
        if bits is not None and (bits <= 0 or bits % 8):
            self._error(
                f"'.align' counts bits under --compat naken: {bits} is not a multiple of 8; "
                "use .align_bytes for bytes",
                st.col,
            )
            return
        self._pad(st, None if bits is None else bits // 8)

    def _d_align_bytes(self, st: Directive) -> None:
        if self._args(st, 1, 1):
            self._pad(st, self._value(st, 0))

    def _d_data_fill(self, st: Directive) -> None:
        if not self._args(st, 2, 2):
            return
        value, count = self._value(st, 0), self._value(st, 1)
        if count is None:
            return
        if count < 0 or count > 0x1000000:
            self._error(f"'.data_fill' count {count} is out of range", st.col)
            return
        self._fill(value, 1, count, st.col)

    def _d_entry_point(self, st: Directive) -> None:
        if self._args(st, 0, 1):
            self.entry = self._value(st, 0) if st.args else self.pc

    def _d_end(self, st: Directive) -> bool:
        if self._args(st, 0, 1) and st.args:
            self.entry = self._value(st, 0)
        return True

    def _d_65816(self, st: Directive) -> None:
        self._args(st, 0, 0)

    _d_65c816 = _d_p816 = _d_65816  # .p816: ca65

    def _d_setcpu(self, st: Directive) -> None:
        """`.setcpu "65816"` (ca65), `.cpu "65816"` (64tass): accepted for the 65816 only."""
        if not self._args(st, 1, 1):
            return
        arg = st.args[0]
        if not isinstance(arg, Text):
            self._error(
                f"'.{st.name}' takes the CPU's name in quotes: .{st.name} \"65816\"", st.col
            )
        elif arg.data.decode("latin-1").lower() not in _CPU_NAMES:
            self._error(
                f"w65 assembles for the 65816 only, not '{arg.data.decode('latin-1')}'", arg.col
            )

    _d_cpu = _d_setcpu

    def _set_width(self, reg: int, bits: int) -> None:
        s = list(self.state)
        s[reg], s[reg + 1] = bits, self.i
        self.state = tuple(s)  # type: ignore[assignment]

    def _d_a8(self, st: Directive) -> None:
        self._set_width(widths.M, 8)

    def _d_a16(self, st: Directive) -> None:
        self._set_width(widths.M, 16)

    def _d_i8(self, st: Directive) -> None:
        self._set_width(widths.X, 8)

    def _d_i16(self, st: Directive) -> None:
        self._set_width(widths.X, 16)

    _d_as, _d_al, _d_xs, _d_xl = _d_a8, _d_a16, _d_i8, _d_i16

    def _on_off(self, st: Directive) -> bool | None:
        if not self._args(st, 1, 1):
            return None
        arg = st.args[0]
        if isinstance(arg, Sym) and arg.name.lower() in ("on", "off"):
            return arg.name.lower() == "on"
        value = self._value(st, 0)
        return None if value is None else bool(value)

    def _d_longa(self, st: Directive) -> None:
        on = self._on_off(st)
        if on is not None:
            self._set_width(widths.M, 16 if on else 8)

    def _d_longi(self, st: Directive) -> None:
        on = self._on_off(st)
        if on is not None:
            self._set_width(widths.X, 16 if on else 8)

    def _d_dpage(self, st: Directive) -> None:
        self._settles(st)
        if self._args(st, 1, 1):
            value = self._value(st, 0)
            if value is not None and not 0 <= value <= 0xFFFF:
                self._error(f"the direct page register is 16 bits: {_hex(value)}", st.col)
            elif value is not None:
                self.dpage = value

    def _settles(self, st: Directive) -> None:
        """A register value read from symbols may differ from the first pass's."""
        if self.first is not None and not all(isinstance(a, int) for a in st.args):
            self.diverged = True

    def _d_databank(self, st: Directive) -> None:
        self._settles(st)
        if self._args(st, 1, 1):
            value = self._value(st, 0)
            if value is not None and not 0 <= value <= 0xFF:
                self._error(f"the data bank register is 8 bits: {_hex(value)}", st.col)
            elif value is not None:
                self.databank = value

    def _push_scope(self, prefix: str, kind: str) -> None:
        self.scopes.append((prefix, kind, self.i))
        self.chain = (prefix, *self.chain)

    def _pop_scope(self, st: Directive, kinds: tuple[str, ...]) -> None:
        if not self.scopes or self.scopes[-1][1] not in kinds:
            self._error(f"'.{st.name}' without an open '.{kinds[0]}'", st.col)
            return
        self.scopes.pop()
        self.chain = self.chain[1:]

    def _d_scope(self, st: Directive) -> None:
        if not self._args(st, 0, 1):
            return
        parent = self.chain[0]
        if st.args:
            arg = st.args[0]
            if not isinstance(arg, Sym):
                self._error("'.scope' takes a name", st.col)
                return
            self._push_scope(f"{parent}{arg.name}.", "scope")
        else:
            # named for its source line; a second one from the same line (a macro expanded
            # twice, a line included twice) is told apart by a count
            name = f"{parent}scope#{self._origin().line}"
            seen = self.anonymous[name] = self.anonymous.get(name, 0) + 1
            self._push_scope(f"{name}." if seen == 1 else f"{name}#{seen}.", "scope")

    def _d_ends(self, st: Directive) -> None:
        self._pop_scope(st, ("scope",))

    def _d_func(self, st: Directive) -> None:
        if not self._args(st, 1, 1):
            return
        arg = st.args[0]
        if not isinstance(arg, Sym) or arg.name[0] == "@":
            self._error(f"'.{st.name}' takes a name", st.col)
            return
        self._define(arg.name, self.pc, "label", arg.col)
        self._push_scope(f"{self.chain[0]}{arg.name}.", "func")

    _d_proc = _d_func

    def _d_endf(self, st: Directive) -> None:
        self._pop_scope(st, ("func",))

    _d_endproc = _d_endf

    def _d_binfile(self, st: Directive) -> None:
        """The file's bytes, or those from an offset (and of a length) when they are given."""
        data = self.binfiles.get(self.i)
        if data is None:
            return
        start, size = 0, len(data)
        if len(st.args) > 1:
            start = self._value(st, 1)
            if start is None:
                return
            if not 0 <= start <= len(data):
                self._error(
                    f"offset {start} is outside the file ({len(data)} bytes)", st.arg_cols[1]
                )
                return
            size = len(data) - start
        if len(st.args) > 2:
            length = self._value(st, 2)
            if length is None:
                return
            if not 0 <= length <= size:
                self._error(
                    f"length {length} runs past the end of the file ({size} bytes from offset "
                    f"{start})",
                    st.arg_cols[2],
                )
                return
            size = length
        self._emit(data[start : start + size])

    _d_incbin = _d_binary = _d_binfile  # the other BINFILE_DIRECTIVES

    def _d_equ(self, st: Directive) -> None:
        self._error(f"'.{st.name}' is written '.{st.name} NAME = value'", st.col)

    _d_set = _d_equ

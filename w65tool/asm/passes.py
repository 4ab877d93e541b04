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

from w65tool import widths
from w65tool.asm.diagnostics import Note, Origin, Sink, WarningPolicy
from w65tool.asm.dialect_directives import Directives
from w65tool.asm.dialects import W65, Dialect
from w65tool.asm.directive_table import DATA_SIZES
from w65tool.asm.directives import DirectiveHandlers
from w65tool.asm.encoding import Encoder, hex_text
from w65tool.asm.expander import Line
from w65tool.asm.expr import ExprError, Sym, evaluate
from w65tool.asm.forward import ForwardLabels
from w65tool.asm.layout import Layout
from w65tool.asm.statements import Assign, Directive, Instruction, ParsedLine
from w65tool.asm.symbols import Symbols

MAX_PASSES = 24


def _an(bits: int) -> str:
    return "an 8" if bits == 8 else "a 16"


Jump = tuple[widths.Tracked, int]  # the widths a jump arrives with, and its line
Conflict = tuple[str, int, int, int, int]  # register, width and line, other width and line
Arrival = tuple[widths.Tracked, tuple[Conflict, ...]]
# Instructions whose effect on the widths depends on more than the widths before them (an
# immediate, the saved widths): the second pass walks them always.
_WALKED = frozenset({"rep", "sep", "php", "plp"})


def _line_of(jump: Jump) -> int:
    return jump[1]


def _arrival(state: widths.Tracked, fall: bool, sources: list[Jump] | None) -> Arrival:
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


def _bare(state: widths.Tracked) -> tuple:
    """A state without the lines that set its widths."""
    return state[widths.M], state[widths.X], state[widths.E], state[widths.C]


class PassResult:
    """What the final pass produced."""

    __slots__ = ("addrs", "entry", "out", "passes", "sink", "states", "symbols")

    def __init__(
        self,
        out: list[tuple[int, bytes] | None],
        addrs: list[int],
        states: list[widths.Tracked | None],
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


class Assembler(Symbols, Encoder, DirectiveHandlers, Directives):
    """Runs the passes over parsed lines: the pass loop, labels and widths at them, output and
    diagnostics here; symbols, encoding and directives in its bases."""

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
        self._bind_handlers()

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
        """Say where the passes found no fixed point: at the definition of the first symbol
        that keeps changing, with its last two values."""
        changed = [k for k in self.symbols if before.get(k) != self.symbols.get(k)]
        placed = sorted((self.defined[k], k) for k in changed if k in self.defined)
        head = f"addresses did not settle after {MAX_PASSES} passes"
        if placed:
            i, key = placed[0]
            name = key.rpartition(".")[2]
            if "@" in name:  # a cheap local, keyed behind its global label
                name = "@" + name.rpartition("@")[2]
            old, new = before.get(key), self.symbols[key]
            was = "undefined" if old is None else hex_text(old)
            self.i = i
            self._error(
                f"{head}: '{name}' is {was} in one pass and {hex_text(new)} in the next",
                self._name_col(i, name),
            )
            return
        sink.error(head + (f" ('{changed[0]}' keeps changing)" if changed else ""), None)

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
        for pc, state, fall, seen in self.arrivals:
            now = _arrival(state, fall, jumps.get(pc))
            if now != seen and (strict or now[1] != seen[1] or _bare(now[0]) != _bare(seen[0])):
                return False
        return True

    def _walk(self) -> PassResult:
        n = len(self.lines)
        self.sink = Sink(self.policy)
        self.out: list[tuple[int, bytes] | None] = [None] * n
        self.addrs = [0] * n
        self.states: list[widths.Tracked | None] = [None] * n
        self.pc = 0
        self.here = 0
        self.state: widths.Tracked = widths.start(self.default_width)
        self.php: list[widths.Tracked] = []
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
        # ca65: labels placed by their segment (no .org, not zero page), and the names set
        # to them: absolute whatever their value
        self.relocatable: set[str] = set()
        self.reported: set[tuple[int, int]] = set()
        self.missing: list[tuple[int, Sym]] = []  # undefined symbols read: (line, node)
        self.arrivals: list[tuple[int, widths.Tracked, bool, Arrival]] = []
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
                        self.fall = mnemonic not in widths.NO_FALL_THROUGH
                        self.last_code = i
                        target = targets[i] = first_targets[i]
                        if target is not None:
                            jumps_next.setdefault(target, []).append((state, i))
                        continue
                elif kind is Directive and st.name in DATA_SIZES:  # type: ignore[union-attr]
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

    def _labels(self, pl: ParsedLine) -> None:
        pc = self.pc
        for label in pl.labels:
            self._define(label.name, pc, "label", label.col)
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
        self.arrivals.append((pc, state, fall, arrival))
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
        if self.sizes_by_kind and self._absolute_operand(st.expr):
            self.relocatable.add(self._key(st.name))  # `alias = label`: sized as the label

    def _emit(self, data: bytes) -> None:
        pc = self.pc
        end = pc + len(data)
        if end > 0x1000000:
            self._error(f"code runs past the end of the address space at {hex_text(pc)}", 1)
            return
        if not self.virtual:  # .virtual, or a segment ld65 does not write: counted, not placed
            self.out[self.i] = (pc + self.phase, data)
        self.pc = end

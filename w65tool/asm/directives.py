"""The directives the passes run: data, placing, reserving and aligning, widths, the
direct page and data bank, the CPU's name, and binary files.

Which method runs which directive is written once, in `directive_table`, which the line
builder and the expander read too. `DirectiveHandlers` is a base of `passes.Assembler`.
"""

from __future__ import annotations

from w65tool import widths
from w65tool.asm.directive_table import DATA_SIZES, PASS, TABLE
from w65tool.asm.encoding import fits, hex_text
from w65tool.asm.expr import Sym, Text, evaluate
from w65tool.asm.statements import Directive

# What `.setcpu` (ca65) and `.cpu` (64tass) may name: the one CPU w65 assembles for.
_CPU_NAMES = frozenset({"65816", "65c816", "w65c816", "w65c816s"})


class DirectiveHandlers:
    """The directives' handlers (a base of the assembler)."""

    def _directive(self, st: Directive) -> bool:
        """Apply a directive; True when it ends the program (`end`)."""
        name = st.name
        self.here = self.pc
        size = DATA_SIZES.get(name)
        if size is not None:
            self._data(st, size)
            return False
        handler = self.handlers.get(name)
        if handler is None:
            self._error(f"unknown directive '.{name}'", st.col)
            return False
        return bool(handler(st))

    def _bind_handlers(self) -> None:
        """Each directive the passes run, to its method, as the table names it."""
        self.handlers = {
            name: getattr(self, spec.action) for name, spec in TABLE.items() if spec.stage == PASS
        }

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
        if not st.args:
            self._error(f"'.{name}' needs at least one value", st.col)
            return
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
                self._error(f"value {hex_text(value)} does not fit in {room * 8} bits", arg.col)
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
            self._error(
                f"'.org' address {hex_text(value)} is outside the 24-bit address space", st.col
            )
            return
        self.org_active = True  # ca65: labels from here on are constants, sized by value
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
        if len(st.args) == 1 and self.res_fills:
            self._fill(0, unit, count, st.col)  # ca65: room in a written segment is zeros
        elif len(st.args) == 1:
            self.pc += count * unit
        else:
            self._fill(self._value(st, 1), unit, count, st.arg_cols[1])

    def _fill(self, value: int | None, unit: int, count: int, col: int) -> None:
        """`count` copies of `value` as a byte (`unit` 1) or a little-endian word (2)."""
        if value is not None and not fits(value, unit):
            what = "a byte" if unit == 1 else "a word"
            self._error(f"fill value {hex_text(value)} does not fit in {what}", col)
        self._emit(((value or 0) & ((1 << 8 * unit) - 1)).to_bytes(unit, "little") * count)

    def _d_resb(self, st: Directive) -> None:
        self._reserve(st, 1)

    def _d_resw(self, st: Directive) -> None:
        self._reserve(st, 2)

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

    def _set_width(self, reg: int, bits: int, st: Directive | None = None) -> None:
        if st is not None and not self._args(st, 0, 0):  # `.a8 16` has no meaning
            return
        s = list(self.state)
        s[reg], s[reg + 1] = bits, self.i
        self.state = tuple(s)  # type: ignore[assignment]

    def _d_a8(self, st: Directive) -> None:
        self._set_width(widths.M, 8, st)

    def _d_a16(self, st: Directive) -> None:
        self._set_width(widths.M, 16, st)

    def _d_i8(self, st: Directive) -> None:
        self._set_width(widths.X, 8, st)

    def _d_i16(self, st: Directive) -> None:
        self._set_width(widths.X, 16, st)

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
                self._error(f"the direct page register is 16 bits: {hex_text(value)}", st.col)
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
                self._error(f"the data bank register is 8 bits: {hex_text(value)}", st.col)
            elif value is not None:
                self.databank = value

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

    def _d_equ(self, st: Directive) -> None:
        self._error(f"'.{st.name}' is written '.{st.name} NAME = value'", st.col)

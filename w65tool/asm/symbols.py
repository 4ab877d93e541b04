"""Symbols and scopes: where a name is defined and what a name read in an expression means.

A symbol's key is its name behind the prefixes of the scopes it was defined in
(`delay.loop`); a cheap local `@name` belongs to the last global label (`main@loop`).
Lookups try the innermost scope first. `Symbols` is a base of `passes.Assembler`; the
assembler keeps the tables (`symbols`, `defined`, `kinds`) and the open scopes (`scopes`,
`chain`) for each pass.
"""

from __future__ import annotations

from w65tool.asm.diagnostics import Sink
from w65tool.asm.expr import Expr, Sym
from w65tool.asm.statements import Directive


class Symbols:
    """Definitions, lookups and the scope directives (a base of the assembler)."""

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
        if kind == "label" and self.sizes_by_kind and not self.org_active and not self.zp_segment:
            self.relocatable.add(key)  # ca65: a label its segment places is absolute
        if kind == "label" and name[0] != "@":
            self.last_global = key

    def _forward(self, expr: Expr) -> bool:
        for sym in expr.symbols():
            first = self.defined.get(self._key(sym.name))
            if first is None:
                return True
        return False

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

    def _push_scope(self, prefix: str, kind: str) -> None:
        self.scopes.append((prefix, kind, self.i))
        self.chain = (prefix, *self.chain)

    def _pop_scope(self, st: Directive, kinds: tuple[str, ...]) -> None:
        self._args(st, 0, 0)  # reported; the scope still closes, so no error follows from it
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

    def _d_endf(self, st: Directive) -> None:
        self._pop_scope(st, ("func",))

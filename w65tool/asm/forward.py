"""Lower bounds of forward references, so that the first pass sizes them as the last will.

A label defined further down, with no `.org` between, lies above the line that refers to it;
and addresses only grow from pass to pass. So the current address plus one is a lower bound of
the label's final value, and `label+n` has one too. When the bound is past the direct page,
the operand cannot be direct page in any pass, and the first pass can size it as absolute
instead of guessing direct page and moving every address after it in the second. The bound
never exceeds the final value, so the bytes are those the passes would reach anyway.
"""

from __future__ import annotations

from bisect import bisect_right

from w65tool.asm.expr import Binary, Expr, Sym
from w65tool.asm.statements import Assign, Directive, Instruction, ParsedLine


class ForwardLabels:
    """Where each label name is last defined, and where the address is set anew."""

    def __init__(self, parsed: list[ParsedLine | None]) -> None:
        last: dict[str, int] = {}
        assigned: set[str] = set()
        self.orgs: list[int] = []
        fixed = True
        for i, pl in enumerate(parsed):
            if pl is None:
                continue
            if pl.labels:
                for label in pl.labels:
                    last[label.name] = i
            st = pl.statement
            if type(st) is Instruction:  # most lines: nothing to note
                continue
            if isinstance(st, Assign):
                assigned.add(st.name)
            elif isinstance(st, Directive):
                if st.name in ("func", "proc") and st.args and isinstance(st.args[0], Sym):
                    last[st.args[0].name] = i
                elif st.name in ("org", "dpage"):
                    if st.name == "org":
                        self.orgs.append(i)
                    # an address or direct page that depends on symbols may move down
                    fixed = fixed and all(isinstance(a, int) for a in st.args)
        # a name that is also assigned may resolve to the assigned value
        self.last = {k: v for k, v in last.items() if k not in assigned} if fixed else {}

    def bound(self, e: Expr, line: int, pc: int) -> int | None:
        """A lower bound of the final value of `e`, read on `line` at address `pc` while its
        symbols are not yet defined; None when there is none."""
        if isinstance(e, int):
            return e
        if isinstance(e, Sym):
            last = self.last.get(e.name)
            if last is None or last <= line:
                return None
            k = bisect_right(self.orgs, line)
            if k < len(self.orgs) and self.orgs[k] <= last:
                return None
            return pc + 1
        if isinstance(e, Binary) and e.op in ("add", "sub"):
            a = self.bound(e.a, line, pc)
            if a is None:
                return None
            if e.op == "sub":
                return a - e.b if isinstance(e.b, int) else None
            b = self.bound(e.b, line, pc)
            return None if b is None else a + b
        return None

"""Parsing by token shape: replaying Lark's LALR actions for lines of a known shape.

An LALR parser's shifts and reductions depend only on the token types, never on the token
text. So the first line of each shape (its token types in order) is planned by running Lark's
own parse table over the types, and every later line of that shape replays the plan: shift
each token, call the grammar's callback at each reduction (a one-child `?rule` reduction is
the identity and is left out). The plan is compiled once into a Python function of the
tokens that makes the same calls in the same order, calling the transformer's methods
directly with the children Lark would keep (Lark's own callback where it does more). The
tokens come from Lark's own scanner for the grammar (all terminals, in Lark's order, with its
keyword callbacks), so `grammar.lark` stays the only description of the syntax; a token the
table does not accept where it stands makes the shape unplannable. `parse` returns `UNPLANNED`
then, or for a character no terminal matches, and the caller parses with Lark itself, which
gives the exact error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lark import Lark, Token
from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild
from lark.parsers.lalr_analysis import Shift
from lark.visitors import _vargs_inline

UNPLANNED = object()

# A step: (callback, size). Size -1 shifts the next token (through the callback, if any);
# otherwise the callback reduces the top `size` values to one.
Step = tuple[Callable[[Any], Any] | None, int]


class ShapeParser:
    """Parses lines for a Lark LALR parser built with an inline transformer."""

    def __init__(self, lark: Lark) -> None:
        frontend = lark.parser
        lexer = frontend.lexer.root_lexer
        scanner = lexer.scanner
        (self._regex,) = scanner._mres  # the grammar's terminals fit in one expression
        self._ignore = lexer.ignore_types
        self._token_callbacks = lexer.callback
        parser = frontend.parser.parser
        self._table = parser.parse_table
        self._callbacks = parser.callbacks
        self._plans: dict[tuple[str, tuple[str, ...]], Callable[[list], Any] | None] = {}

    def parse(self, text: str, start: str) -> Any:
        """The transformer's result for `text`, or `UNPLANNED`."""
        scanned = self._tokens(text)
        if scanned is None:
            return UNPLANNED
        tokens, types = scanned
        key = (start, types)
        plans = self._plans
        plan = plans[key] if key in plans else plans.setdefault(key, self._compile(*key))
        if plan is None:
            return UNPLANNED
        return plan(tokens)

    def _tokens(self, text: str) -> tuple[list[Token], tuple[str, ...]] | None:
        """The tokens of `text` and their types; None where no terminal matches."""
        scan = self._regex.scanner(text).match
        ignore = self._ignore
        callbacks = self._token_callbacks
        new = str.__new__
        tokens = []
        types = []
        end = 0
        while (m := scan()) is not None:
            kind = m.lastgroup
            end = m.end()
            if kind in ignore:
                continue
            # Token(kind, value, pos, 1, pos + 1), without its constructor's argument handling
            token = new(Token, value := m.group())
            pos = m.start()
            token.type = kind
            token.value = value
            token.start_pos = pos
            token.line = 1
            token.column = pos + 1
            token.end_line = token.end_column = token.end_pos = None
            if kind in callbacks:
                token = callbacks[kind](token)
                kind = token.type
            tokens.append(token)
            types.append(kind)
        if end != len(text):
            return None
        return tokens, tuple(types)

    def _compile(self, start: str, types: tuple[str, ...]) -> Callable[[list], Any] | None:
        """The plan for `types` as one function of the token list, or None if unplannable."""
        plan = self._plan(start, types)
        if plan is None:
            return None
        env: dict[str, Any] = {}
        code = ["def replay(tokens):"]
        if types:
            code.append(f"    {''.join(f't{k}, ' for k in range(len(types)))}= tokens")
        stack: list[str] = []
        k = 0
        for n, (fn, size) in enumerate(plan):
            if size < 0:
                name = f"t{k}"
                k += 1
                if fn is not None:
                    env[f"f{n}"] = fn
                    code.append(f"    v{n} = f{n}({name})")
                    name = f"v{n}"
                stack.append(name)
                continue
            children = stack[len(stack) - size :]
            del stack[len(stack) - size :]
            call, args = _direct(fn, children)
            if call is None:
                stack.append(args[0])  # a one-child `?rule`: the child itself
                continue
            env[f"f{n}"] = call
            code.append(f"    v{n} = f{n}({', '.join(args)})")
            stack.append(f"v{n}")
        code.append(f"    return {stack[-1]}")
        exec("\n".join(code), env)  # the source is built above from the plan alone
        return env["replay"]

    def _plan(self, start: str, types: tuple[str, ...]) -> list[Step] | None:
        """Lark's `feed_token` loop over token types alone, recording its actions."""
        states = self._table.states
        callbacks = self._callbacks
        end = self._table.end_states[start]
        stack = [self._table.start_states[start]]
        plan: list[Step] = []
        for kind in (*types, "$END"):
            while True:
                action = states[stack[-1]].get(kind)
                if action is None:
                    return None
                op, arg = action
                if op is Shift:
                    if kind == "$END":
                        return None
                    stack.append(arg)
                    plan.append((callbacks.get(kind), -1))
                    break
                size = len(arg.expansion)
                if size:
                    del stack[-size:]
                fn = callbacks[arg]
                if not (size == 1 and isinstance(fn, ExpandSingleChild)):
                    plan.append((fn, size))
                stack.append(states[stack[-1]][arg.origin.name][1])
                if kind == "$END" and stack[-1] == end:
                    return plan


def _direct(fn: Callable, children: list[str]) -> tuple[Callable | None, list[str]]:
    """What a reduction's callback comes down to: a call and its arguments' names.

    Lark's child filter (tokens like `#` dropped) is applied here, once; a transformer
    method taking its children inline is called with them; `?rule` alternatives that keep a
    single child return it (no call). Any other callback is called as Lark calls it.
    """
    if isinstance(fn, ChildFilterLALR_NoPlaceholders) and not any(e for _, e in fn.to_include):
        kept = [children[i] for i, _ in fn.to_include]
        inner = fn.node_builder
        if isinstance(inner, ExpandSingleChild):
            if len(kept) == 1:
                return None, kept
            return inner.node_builder, [f"[{', '.join(kept)}]"]
        return _inline(inner, kept)
    return _inline(fn, children)


def _inline(fn: Callable, children: list[str]) -> tuple[Callable, list[str]]:
    if getattr(fn, "visit_wrapper", None) is _vargs_inline:
        return fn.base_func, children  # type: ignore[attr-defined]
    return fn, [f"[{', '.join(children)}]"]

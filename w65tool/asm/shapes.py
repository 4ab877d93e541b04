"""Parsing by token shape: replaying Lark's LALR actions for lines of a known shape.

An LALR parser's shifts and reductions depend only on the token types, never on the token
text. So the first line of each shape (its token types in order) is planned by running Lark's
own parse table over the types, and every later line of that shape replays the plan: shift
each token, call the grammar's callback at each reduction (a one-child `?rule` reduction is
the identity and is left out). The tokens come from Lark's own scanner for the grammar (all
terminals, in Lark's order, with its keyword callbacks), so `grammar.lark` stays the only
description of the syntax; a token the table does not accept where it stands makes the shape
unplannable. `parse` returns `UNPLANNED` then, or for a character no terminal matches, and the
caller parses with Lark itself, which gives the exact error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lark import Lark, Token
from lark.parse_tree_builder import ExpandSingleChild
from lark.parsers.lalr_analysis import Shift

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
        self._plans: dict[tuple[str, tuple[str, ...]], list[Step] | None] = {}

    def parse(self, text: str, start: str) -> Any:
        """The transformer's result for `text`, or `UNPLANNED`."""
        tokens = self._tokens(text)
        if tokens is None:
            return UNPLANNED
        key = (start, tuple(t.type for t in tokens))
        plans = self._plans
        plan = plans[key] if key in plans else plans.setdefault(key, self._plan(*key))
        if plan is None:
            return UNPLANNED
        values: list = []
        push = values.append
        k = 0
        for fn, size in plan:
            if size < 0:
                token = tokens[k]
                k += 1
                push(token if fn is None else fn(token))
            elif size:
                children = values[-size:]
                del values[-size:]
                push(fn(children))  # type: ignore[misc]
            else:
                push(fn([]))  # type: ignore[misc]
        return values[-1]

    def _tokens(self, text: str) -> list[Token] | None:
        match = self._regex.match
        ignore = self._ignore
        callbacks = self._token_callbacks
        tokens = []
        pos, end = 0, len(text)
        while pos < end:
            m = match(text, pos)
            if m is None:
                return None
            kind = m.lastgroup
            value = m.group()
            if kind not in ignore:
                token = Token(kind, value, pos, 1, pos + 1)
                if kind in callbacks:
                    token = callbacks[kind](token)
                tokens.append(token)
            pos += len(value)
        return tokens

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

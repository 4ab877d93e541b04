"""Parsing by token shape: replaying the grammar's LALR actions for lines of a known shape.

An LALR parser's shifts and reductions depend only on the token types, never on the token
text. So the first line of each shape (its token types in order) is planned by running the
grammar's parse table over the types, and every later line of that shape replays the plan:
shift each token, call the rule's builder method at each reduction (a one-child `?rule`
reduction is the identity and is left out). The plan is compiled once into a Python function
of the tokens that makes the same calls in the same order, with the children Lark would keep;
a long line, or a new shape once enough are compiled, steps through its plan instead.

Everything here works from `Tables`: the scanner's terminals and the parse table as plain
data, which Lark computes from `grammar.lark` (`w65tool.asm.tablegen`), so `grammar.lark`
stays the only description of the syntax and a run needs no Lark. A token the table does not
accept where it stands makes the shape unplannable: `parse` returns `UNPLANNED` then, or for
a character no terminal matches, and the caller parses with Lark itself, which gives the
exact error (and reads `*` as `$` where the scanner, taking no context, calls it a product).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

UNPLANNED = object()

# A line's plan is compiled into a function when the line is at most this many tokens long
# and fewer than MAX_COMPILED shapes have been compiled; any other line replays its plan
# through `_interpret`, one step per action, so a long line or a stream of new shapes costs
# time and memory in proportion to its tokens (a compiled function per long data line would
# not be reused, and compiling one grows faster than its length).
MAX_COMPILED_TOKENS = 128
MAX_COMPILED = 2048
# A line longer than this many characters keeps only where each token lies: the scanner's
# match objects, kept for a plan to read, weigh several hundred bytes each.
LONG_LINE = 4096

# Parse table actions: (SHIFT, state) or (REDUCE, rule number); a nonterminal's entry is the
# state to go to after reducing to it.
SHIFT = 0
REDUCE = 1


class Token(str):
    """A token: its text, with its 1-based `column` (and its text again as `value`).

    What the builder reads of Lark's `Token`, which Lark's own parse passes instead. One is
    built for each name and number of every new line, so it carries nothing else.
    """

    column: int

    @property
    def value(self) -> str:
        """The token's text, as Lark's `Token.value` gives it."""
        return str(self)

    @classmethod
    def make(cls, text: str, column: int) -> Token:
        """A token of `text` at `column`."""
        token = str.__new__(cls, text)
        token.column = column
        return token


class Tree:
    """A rule with no builder method, as Lark gives it: the rule's name and its children."""

    __slots__ = ("children", "data")

    def __init__(self, data: str, children: list) -> None:
        self.data = data
        self.children = children


class Rule:
    """One grammar rule as the parser's callback sees it.

    `name` names the builder method (Lark's alias, else the rule's own name); `keep` is the
    child filter (index, and whether the child is an inlined rule whose children stand in
    for it), None keeping every child; `single` returns a lone kept child itself (`?rule`).
    """

    __slots__ = ("keep", "name", "origin", "single", "size")

    def __init__(
        self,
        origin: str,
        size: int,
        name: str,
        keep: tuple[tuple[int, bool], ...] | None,
        single: bool,
    ) -> None:
        self.origin = origin
        self.size = size
        self.name = name
        self.keep = keep
        self.single = single

    def fields(self) -> tuple:
        """The rule as the generated module writes it."""
        return (self.origin, self.size, self.name, self.keep, self.single)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rule) and self.fields() == other.fields()

    __hash__ = None  # type: ignore[assignment]


class Tables:
    """The scanner and LALR parse table of the grammar, as plain data.

    `terminals` are (name, regular expression) in the scanner's order of preference;
    `unless` maps a terminal to the (name, expression) of terminals that take over a token
    matching them whole (Lark's keyword handling); `states[n]` maps a token or rule name to
    an action; `folded` are the ignored terminals the scanner skips ahead of each token
    (see `foldable`).
    """

    __slots__ = (
        "end_states",
        "flags",
        "folded",
        "ignore",
        "rules",
        "start_states",
        "states",
        "terminals",
        "unless",
    )

    def __init__(
        self,
        terminals: tuple[tuple[str, str], ...],
        flags: int,
        ignore: frozenset[str],
        unless: dict[str, tuple[tuple[str, str], ...]],
        states: tuple[dict[str, tuple[int, int]], ...],
        start_states: dict[str, int],
        end_states: dict[str, int],
        rules: tuple[Rule, ...],
        folded: frozenset[str],
    ) -> None:
        self.terminals = terminals
        self.flags = flags
        self.ignore = ignore
        self.unless = unless
        self.states = states
        self.start_states = start_states
        self.end_states = end_states
        self.rules = rules
        self.folded = folded

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tables) and all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__
        )

    __hash__ = None  # type: ignore[assignment]


def scanner_pattern(terminals: tuple[tuple[str, str], ...], flags: int) -> re.Pattern:
    """The one expression matching any of `terminals`, each in its own named group."""
    return re.compile("|".join(f"(?P<{name}>{regex})" for name, regex in terminals), flags)


def foldable(
    terminals: tuple[tuple[str, str], ...], ignore: frozenset[str], flags: int
) -> frozenset[str]:
    """The ignored character runs (whitespace) the scanner can skip ahead of each token.

    Folding one into the scanner's pattern as a prefix saves a match per gap; it reads the
    same tokens only when no other terminal can begin with a character of its class, which
    is checked here on every ASCII character.
    """
    folded = set()
    for name, regex in terminals:
        if name not in ignore or not re.fullmatch(r"\[[^\]]*\]\+", regex):
            continue
        others = scanner_pattern(tuple(t for t in terminals if t[0] != name), flags)
        own = re.compile(regex, flags)
        starts = [chr(c) for c in range(128) if own.match(chr(c))]
        if starts and not any(others.match(c + "x") for c in starts):
            folded.add(name)
    return frozenset(folded)


def rule_method(builder: object, name: str) -> Callable | None:
    """The builder's method for the rule named `name`, taking its children inline, if any."""
    if name.startswith("_"):
        return None
    method = getattr(builder, name, None)
    return method if callable(method) else None


class ShapeParser:
    """Parses lines with a builder (`LineBuilder`) whose methods are named for the rules."""

    def __init__(self, tables: Tables, builder: object) -> None:
        self._tables = tables
        self._builder = builder
        folded = tables.folded
        terminals = tuple(t for t in tables.terminals if t[0] not in folded)
        # A folded terminal is skipped before each token instead of being a token of its own,
        # one character at a time (`[...]`, not `[...]+`): a run split among repeats of a
        # repeat would make a failing match try every split of every run of blanks.
        skip = "|".join(regex[:-1] for name, regex in tables.terminals if name in folded)
        skip = f"(?:{skip})*" if skip else ""
        self._regex = re.compile(f"{skip}(?:{scanner_pattern(terminals, 0).pattern})", tables.flags)
        self._rest = re.compile(f"{skip}\\Z", tables.flags).match
        self._ignore = tables.ignore
        self._unless = {
            kind: scanner_pattern(alternatives, tables.flags).fullmatch
            for kind, alternatives in tables.unless.items()
        }
        self._plans: dict[tuple[str, tuple[str, ...]], Callable[[list], Any] | None] = {}
        self._methods: dict[str, Callable | None] = {}

    def parse(self, text: str, start: str) -> Any:
        """The builder's result for `text`, or `UNPLANNED`."""
        long = len(text) > LONG_LINE
        scanned = self._scan(text, long)
        if scanned is None:
            return UNPLANNED
        matches, types = scanned
        key = (start, types)
        plans = self._plans
        if key in plans:
            plan = plans[key]
        elif not long and len(types) <= MAX_COMPILED_TOKENS and len(plans) < MAX_COMPILED:
            plan = plans[key] = self._compile(*key)
        else:
            steps = self._plan(start, types)
            if steps is None:
                return UNPLANNED
            if long:  # `matches` holds each token's start and end
                return self._interpret(
                    steps,
                    lambda k: Token.make(
                        text[matches[2 * k] : matches[2 * k + 1]], matches[2 * k] + 1
                    ),
                )
            return self._interpret(steps, lambda k: _token(matches[k]))
        if plan is None:
            return UNPLANNED
        return plan(matches)

    def _interpret(self, plan: list[Rule | None], token: Callable[[int], Token]) -> Any:
        """What the compiled plan would return, by stepping through the plan; `token(k)` is
        the line's `k`th token."""
        methods = self._methods
        stack: list[Any] = []
        shifted = 0
        for rule in plan:
            if rule is None:
                stack.append(token(shifted))
                shifted += 1
                continue
            size = rule.size
            children = stack[len(stack) - size :] if size else []
            if size:
                del stack[len(stack) - size :]
            if rule.keep is None:
                kept = children
            else:
                kept = None
                for i, inlined in rule.keep:
                    child = children[i]
                    if not inlined:
                        if kept is None:
                            kept = [child]
                        else:
                            kept.append(child)
                    elif kept is None and type(child) is Tree:
                        kept = child.children  # the tree is consumed: grow its list in place
                    elif kept is None:
                        kept = list(child.children)
                    else:
                        kept += child.children
                if kept is None:
                    kept = []
            name = rule.name
            method = (
                methods[name]
                if name in methods
                else methods.setdefault(name, rule_method(self._builder, name))
            )
            if rule.single and len(kept) == 1:
                stack.append(kept[0])
            elif method is None:
                stack.append(Tree(name, kept))
            else:
                stack.append(method(*kept))
        return stack[-1]

    def _scan(self, text: str, spans: bool = False) -> tuple[list, tuple[str, ...]] | None:
        """The matches of the tokens of `text` and their types; None where none matches.

        A token object is made later, by the plan, and only for the tokens a builder method
        reads (punctuation like `#` and `,` never reaches one). With `spans`, the list holds
        each token's start and end instead of its match.
        """
        scan = self._regex.scanner(text).match
        ignore = self._ignore
        unless = self._unless
        matches: list = []
        types = []
        add = partial(_add_span, matches) if spans else matches.append
        end = 0
        while (m := scan()) is not None:
            kind = m.lastgroup
            end = m.end()
            if kind in ignore:
                continue
            if kind in unless and (whole := unless[kind](m.group(kind))) is not None:
                kind = whole.lastgroup
            add(m)
            types.append(kind)
        if end != len(text) and self._rest(text, end) is None:
            return None
        return matches, tuple(types)

    def _compile(self, start: str, types: tuple[str, ...]) -> Callable[[list], Any] | None:
        """The plan for `types` as one function of the line's token matches, or None if
        unplannable."""
        plan = self._plan(start, types)
        if plan is None:
            return None
        env: dict[str, Any] = {"Tree": Tree, "token": _token}
        code: list[str] = []
        # Trees of rules without a method, not built yet: their rule names and children. A
        # tree inlined into its parent (Lark's `_rule`s, `x*` lists) is never built at all.
        trees: dict[str, tuple[str, list[str]]] = {}

        def built(value: str) -> str:
            if value in trees:
                data, kids = trees.pop(value)
                kids = [built(k) for k in kids]
                code.append(f"    {value} = Tree({data!r}, [{', '.join(kids)}])")
            return value

        stack: list[str] = []
        shifted = 0
        for n, rule in enumerate(plan):
            if rule is None:
                stack.append(f"t{shifted}")
                shifted += 1
                continue
            children = stack[len(stack) - rule.size :]
            del stack[len(stack) - rule.size :]
            keep = rule.keep if rule.keep is not None else [(i, False) for i in range(rule.size)]
            method = rule_method(self._builder, rule.name)
            if any(inlined and children[i] not in trees for i, inlined in keep):
                # an inlined child built by a method: its children are known only when run
                parts = [f"*{built(children[i])}.children" if e else children[i] for i, e in keep]
                env[f"f{n}"] = _reducer(rule, method)
                code.append(f"    v{n} = f{n}([{', '.join(built(p) for p in parts)}])")
                stack.append(f"v{n}")
                continue
            kept: list[str] = []
            for i, inlined in keep:
                if not inlined:
                    kept.append(children[i])
                elif kept:
                    kept += trees.pop(children[i])[1]
                else:
                    kept = trees.pop(children[i])[1]  # the tree is consumed: grow its list
            if rule.single and len(kept) == 1:
                stack.append(kept[0])  # a one-child `?rule`: the child itself
            elif method is None:
                trees[f"v{n}"] = (rule.name, kept)
                stack.append(f"v{n}")
            else:
                env[f"f{n}"] = method
                code.append(f"    v{n} = f{n}({', '.join(built(k) for k in kept)})")
                stack.append(f"v{n}")
        code.append(f"    return {built(stack[-1])}")
        used = set(re.findall(r"\bt(\d+)\b", "\n".join(code)))
        head = ["def replay(matches):"]
        if types:
            head.append(f"    {''.join(f'm{k}, ' for k in range(len(types)))}= matches")
        head += [f"    t{k} = token(m{k})" for k in range(len(types)) if str(k) in used]
        exec("\n".join(head + code), env)  # the source is built above from the plan alone
        return env["replay"]

    def _plan(self, start: str, types: tuple[str, ...]) -> list[Rule | None] | None:
        """The parser's loop over token types alone: None for a shift, else the rule reduced."""
        tables = self._tables
        states = tables.states
        rules = tables.rules
        end = tables.end_states[start]
        stack = [tables.start_states[start]]
        plan: list[Rule | None] = []
        for kind in (*types, "$END"):
            while True:
                action = states[stack[-1]].get(kind)
                if action is None:
                    return None
                op, arg = action
                if op == SHIFT:
                    if kind == "$END":
                        return None
                    stack.append(arg)
                    plan.append(None)
                    break
                rule = rules[arg]
                if rule.size:
                    del stack[-rule.size :]
                plan.append(rule)
                stack.append(states[stack[-1]][rule.origin][1])
                if kind == "$END" and stack[-1] == end:
                    return plan


def _token(m: re.Match) -> Token:
    # the match begins with the whitespace skipped before the token: read the token's group
    # (the terminal's own group closes last, so it is the match's `lastindex`)
    group = m.lastindex
    token = str.__new__(Token, m.group(group))  # Token.make, without its call
    token.column = m.start(group) + 1
    return token


def _add_span(spans: list[int], m: re.Match) -> None:
    group = m.lastindex  # the token's own group, as in `_token`
    spans += m.span(group)


def _reducer(rule: Rule, method: Callable | None) -> Callable[[list], Any]:
    """A reduction over its kept children, as a list whose length is known only when run."""

    def reduce(kept: list) -> Any:
        if rule.single and len(kept) == 1:
            return kept[0]
        return method(*kept) if method is not None else Tree(rule.name, kept)

    return reduce

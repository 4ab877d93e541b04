"""The grammar's tables from Lark, and the generated module that ships them.

    python -m w65tool.asm.tablegen            # rewrite w65tool/asm/grammar_tables.py
    python -m w65tool.asm.tablegen --check    # exit 1 if it no longer matches grammar.lark

`tables_from_lark` reads a built Lark parser's scanner and LALR table into `shapes.Tables`.
`w65 asm` loads `grammar_tables` instead, so a run imports no Lark; the parser checks the
module's grammar hash and builds the tables with Lark when `grammar.lark` has changed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

from lark import Lark
from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild
from lark.parsers.lalr_analysis import Shift

from w65tool.asm.shapes import REDUCE, SHIFT, Rule, Tables, foldable, scanner_pattern

MODULE = Path(__file__).with_name("grammar_tables.py")


def tables_from_lark(lark: Lark) -> Tables:
    """The scanner and parse table of a Lark LALR parser built with the builder's callbacks."""
    frontend = lark.parser
    lexer = frontend.lexer.root_lexer
    scanner = lexer.scanner
    flags = scanner.g_regex_flags
    terminals = _terminals(scanner, flags)
    unless = {kind: _terminals(cb.scanner, flags) for kind, cb in lexer.callback.items()}
    parser = frontend.parser.parser
    table = parser.parse_table
    rule_list = list(parser.callbacks)
    numbers = {rule: n for n, rule in enumerate(rule_list)}
    rules = tuple(_rule(rule, parser.callbacks[rule]) for rule in rule_list)
    # Lark numbers its states differently from one run to the next: number them in the order
    # a walk from the start states meets them, so the same grammar gives the same tables.
    starts = sorted((str(k), v) for k, v in table.start_states.items())
    order = [state for _, state in starts]
    renumber = {state: n for n, state in enumerate(order)}
    for state in order:  # grows as it goes
        for kind in sorted(table.states[state], key=str):
            op, arg = table.states[state][kind]
            if op is Shift and arg not in renumber:
                renumber[arg] = len(order)
                order.append(arg)
    states = tuple(
        {
            str(kind): (SHIFT, renumber[arg]) if op is Shift else (REDUCE, numbers[arg])
            for kind, (op, arg) in sorted(table.states[state].items(), key=lambda a: str(a[0]))
        }
        for state in order
    )
    ignore = frozenset(lexer.ignore_types)
    return Tables(
        terminals,
        flags,
        ignore,
        unless,
        states,
        {name: renumber[state] for name, state in starts},
        {str(k): renumber[v] for k, v in sorted(table.end_states.items())},
        rules,
        foldable(terminals, ignore, flags),
    )


def _terminals(scanner, flags: int) -> tuple[tuple[str, str], ...]:
    terminals = tuple((str(t.name), t.pattern.to_regexp()) for t in scanner.terminals)
    (compiled,) = scanner._mres  # the grammar's terminals fit in one expression
    # Lark before 1.3 ends each of a keyword scanner's terminals in `$` (matching whole
    # tokens); `shapes` matches those whole with `fullmatch` instead.
    whole = tuple((name, regex + "$") for name, regex in terminals)
    if compiled.pattern not in (
        scanner_pattern(terminals, flags).pattern,
        scanner_pattern(whole, flags).pattern,
    ):
        raise ValueError("this Lark builds its scanner differently; the tables cannot copy it")
    return terminals


def _rule(rule, fn) -> Rule:
    """A rule's callback, taken apart: Lark's child filter, `?rule` expansion, the call."""
    keep = None
    single = False
    if isinstance(fn, ChildFilterLALR_NoPlaceholders):
        keep = tuple((i, bool(inlined)) for i, inlined in fn.to_include)
        fn = fn.node_builder
    if isinstance(fn, ExpandSingleChild):
        single = True
        fn = fn.node_builder
    name = str(rule.alias or rule.options.template_source or rule.origin.name)
    known = isinstance(fn, partial) and fn.args == (name,)  # Lark's tree for the rule
    if not known and getattr(fn, "rule_method", None) != name:
        raise ValueError(f"rule {rule} has a callback the tables cannot describe: {fn!r}")
    return Rule(str(rule.origin.name), len(rule.expansion), name, keep, single)


def render(tables: Tables, grammar: bytes) -> str:
    """The text of the generated module (before `ruff format`)."""
    from w65tool.asm.parser import grammar_hash

    fields = {
        "TERMINALS": tables.terminals,
        "FLAGS": tables.flags,
        "IGNORE": tuple(sorted(tables.ignore)),
        "UNLESS": tables.unless,
        "STATES": tables.states,
        "START_STATES": tables.start_states,
        "END_STATES": tables.end_states,
        "RULES": tuple(r.fields() for r in tables.rules),
        "FOLDED": tuple(sorted(tables.folded)),
    }
    lines = [
        '"""The scanner and LALR tables of grammar.lark, for parsing without Lark.',
        "",
        "Generated by `python -m w65tool.asm.tablegen` from Lark's analysis of the grammar: do",
        "not edit. `w65tool.asm.parser` uses them while GRAMMAR_HASH is the grammar's hash.",
        '"""',
        "",
        f"GRAMMAR_HASH = {grammar_hash(grammar)!r}",
    ]
    for name, value in fields.items():
        lines.append(f"{name} = {value!r}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Write the module, or with `--check` say whether it is current (exit 1 if not)."""
    from w65tool.asm import grammar_tables
    from w65tool.asm.parser import GRAMMAR, build_parser, shipped_tables

    grammar = GRAMMAR.read_bytes()
    tables = tables_from_lark(build_parser(cache=False))
    current = shipped_tables(grammar_tables, grammar) == tables
    if "--check" in argv:
        if not current:
            print(f"{MODULE} is stale: run python -m w65tool.asm.tablegen", file=sys.stderr)
        return 0 if current else 1
    MODULE.write_text(render(tables, grammar))
    ruff = shutil.which("ruff")
    if ruff is not None:
        subprocess.run([ruff, "format", "-q", str(MODULE)], check=False)
    print(f"wrote {MODULE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The generated source of the core is consistent with its own rules."""

from __future__ import annotations

import ast

from w65tool.cpu.kernel import CELLS, generate


def test_every_function_declares_the_cells_it_rebinds():
    # A cell assigned without `nonlocal` would silently become a local of the handler.
    core = ast.parse(generate()).body[0]
    assert isinstance(core, ast.FunctionDef)
    missing = {}
    for function in core.body:
        if not isinstance(function, ast.FunctionDef):
            continue
        declared = {
            name
            for node in ast.walk(function)
            if isinstance(node, ast.Nonlocal)
            for name in node.names
        }
        stored = {
            node.id
            for node in ast.walk(function)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        }
        if (stored & CELLS) - declared:
            missing[function.name] = sorted((stored & CELLS) - declared)
    assert missing == {}


def test_every_opcode_has_a_handler_in_each_table():
    source = generate()
    for table in ("tables", "inline_tables"):
        rows = source.split(f"    {table} = (\n", 1)[1].split("\n    )", 1)[0].splitlines()
        assert len(rows) == 10  # five width states, with any D and with D = 0
        assert all(row.count("op_") == 256 for row in rows)

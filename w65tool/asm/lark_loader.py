"""Loads lark for the assembler, when a line needs it (`parser.build_parser`)."""

from __future__ import annotations

import sys


def import_lark() -> None:
    """Import lark without its optional accelerators.

    When installed, lark imports `regex` and `interegular` at import time (about 15 ms, a
    tenth of `w65 asm`'s run); this grammar needs neither. They are hidden only while lark
    loads, so other code importing them later is unaffected.
    """
    if "lark" in sys.modules:
        return
    hidden = [name for name in ("regex", "interegular") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import lark  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]

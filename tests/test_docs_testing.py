"""docs/testing.md's examples run as written against samples/blink.asm, echo.asm and
led_groups.asm (each `test_` function of the page, with its fixtures, from samples/)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from w65tool.pytest_plugin import EmulatedProgram

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "testing.md"


def examples() -> list[tuple[str, object]]:
    found = []
    for code in re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S):
        namespace: dict[str, object] = {}
        exec(compile(code, str(PAGE), "exec"), namespace)
        found += [(n, f) for n, f in namespace.items() if n.startswith("test_") and callable(f)]
    return found


EXAMPLES = examples()


def test_the_page_has_its_examples():
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("test", [f for _, f in EXAMPLES], ids=[n for n, _ in EXAMPLES])
def test_the_example_passes(test, monkeypatch):
    monkeypatch.chdir(ROOT / "samples")
    boards = {name: EmulatedProgram(name) for name in inspect.signature(test).parameters}
    test(**boards)

"""Every command block of the README and docs/ marked `<!-- runnable -->` runs as written.

The marker is an HTML comment (invisible on GitHub) on the line before a code block, indented
or fenced. In the block, a line starting with `$ ` is a command and the lines after it, up to
the next command, are its output, compared exactly (stdout, then stderr); a `...` line stands
for any number of lines, and `...` within a line for any text (a time that differs per
run). A block with no `$ ` runs each line as a command (a trailing `# comment` is dropped)
and checks only that it succeeds. Commands run in a fresh directory
holding a copy of samples/, with `w65` meaning `python -m w65tool` from this checkout.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = "<!-- runnable -->"


def blocks(page: Path) -> list[tuple[int, list[str]]]:
    """(line number, lines) of each code block after a marker, unindented, fences dropped."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.strip() != MARKER:
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        body: list[str] = []
        if lines[j].startswith("```"):
            j += 1
            while not lines[j].startswith("```"):
                body.append(lines[j])
                j += 1
        else:
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                body.append(lines[j][4:])
                j += 1
            while body and not body[-1].strip():
                body.pop()
        found.append((i + 2, body))
    return found


def steps(body: list[str]) -> list[tuple[str, list[str] | None]]:
    """(command, expected output lines, or None when not shown)."""
    if not any(line.startswith("$ ") for line in body):
        return [(line.split(" #")[0].strip(), None) for line in body if line.strip()]
    out: list[tuple[str, list[str] | None]] = []
    for line in body:
        if line.startswith("$ "):
            out.append((line[2:].split(" #")[0].strip(), []))
        else:
            out[-1][1].append(line)
    return out


def matches(expected: list[str], actual: str) -> bool:
    pattern = "".join(
        r"(?:.*\n)*?" if line == "..." else ".*?".join(map(re.escape, line.split("..."))) + r"\n"
        for line in expected
    )
    return re.fullmatch(pattern, actual) is not None


CASES = [
    pytest.param(page, line, body, id=f"{page.relative_to(ROOT)}:{line}")
    for page in PAGES
    for line, body in blocks(page)
]


def test_some_blocks_are_marked():
    assert len(CASES) >= 3


@pytest.mark.parametrize(("page", "line", "body"), CASES)
def test_the_block_runs_as_written(page, line, body, tmp_path):
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100")
    for command, expected in steps(body):
        argv = shlex.split(command)
        assert argv[0] == "w65", f"{page.name}:{line}: not a w65 command: {command}"
        proc = subprocess.run(
            [sys.executable, "-m", "w65tool", *argv[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        shown = proc.stdout + proc.stderr
        if expected is None or not expected:
            assert proc.returncode == 0, f"{page.name}:{line}: {command}\n{shown}"
        else:
            assert matches(expected, shown), (
                f"{page.name}:{line}: {command} printed\n{shown}\nnot\n" + "\n".join(expected)
            )

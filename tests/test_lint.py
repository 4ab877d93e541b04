"""The code base stays ruff clean (lint and format)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("args", [["check", "--output-format", "concise"], ["format", "--check"]])
def test_ruff_is_clean(args):
    # ruff is a test dependency: a missing one is a broken install, not a reason to skip
    assert shutil.which("ruff"), "ruff is not installed (pip install '.[test]')"
    result = subprocess.run(
        ["ruff", *args, "--no-cache", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr

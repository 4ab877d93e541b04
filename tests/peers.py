"""Running the peer assemblers (ca65+ld65, 64tass) on a source, to compare with w65's bytes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from w65tool.asm import assemble_file


def need(tool: str) -> None:
    """Skip the test, saying why, when the peer is not installed."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")


def run(commands: list[list[str]], cwd: Path) -> None:
    for command in commands:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr + done.stdout


def ca65(source: str, tmp_path: Path, cfg: str | None = None) -> bytes:
    """ca65+ld65's flat binary of `source` (with `cfg`, else ld65's `none` target)."""
    need("ca65")
    need("ld65")
    (tmp_path / "prog.s").write_text(source)
    link = ["ld65", "prog.o", "-o", "peer.bin"]
    if cfg is None:
        link += ["-t", "none"]
    else:
        (tmp_path / "prog.cfg").write_text(cfg)
        link += ["-C", "prog.cfg"]
    run([["ca65", "prog.s", "-o", "prog.o"], link], tmp_path)
    return (tmp_path / "peer.bin").read_bytes()


def tass(source: str, tmp_path: Path) -> bytes:
    """64tass's flat binary of `source`."""
    need("64tass")
    (tmp_path / "prog.s").write_text(source)
    run([["64tass", "--nostart", "--quiet", "prog.s", "-o", "peer.bin"]], tmp_path)
    return (tmp_path / "peer.bin").read_bytes()


def flat(path: Path, **options) -> bytes:
    """w65's image of a file, flat from its lowest to its highest byte, gaps zero (as the
    peers fill them in a flat file)."""
    image = assemble_file(path, **options).image
    out = bytearray(image.high - image.low + 1)
    for start, data in image.segments():
        out[start - image.low : start - image.low + len(data)] = data
    return bytes(out)

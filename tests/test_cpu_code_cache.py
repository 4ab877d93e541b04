"""The per-user cache of compiled code (the generated core): used when it matches, never
when it is damaged, foreign or writable by others, and never in the way of a run."""

from __future__ import annotations

import marshal
import os
import sys

import pytest

from w65tool.cpu import code_cache
from w65tool.cpu.code_cache import compile_cached

NAME = "<test source>"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "w65"


def value_of(code) -> int:
    scope: dict[str, int] = {}
    exec(code, scope)
    return scope["x"]


def entries(cache):
    return sorted(cache.glob("*.code"))


def plant(cache, source: str, payload: bytes, header: bytes | None = None) -> None:
    """Replace the entry of `source` by `payload` under `header` (default: a valid one)."""
    name = code_cache.hashlib.sha256(
        f"{sys.implementation.cache_tag}\0{NAME}\0{source}".encode()
    ).hexdigest()
    (entry,) = entries(cache)
    assert entry.name.endswith(f"-{name[:32]}.code")
    entry.write_bytes((header or code_cache._header(name, payload)) + b"\n" + payload)


def test_a_second_compile_comes_from_the_entry(cache) -> None:
    assert value_of(compile_cached("x = 1", NAME)) == 1
    assert len(entries(cache)) == 1
    # An entry whose header matches its payload is trusted: this one says x = 2.
    plant(cache, "x = 1", marshal.dumps(compile("x = 2", NAME, "exec")))
    assert value_of(compile_cached("x = 1", NAME)) == 2


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b"w65-code 1 deadbeef\n\x00\x01", b"\n" * 3],
)
def test_a_damaged_entry_is_compiled_afresh_and_replaced(cache, damage) -> None:
    compile_cached("x = 1", NAME)
    (entries(cache)[0]).write_bytes(damage)
    assert value_of(compile_cached("x = 1", NAME)) == 1
    assert value_of(compile_cached("x = 1", NAME)) == 1
    assert entries(cache)[0].read_bytes().startswith(code_cache.MAGIC)


def test_a_payload_that_does_not_match_its_header_is_not_run(cache) -> None:
    compile_cached("x = 1", NAME)
    good = entries(cache)[0].read_bytes()
    header = good.split(b"\n", 1)[0]
    plant(cache, "x = 1", marshal.dumps(compile("x = 2", NAME, "exec")), header=header)
    assert value_of(compile_cached("x = 1", NAME)) == 1


def test_another_version_of_the_source_replaces_the_entry(cache) -> None:
    compile_cached("x = 1", NAME)
    compile_cached("x = 3", NAME)
    assert len(entries(cache)) == 1
    compile_cached("x = 3", "<another file>")
    assert len(entries(cache)) == 2


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_may_write_is_never_read(cache) -> None:
    compile_cached("x = 1", NAME)
    plant(cache, "x = 1", marshal.dumps(compile("x = 2", NAME, "exec")))
    cache.chmod(0o777)
    assert value_of(compile_cached("x = 1", NAME)) == 1


def test_an_unwritable_cache_costs_only_the_compile(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert value_of(compile_cached("x = 1", NAME)) == 1
    assert blocker.read_text() == "not a directory"


def test_an_entry_keyed_by_its_inputs_is_used_without_making_the_source(cache, tmp_path):
    made = []

    def source() -> str:
        made.append(1)
        return f"x = {len(made)}"

    inputs = [tmp_path / "a.py", tmp_path / "b.py"]
    for path in inputs:
        path.write_text("# one")
    assert value_of(compile_cached(source, NAME, inputs)) == 1
    assert value_of(compile_cached(source, NAME, inputs)) == 1
    assert len(made) == 1  # the second one came from the entry
    inputs[1].write_text("# two")
    assert value_of(compile_cached(source, NAME, inputs)) == 2
    assert len(entries(cache)) == 1
    inputs[0].unlink()  # an input that cannot be read: keyed by the source, made again
    assert value_of(compile_cached(source, NAME, inputs)) == 3


def test_the_core_is_keyed_by_every_file_of_the_package_its_generator_imports():
    import subprocess
    from pathlib import Path

    from w65tool.cpu.kernel import GENERATOR_FILES

    listing = (
        "import sys, w65tool.cpu.kernel; "
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('w65tool')))"
    )
    import w65tool

    here = {**os.environ, "PYTHONPATH": str(Path(w65tool.__file__).parent.parent)}
    out = subprocess.run([sys.executable, "-c", listing], capture_output=True, text=True, env=here)
    imported = {Path(line).resolve() for line in out.stdout.split()}
    assert imported and imported <= {path.resolve() for path in GENERATOR_FILES}

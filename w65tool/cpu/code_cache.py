"""A per-user cache of compiled code objects, so that a new process skips compiling the
generated core (about 0.2 s) and loads it in a few milliseconds instead.

An entry is named by the SHA-256 of its source (or of the files the source is made from, so
that a hit does not even make the source) and the interpreter's cache tag, and holds a
header (its name and the SHA-256 of its marshalled code) before the code: a damaged, foreign
or stale entry never matches and is compiled afresh. Storing an entry removes the entries of
other versions of the same file, so the cache holds one per generated file. The cache is only
a shortcut: a directory that cannot be created or written (a read-only home, a full disk)
costs the compile and nothing else. It lives in `$XDG_CACHE_HOME/w65` (default
`~/.cache/w65`), made private to the user: code is never loaded from a directory another
user could write to.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
import tempfile
import types
from collections.abc import Callable, Sequence
from pathlib import Path

MAGIC = b"w65-code 1"


def cache_dir() -> Path:
    """Where entries are kept: `$XDG_CACHE_HOME/w65`, else `~/.cache/w65`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "w65"


def _private(directory: Path) -> bool:
    """True when `directory` is a real directory of this user that no one else may write."""
    try:
        info = os.lstat(directory)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid"):
        return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return True  # Windows: the profile's cache belongs to its user


def _source_name(filename: str, source: str) -> str:
    """An entry's name from the text it is compiled from."""
    key = f"{sys.implementation.cache_tag}\0{filename}\0{source}"
    return hashlib.sha256(key.encode()).hexdigest()


def _files_name(filename: str, inputs: Sequence[Path]) -> str | None:
    """An entry's name from the files its text is made from; None when one cannot be read."""
    key = hashlib.sha256(f"{sys.implementation.cache_tag}\0{filename}\0".encode())
    for path in inputs:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        key.update(f"{path.name}\0{len(data)}\0".encode())
        key.update(data)
    return key.hexdigest()


def compile_cached(
    source: str | Callable[[], str], filename: str, inputs: Sequence[Path] = ()
) -> types.CodeType:
    """`compile(source, filename, "exec")`, from the cache when a matching entry is there.

    `source` may be a function that makes the text; with `inputs`, the files it is made from
    (all of them: they are the entry's key), a hit does not call it."""
    text = None if callable(source) else source
    name = _files_name(filename, inputs) if text is None and inputs else None
    if name is None:  # keyed by the text itself
        text = source() if callable(source) else source
        name = _source_name(filename, text)
    directory = cache_dir()
    kind = "".join(c for c in filename if c.isalnum())[:40] or "code"
    path = directory / f"{kind}-{name[:32]}.code"
    if _private(directory):
        try:
            header, payload = path.read_bytes().split(b"\n", 1)
            if header == _header(name, payload):
                code = marshal.loads(payload)
                if isinstance(code, types.CodeType):
                    return code
        except (OSError, ValueError, EOFError, TypeError):
            pass  # missing or damaged: compile afresh
    if text is None:  # a hit would not have needed it
        text = source() if callable(source) else source
    code = compile(text, filename, "exec")
    payload = marshal.dumps(code)
    _store(directory, path, _header(name, payload) + b"\n" + payload)
    return code


def _header(name: str, payload: bytes) -> bytes:
    return b" ".join([MAGIC, name.encode(), hashlib.sha256(payload).hexdigest().encode()])


def _store(directory: Path, path: Path, entry: bytes) -> None:
    """Write an entry whole (a temporary file renamed over it), or not at all."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(directory):
            return
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(entry)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        kind = path.name.rsplit("-", 1)[0]
        for stale in directory.glob(f"{kind}-*.code"):  # another version's entry
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # no cache: the next process compiles again

"""The debug map: what `w65 asm --debug-map FILE` writes so a loaded program can be shown as
its source.

A JSON object, version 1:

    {"format": "w65-debug-map", "version": 1,
     "code": [[address, size, file, line, m, x], ...],   # one entry per line that made bytes
     "files": {file: {line: text, ...}, ...},             # every source line, comments too
     "symbols": {name: value, ...},
     "labels": [name, ...]}                               # symbols naming the program's bytes

`m` and `x` are the widths (8 or 16, or null where unknown) the assembler assumed for the
accumulator and the index registers at that line. Lines inside a macro are given as the
line that called it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from w65tool.errors import W65Error

FORMAT = "w65-debug-map"
VERSION = 1


@dataclass(frozen=True)
class Place:
    """Where the bytes at an address came from, and the widths assumed there."""

    address: int
    size: int
    file: str
    line: int
    m: int | None
    x: int | None


@dataclass
class DebugMap:
    """Address -> source line, the source text, and the symbols of one assembled program."""

    code: list[Place] = field(default_factory=list)
    files: dict[str, dict[int, str]] = field(default_factory=dict)
    symbols: dict[str, int] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._at: dict[int, Place] = {}
        for place in self.code:
            for offset in range(place.size):
                self._at.setdefault(place.address + offset, place)

    def place(self, address: int) -> Place | None:
        """The source line whose bytes hold `address`, or None."""
        return self._at.get(address)

    def lines_around(
        self, file: str, line: int, before: int, count: int
    ) -> list[tuple[int | None, int, str]]:
        """Source lines of `file` from `before` lines above `line`: (address, number, text),
        the address where the line made bytes."""
        text = self.files.get(file, {})
        starts: dict[int, int] = {}
        for place in self.code:
            if place.file == file:
                starts.setdefault(place.line, place.address)
        first = max(1, line - before)
        last = max(text, default=0)
        return [
            (starts.get(n), n, text.get(n, ""))
            for n in range(first, min(last, first + count - 1) + 1)
        ]

    def address_of(self, file: str, line: int) -> int | None:
        """The first address the line `file:line` made bytes at, or None."""
        for place in self.code:
            if place.line == line and (place.file == file or Path(place.file).name == file):
                return place.address
        return None

    def to_json(self) -> str:
        """The map as JSON text (see the module docstring)."""
        return (
            json.dumps(
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "code": [[p.address, p.size, p.file, p.line, p.m, p.x] for p in self.code],
                    "files": {
                        f: {str(n): t for n, t in lines.items()} for f, lines in self.files.items()
                    },
                    "symbols": self.symbols,
                    "labels": self.labels,
                },
                indent=1,
            )
            + "\n"
        )


def from_result(result) -> DebugMap:
    """The debug map of an `AsmResult`."""
    spans = [(start, start + len(data)) for start, data in result.image.segments()]
    code: list[Place] = []
    files: dict[str, dict[int, str]] = {}
    for row in result.rows:
        origin = row.line.origin
        name = str(origin.file)
        files.setdefault(name, {})[origin.line] = origin.text.rstrip()
        if row.data and row.address is not None:
            m, x = row.widths if row.widths is not None else (None, None)
            code.append(Place(row.address, len(row.data), name, origin.line, m, x))
    labels = sorted(n for n, v in result.symbols.items() if any(a <= v < b for a, b in spans))
    return DebugMap(code, files, dict(result.symbols), labels)


def load(path: str | Path) -> DebugMap:
    """Read a debug map; a file that is not one raises `W65Error` saying what and where."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise W65Error(f"cannot read debug map {path}: {err.strerror or err}") from None
    except ValueError as err:
        raise W65Error(f"{path}: not a debug map (not JSON: {err})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise W65Error(f"{path}: not a debug map (written by w65 asm --debug-map)")
    if raw.get("version") != VERSION:
        raise W65Error(
            f"{path}: debug map version {raw.get('version')!r}, this w65 reads {VERSION}"
        )
    try:
        code = [Place(int(a), int(s), str(f), int(n), m, x) for a, s, f, n, m, x in raw["code"]]
        files = {f: {int(n): str(t) for n, t in lines.items()} for f, lines in raw["files"].items()}
        symbols = {str(k): int(v) for k, v in raw["symbols"].items()}
        labels = [str(n) for n in raw.get("labels", [])]
    except (KeyError, TypeError, ValueError) as err:
        raise W65Error(f"{path}: damaged debug map ({err})") from None
    return DebugMap(code, files, symbols, labels)


def beside(program: str | Path) -> Path:
    """Where the TUI looks for the map of a HEX or S28 file: `prog.hex` -> `prog.dbg.json`."""
    path = Path(program)
    return path.with_suffix(".dbg.json")

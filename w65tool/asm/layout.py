"""Where segments go: ca65's `.segment`s (and WDC's sections) placed by an ld65-style memory
layout, or, without one, one after another from where the first one starts.

`read_cfg` reads the part of an ld65 configuration file that places bytes: the MEMORY areas'
`start` (and `size`), and each SEGMENT's `load` area, `type`, `start`, `align` and `offset`.
Anything else in the file is an error naming it, so a layout is never half-understood.
"""

from __future__ import annotations

import re
from pathlib import Path

from w65tool.errors import W65Error, cannot_read


class Segment:
    """One segment of a layout: its memory area, type (zp/ro/rw/bss), fixed start, align."""

    __slots__ = ("align", "memory", "name", "start", "type")

    def __init__(
        self, name: str, memory: str, kind: str, start: int | None, align: int | None
    ) -> None:
        self.name = name
        self.memory = memory
        self.type = kind
        self.start = start
        self.align = align


class Layout:
    """Memory areas (name -> start) and segments, in the order the file lists them."""

    __slots__ = ("memory", "segments")

    def __init__(self, memory: dict[str, int], segments: list[Segment]) -> None:
        self.memory = memory
        self.segments = {s.name: s for s in segments}

    def base(self, name: str, sizes: dict[str, int]) -> int | None:
        """The start of segment `name` given the other segments' `sizes` (None: not listed)."""
        seg = self.segments.get(name)
        if seg is None:
            return None
        if seg.start is not None:
            return seg.start
        at = self.memory[seg.memory]
        for other in self.segments.values():
            if other.memory != seg.memory:
                continue
            if other.start is not None:
                at = other.start
            if other.align:
                at += -at % other.align
            if other is seg:
                return at
            at += sizes.get(other.name, 0)
        return at


_BLOCK = re.compile(r"(\w+)\s*\{(.*?)\}", re.S)
_ENTRY = re.compile(r"(\w+)\s*:\s*([^;]*);")
_ATTR = re.compile(r"(\w+)\s*=\s*(\"[^\"]*\"|%?\w+|\$[0-9A-Fa-f]+)")
_MEMORY_KEYS = frozenset({"start", "size", "file", "fill", "fillval", "type", "define"})
_SEGMENT_KEYS = frozenset({"load", "type", "start", "align", "define", "optional", "run"})


def _number(text: str, where: str) -> int:
    try:
        if text.startswith("$"):
            return int(text[1:], 16)
        if text.lower().startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    except ValueError:
        raise W65Error(f"{where}: '{text}' is not a number w65 can read here") from None


def read_cfg(path: Path) -> Layout:
    """The layout an ld65 configuration file describes; what w65 cannot follow is an error."""
    try:
        text = path.read_text()
    except OSError as err:
        raise cannot_read(path, err) from None
    text = re.sub(r"#[^\n]*", "", text)
    memory: dict[str, int] = {}
    segments: list[Segment] = []
    for block, body in _BLOCK.findall(text):
        kind = block.upper()
        if kind not in ("MEMORY", "SEGMENTS"):
            raise W65Error(f"{path}: w65 reads MEMORY and SEGMENTS only, not {block}")
        for name, attrs in _ENTRY.findall(body):
            values = dict((k.lower(), v) for k, v in _ATTR.findall(attrs))
            where = f"{path}: {name}"
            allowed = _MEMORY_KEYS if kind == "MEMORY" else _SEGMENT_KEYS
            extra = sorted(set(values) - allowed)
            if extra:
                raise W65Error(f"{where}: w65 does not read '{extra[0]}'")
            if kind == "MEMORY":
                if "start" not in values:
                    raise W65Error(f"{where}: a memory area needs a start")
                memory[name] = _number(values["start"], where)
                continue
            if "run" in values and values["run"] != values.get("load"):
                raise W65Error(f"{where}: a run address apart from the load address")
            load = values.get("load")
            if load not in memory:
                raise W65Error(f"{where}: load = {load} is not a MEMORY area above")
            start = values.get("start")
            align = values.get("align")
            segments.append(
                Segment(
                    name,
                    load,
                    values.get("type", "rw").lower(),
                    None if start is None else _number(start, where),
                    None if align is None else _number(align, where),
                )
            )
    return Layout(memory, segments)

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
from w65tool.image import Image


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


class Memory:
    """A memory area: where it starts, its size, whether ld65 writes it to the output file
    (`file = %O`; `file = ""` is not written) and fills it to its size (`fill`, `fillval`)."""

    __slots__ = ("fill", "fillval", "size", "start", "written")

    def __init__(
        self, start: int, size: int | None, written: bool, fill: bool, fillval: int
    ) -> None:
        self.start = start
        self.size = size
        self.written = written
        self.fill = fill
        self.fillval = fillval


class Layout:
    """Memory areas (name -> start) and segments, in the order the file lists them."""

    __slots__ = ("areas", "memory", "segments")

    def __init__(
        self, memory: dict[str, int], segments: list[Segment], areas: dict[str, Memory]
    ) -> None:
        self.memory = memory
        self.segments = {s.name: s for s in segments}
        self.areas = areas

    def output(self, image: Image) -> None:
        """The bytes as ld65 writes them: an area with `fill = yes` filled to its size (the
        passes place no bytes of a segment in an area ld65 does not write)."""
        for area in self.areas.values():
            if area.written and area.fill and area.size is not None:
                filled = Image()
                filled.put(area.start, bytes([area.fillval]) * area.size)
                for start, payload in image.segments():
                    if start < area.start + area.size and start + len(payload) > area.start:
                        filled.put(start, payload)
                for start, payload in filled.segments():
                    image.put(start, payload)

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
    areas: dict[str, Memory] = {}
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
                areas[name] = _area(memory[name], values, where)
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
    return Layout(memory, segments, areas)


def _area(start: int, values: dict[str, str], where: str) -> Memory:
    file = values.get("file", "%O")
    if file not in ("%O", '""'):
        raise W65Error(f'{where}: w65 writes one output: file = %O, or "" for none')
    fill = values.get("fill", "no").lower()
    if fill not in ("yes", "no"):
        raise W65Error(f"{where}: fill is yes or no, not {fill}")
    size_text = values.get("size")
    size = None
    if size_text is not None and (size_text[0] in "$%" or size_text[0].isdigit()):
        size = _number(size_text, where)
    written = file == "%O"
    if size is None and fill == "yes":
        raise W65Error(f"{where}: w65 needs the size as a number here")
    fillval = _number(values.get("fillval", "0"), where)
    if not 0 <= fillval <= 0xFF:
        raise W65Error(f"{where}: fillval is a byte, not {fillval}")
    return Memory(start, size, written, fill == "yes", fillval)

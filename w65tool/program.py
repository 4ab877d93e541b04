"""A program file as the commands take it: assembly source (assembled first), or an image.

`w65 run`, `w65 load`, `w65 sim` and the TUI's upload all read FILE through `read_program`,
so they accept the same suffixes and report the same errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from w65tool.errors import W65Error, check_input_file
from w65tool.image import Image

if TYPE_CHECKING:
    from w65tool.debug_map import DebugMap  # dataclasses: kept off `w65 asm`'s start

SOURCE_SUFFIXES = frozenset({".asm", ".s", ".s65", ".a65", ".65s", ".inc", ".src"})
"""Suffixes read as assembly source; any other file is Intel HEX, S-records or binary."""


class Program:
    """An image ready to load, the symbols its source defines, and the assembler's warnings."""

    __slots__ = ("debug_map", "image", "symbols", "warnings")
    image: Image
    symbols: dict[str, int]
    warnings: list[str]
    """Each warning as the assembler renders it (`file:line:col: warning: ...`, source, caret)."""

    def __init__(
        self,
        image: Image,
        symbols: dict[str, int] | None = None,
        warnings: list[str] | None = None,
        debug_map: DebugMap | None = None,
    ) -> None:
        self.debug_map = debug_map  # source lines by address, where known
        self.image = image
        self.symbols = {} if symbols is None else symbols
        self.warnings = [] if warnings is None else warnings

    @property
    def entry(self) -> int | None:
        """Where to start it: the image's entry, else its lowest address."""
        return self.image.start_address()


def parse_defines(items: Iterable[str]) -> dict[str, str]:
    """`-D NAME=VALUE` options as a dict; a bare `-D NAME` means 1."""
    values: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not name.isidentifier():
            raise W65Error(f"-D {item}: '{name}' is not a name")
        values[name] = value if eq else "1"
    return values


def read_program(
    path_text: str | Path,
    *,
    include_dirs: Iterable[str | Path] = (),
    defines: Iterable[str] = (),
    org: int | None = None,
    compat: str | None = None,
    cfg: str | Path | None = None,
) -> Program:
    """The program in the file; raises `W65Error` (an `AsmError` for bad source).

    `org` places a raw binary file; source sets its own address with `.org`. `compat` and
    `cfg` are the assembler's dialect and ld65 layout for source. An empty image is an
    error: there would be nothing to load or run.
    """
    if not str(path_text):
        raise W65Error("no file given")
    path = Path(path_text).expanduser()
    check_input_file(path)
    if path.suffix.lower() in SOURCE_SUFFIXES:
        if org is not None:
            raise W65Error("--org is for .bin files; source sets its own address with .org")
        from w65tool.asm import assemble_file

        values = parse_defines(defines)
        result = assemble_file(
            path, include_dirs=list(include_dirs), defines=values or None, compat=compat, cfg=cfg
        )
        from w65tool.debug_map import from_result

        program = Program(
            result.image,
            dict(result.symbols),
            [d.render() for d in result.diagnostics],
            from_result(result),
        )
    else:
        from w65tool.debug_map import beside, load

        found = beside(path)
        debug = load(found) if found.is_file() else None
        program = Program(Image.load(path, org), debug.symbols if debug else None, None, debug)
    if not len(program.image):
        raise W65Error(f"{path}: holds no bytes to load")
    return program

"""A program file for upload: HEX or S-records as they are, assembly source assembled first."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from w65tool.errors import W65Error
from w65tool.image import Image

SOURCE_SUFFIXES = frozenset({".asm", ".s65", ".a65", ".inc"})
"""Suffixes read as assembly source; everything else is a HEX or S-record file."""


@dataclass
class Program:
    """An image ready to load, the symbols it defines, and the assembler's warnings."""

    image: Image
    symbols: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def entry(self) -> int | None:
        """Where to start it: the image's entry, else its lowest address."""
        return self.image.start_address()


def read_program(path_text: str) -> Program:
    """The program in the file: raises `W65Error` (an `AsmError` for bad source)."""
    if not path_text:
        raise W65Error("no file given: type a path or press Browse")
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise W65Error(f"cannot read {path}: no such file")
    if path.suffix.lower() in SOURCE_SUFFIXES:
        from w65tool.asm import assemble_file

        result = assemble_file(path)
        warnings = [str(d) for d in result.diagnostics]
        return Program(result.image, dict(result.symbols), warnings)
    image = Image.load(path)
    if not len(image):
        raise W65Error(f"{path}: holds no data to load")
    return Program(image)

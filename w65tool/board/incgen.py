"""Generate `asm/w65c265.inc` from the register table, so source and emulator agree.

    python -m w65tool.board.incgen            # rewrite asm/w65c265.inc
    python -m w65tool.board.incgen --check    # exit 1 if the file is out of date

The file uses `NAME equ value`, which w65 reads as a numeric constant and naken_asm as a
text substitution: either way the names assemble to the same bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from w65tool.board.registers import REGISTERS, VECTORS_NATIVE, vector

INC_PATH = Path(__file__).resolve().parents[2] / "asm" / "w65c265.inc"


def render() -> str:
    """The text of `w65c265.inc`."""
    width = max(len(r.name) for r in REGISTERS) + 1
    lines = [
        "; w65c265.inc - W65C265S on-chip I/O registers, bit masks and interrupt vectors.",
        "; Generated from w65tool/board/registers.py by `python -m w65tool.board.incgen`;",
        '; do not edit by hand. Usage: .include "w65c265.inc"',
        "",
        "; -- registers (bank $00) --",
    ]
    for reg in REGISTERS:
        lines.append(f"{reg.name:<{width}} equ ${reg.address:04X}  ; {reg.description}")
    lines += ["", "; -- bit masks --"]
    seen: set[str] = set()
    for reg in REGISTERS:
        for name, mask in reg.bits.items():
            if name not in seen:
                seen.add(name)
                lines.append(f"{name:<16} equ ${mask:02X}  ; {reg.name.rstrip('0123456789')}")
    lines += ["", "; -- interrupt vectors: native mode, and emulation mode (_E) --"]
    for source in VECTORS_NATIVE:
        lines.append(f"VEC_{source:<12} equ ${vector(source, False):04X}")
    for source in VECTORS_NATIVE:
        lines.append(f"VEC_{source + '_E':<12} equ ${vector(source, True):04X}")
    return "\n".join(lines) + "\n"


def write_or_check(path: Path, text: str, module: str, argv: list[str]) -> int:
    """Write `text` to the include file `path`, or with --check in `argv` report whether it
    is current (exit 1 if not, naming `module`, which regenerates it)."""
    if "--check" in argv:
        current = path.read_text() if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run python -m {module}")
            return 1
        return 0
    path.write_text(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Write the include file, or with --check report whether it is current."""
    argv = sys.argv[1:] if argv is None else argv
    return write_or_check(INC_PATH, render(), "w65tool.board.incgen", argv)


if __name__ == "__main__":
    sys.exit(main())

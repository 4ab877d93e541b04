"""Generate `asm/monitor.inc` (the ROM monitor's entry points) from the routine table.

    python -m w65tool.board.monitor.include            # rewrite asm/monitor.inc
    python -m w65tool.board.monitor.include --check    # exit 1 if the file is out of date

Names are WDC's (E_JUMPS.H): programs written for WDC's header assemble unchanged. The five
routines WDC's header spells with a leading underscore (`_GET_CHR` ...) get both spellings,
and the reset entry is both `R_RESET` (WDC's) and `RESET`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from w65tool.board.monitor import layout as L

INC_PATH = Path(__file__).resolve().parents[3] / "asm" / "monitor.inc"

WDC_NAMES = {
    "ALTER_MEMORY": "Alter_Memory",
    "DUMPS28": "DumpS28",
    "DUMP_1_LINE_TO_OUTPUT": "Dump_1_line_to_Output",
    "DUMP_1_LINE_TO_SCREEN": "Dump_1_line_to_Screen",
    "DUMP_TO_OUTPUT": "Dump_to_Output",
    "DUMP_TO_PRINTER": "Dump_to_Printer",
    "DUMP_TO_SCREEN": "Dump_to_Screen",
    "DUMP_TO_SCREEN_ASCII": "Dump_to_Screen_ASCII",
    "DUMP_IT": "Dump_It",
    "FILL_MEMORY": "FILL_Memory",
    "GET_ADDRESS": "Get_Address",
    "GET_E_ADDRESS": "Get_E_Address",
    "GET_S_ADDRESS": "Get_S_Address",
    "SET_BREAKPOINT": "SET_Breakpoint",
    "RESET": "R_RESET",
}
ALIASES = {
    "GET_CHR": "_GET_CHR",
    "GET_PUT_CHR": "_GET_PUT_CHR",
    "PUT_CHR": "_PUT_CHR",
    "SEND_CR": "_SEND_CR",
    "SEND_SPACE": "_SEND_SPACE",
    "RESET": "RESET",
}
SLOTS = (
    "UBRK",
    "UNMI",
    "UNIRQ",
    "COPIRQ",
    "IABORT",
    "PIBIRQ",
    "EDGEIRQS",
    "UNIRQT7",
    "UNIRQT2",
    "UNIRQT1",
    "UNIRQT0",
    "USER_CMD",
    "URESTART",
    "UALRMIRQ",
)


def names() -> dict[str, int]:
    """Every symbol of the include file and its value."""
    out: dict[str, int] = {}
    for key, address in L.ROUTINES.items():
        out[WDC_NAMES.get(key, key)] = address
        if key in ALIASES:
            out[ALIASES[key]] = address
    return out


def render() -> str:
    """The text of `monitor.inc`."""
    lines = [
        "; monitor.inc - the W65C265 ROM monitor's entry points (call with JSL, native mode).",
        "; Generated from w65tool/board/monitor/layout.py by",
        "; `python -m w65tool.board.monitor.include`; do not edit by hand.",
        '; Usage: .include "monitor.inc"   (see docs/monitor.md for what each one does)',
        "",
        "; -- the jump table at $00:E000 --",
    ]
    width = max(len(n) for n in names()) + 1
    for name, address in names().items():
        lines.append(f"{name:<{width}} equ ${address:06X}")
    lines += [
        "",
        "; -- page-1 JML slots the vectors go through (4 bytes each: JML address) --",
    ]
    for k, name in enumerate(SLOTS):
        lines.append(f"{name:<{width}} equ ${L.UBRK + 4 * k:04X}")
    lines += [
        "",
        "; -- the registers the monitor saves at BRK and restores at G/J ($00:DF80) --",
        f"{'MON_ACC':<{width}} equ ${L.ACC:04X}  ; 2 bytes, then X Y S D (2 each), DBR, P",
        f"{'MON_PC':<{width}} equ ${L.PCL:04X}  ; 3 bytes: PCL PCH PBR",
        f"{'MON_FREE_RAM':<{width}} equ $00C0  ; $00C0-$00FF: page 0 the monitor leaves free",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the include file, or with --check report whether it is current."""
    from w65tool.board.incgen import write_or_check

    argv = sys.argv[1:] if argv is None else argv
    return write_or_check(INC_PATH, render(), "w65tool.board.monitor.include", argv)


if __name__ == "__main__":
    sys.exit(main())

"""Every directive w65 reads, in one table: who runs it, and how it may be written.

The expander runs the directives that work on text (`EXPAND`: includes, defines, macros,
repeats, conditions); the passes run the rest, data directives (`DATA`, of a fixed item size)
through one handler and every other (`PASS`) through the assembler method the table names.
A directive marked `dotless` may also be written without its dot (`org $1000`). The line
builder, the expander and the passes all read this table; a directive missing from it is
unknown everywhere (`unknown directive '.x'`), never read another way.
"""

from __future__ import annotations

EXPAND = "expand"
DATA = "data"
PASS = "pass"


class Spec:
    """One directive: its stage, and its action there (the expander's kind of line, the
    assembler's method name, or the item size in bytes of a data directive)."""

    __slots__ = ("action", "dotless", "size", "stage")

    def __init__(self, stage: str, action: str, size: int, dotless: bool) -> None:
        self.stage = stage
        self.action = action
        self.size = size
        self.dotless = dotless


TABLE: dict[str, Spec] = {}


def _add(names: str, stage: str, action: str = "", size: int = 0, dotless: bool = True) -> None:
    for name in names.split():
        TABLE[name] = Spec(stage, action or name, size, dotless)


# -- the expander: text before any pass ------------------------------------------------------
for _kind, _names in {
    "define": "define",
    "undef": "undef",
    "include": "include",
    "macro": "macro",
    "endm": "endm endmacro",
    "repeat": "repeat rept",
    "for": "for",  # `.for NAME, START, CONDITION, NEXT`: a repeat over NAME's values
    "endr": "endr endrep endrepeat endfor",
    "if": "if",
    "ifdef": "ifdef",
    "ifndef": "ifndef",
    "ifblank": "ifblank",  # ca65, on a macro's argument
    "ifnblank": "ifnblank",
    "ifsame": "ifsame",  # WDC, two texts (a macro's arguments)
    "ifnsame": "ifnsame",
    "elif": "elif elseif",
    "else": "else",
    "endif": "endif",
}.items():
    _add(_names, EXPAND, _kind)

# -- data: items of one size -----------------------------------------------------------------
_add("db dc8 byte ascii asciiz", DATA, size=1)
_add("text", DATA, size=1, dotless=False)  # 64tass
_add("dw dc16 word", DATA, size=2)
_add("addr", DATA, size=2, dotless=False)  # ca65: any 24-bit address, its low 16 bits
_add("dl dc24 long faraddr", DATA, size=3)
_add("dc32 dd dword", DATA, size=4)
_add("dc64 dq", DATA, size=8)

# -- the passes: the assembler's method for each -----------------------------------------------
_add("org", PASS, "_d_org")
_add("resb res ds fill", PASS, "_d_resb")
_add("resw", PASS, "_d_resw")
_add("align", PASS, "_d_align")
_add("align_bytes", PASS, "_d_align_bytes")
_add("data_fill", PASS, "_d_data_fill")
_add("entry_point", PASS, "_d_entry_point")
_add("end", PASS, "_d_end")
_add("equ set", PASS, "_d_equ")  # only in `NAME .equ value` and `.set NAME = value`
_add("65816 65c816", PASS, "_d_65816")
_add("p816", PASS, "_d_65816", dotless=False)  # ca65
_add("setcpu cpu", PASS, "_d_setcpu", dotless=False)  # ca65, 64tass
_add("a8 as", PASS, "_d_a8")
_add("a16 al", PASS, "_d_a16")
_add("i8 xs", PASS, "_d_i8")
_add("i16 xl", PASS, "_d_i16")
_add("longa", PASS, "_d_longa")
_add("longi", PASS, "_d_longi")
_add("dpage", PASS, "_d_dpage")
_add("databank", PASS, "_d_databank")
_add("scope", PASS, "_d_scope")
_add("ends", PASS, "_d_ends")
_add("func proc", PASS, "_d_func")
_add("endf endproc", PASS, "_d_endf")
_add("binfile", PASS, "_d_binfile")
_add("incbin binary", PASS, "_d_binfile", dotless=False)  # ca65, 64tass
# the peers' segments, placing, width switches and checks (`dialect_directives`), in the
# spellings their line readers write
_add("segment", PASS, "_d_segment", dotless=False)
_add("code rodata data bss zeropage", PASS, "_d_code", dotless=False)
_add("pushseg", PASS, "_d_pushseg", dotless=False)
_add("popseg", PASS, "_d_popseg", dotless=False)
_add("endsection", PASS, "_d_endsection", dotless=False)  # WDC's ENDS
_add("logical", PASS, "_d_logical", dotless=False)
_add("here", PASS, "_d_here", dotless=False)
_add("reloc", PASS, "_d_reloc", dotless=False)
_add("smart", PASS, "_d_smart", dotless=False)
_add("autsiz mansiz", PASS, "_d_autsiz", dotless=False)
_add("assert", PASS, "_d_assert", dotless=False)
_add("longbranch", PASS, "_d_longbranch", dotless=False)  # ca65's jeq ... (.macpack)
_add("virtual", PASS, "_d_virtual", dotless=False)  # 64tass, and the layout of structures
_add("endv endvirtual", PASS, "_d_endv", dotless=False)

# What the other modules read, built once from the table.
EXPANDER_KINDS = {name: s.action for name, s in TABLE.items() if s.stage == EXPAND}
DATA_SIZES = {name: s.size for name, s in TABLE.items() if s.stage == DATA}
DOTLESS = frozenset(name for name, s in TABLE.items() if s.dotless and s.stage != EXPAND)
# the directives that insert a file's bytes: `assemble` reads those files before the passes
BINFILE = frozenset(name for name, s in TABLE.items() if s.action == "_d_binfile")

"""Dialects: the rules by which `w65 asm` reads a source, chosen with `--compat`.

One `Dialect` object travels from `assemble` to the expander, the line parser and the passes,
each reading the rules it needs. The default (`w65`) reads WDC's standard spellings and warns
where naken_asm reads the same text otherwise; `naken` takes naken_asm's meanings; `ca65`,
`64tass` and `wdc` read their peer's own syntax. The peers' syntax reaches the grammar through
a line reader (`reader`): it rewrites each source line into w65's spelling, keeping a column
map, and refuses what it cannot rewrite with a located error; `finish` then resolves what
only the whole expanded program tells (anonymous labels, sections).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from w65tool.asm.dialect_text import Reader


class Dialect:
    """What differs between the dialects w65 reads (a plain class: `dataclasses` would add
    to every run's start-up)."""

    __slots__ = (
        "align_bits",
        "auto_widths",
        "bare_absolute",
        "dl_size",
        "fixed_immediates",
        "fold_case",
        "forward_absolute",
        "labels_absolute",
        "naken_warnings",
        "name",
        "octal_zero",
        "reader",
        "res_fills",
        "start_width",
        "textual_equ",
        "warn_jump_long",
        "written_mvn_order",
    )

    def __init__(
        self,
        name: str,
        *,
        octal_zero: bool = False,
        textual_equ: bool = False,
        fixed_immediates: bool = False,
        written_mvn_order: bool = False,
        dl_size: int = 3,
        align_bits: bool = False,
        naken_warnings: bool = False,
        warn_jump_long: bool = True,
        forward_absolute: bool = False,
        bare_absolute: bool = False,
        labels_absolute: bool = False,
        start_width: int | None = None,
        auto_widths: bool = True,
        fold_case: bool = False,
        res_fills: bool = False,
        reader: Callable[[], Reader] | None = None,
    ) -> None:
        self.name = name
        # naken_asm's meanings: `017` is octal; `NAME equ text` substitutes the text;
        # immediates are 16-bit unless `.b` or a byte selector; `mvn a,b` keeps the written
        # order; `.dl` is `dl_size` bytes; `.align` counts bits and writes zeros
        self.octal_zero = octal_zero
        self.textual_equ = textual_equ
        self.fixed_immediates = fixed_immediates
        self.written_mvn_order = written_mvn_order
        self.dl_size = dl_size
        self.align_bits = align_bits
        # the default dialect's warnings where naken_asm reads the text otherwise
        self.naken_warnings = naken_warnings
        self.warn_jump_long = warn_jump_long  # `jmp` to another bank assembled as `jml`
        # address sizes: a forward reference is absolute (ca65, naken_asm); an operand
        # without `<` is never direct page (WDC); a label outside a zero-page segment is
        # absolute (ca65)
        self.forward_absolute = forward_absolute
        self.bare_absolute = bare_absolute
        self.labels_absolute = labels_absolute
        # register widths: A and X at the start (the peers start 8-bit); whether rep, sep,
        # xce, plp and jumps to labels change them (the peers follow only their directives,
        # unless told otherwise: ca65's `.smart`, 64tass's `.autsiz`)
        self.start_width = start_width
        self.auto_widths = auto_widths
        # names ignore case (64tass's default): the reader writes them in lower case, and
        # -D names are taken so
        self.fold_case = fold_case
        # `.res n` writes n zero bytes outside bss and zero-page segments (ca65 with ld65)
        self.res_fills = res_fills
        # the peer's syntax, rewritten line by line (None: w65's own)
        self.reader = reader

    def __repr__(self) -> str:
        return f"Dialect({self.name!r})"


W65 = Dialect("w65", naken_warnings=True)
NAKEN = Dialect(
    "naken",
    octal_zero=True,
    textual_equ=True,
    fixed_immediates=True,
    written_mvn_order=True,
    dl_size=4,
    align_bits=True,
    warn_jump_long=False,
    forward_absolute=True,
)


def _ca65() -> Reader:
    from w65tool.asm.dialect_ca65 import Ca65Reader

    return Ca65Reader()


def _tass() -> Reader:
    from w65tool.asm.dialect_64tass import TassReader

    return TassReader()


def _wdc() -> Reader:
    from w65tool.asm.dialect_wdc import WdcReader

    return WdcReader()


CA65 = Dialect(
    "ca65",
    forward_absolute=True,
    labels_absolute=True,
    start_width=8,
    auto_widths=False,
    res_fills=True,
    reader=_ca65,
)
TASS = Dialect("64tass", start_width=8, auto_widths=False, fold_case=True, reader=_tass)
WDC = Dialect("wdc", bare_absolute=True, start_width=8, auto_widths=False, reader=_wdc)

DIALECTS = {d.name: d for d in (W65, NAKEN, CA65, TASS, WDC)}
COMPAT_NAMES = tuple(name for name in DIALECTS if name != "w65")


def dialect(compat: str | Dialect | None) -> Dialect:
    """The dialect `--compat` names (None: w65's own); an unknown name is a `W65Error`."""
    if isinstance(compat, Dialect):
        return compat
    found = DIALECTS.get(compat or "w65")
    if found is None:
        from w65tool.errors import W65Error

        raise W65Error(f"unknown compatibility mode {compat!r} (one of {', '.join(COMPAT_NAMES)})")
    return found

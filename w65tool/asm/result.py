"""What an assembly gives back: the image, symbols, diagnostics, a listing; and its error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from w65tool.asm.diagnostics import Diagnostic, render_json, render_text
from w65tool.asm.expander import Line
from w65tool.errors import LocatedError, W65Error
from w65tool.image import Image

_LISTING_BYTES = 4  # bytes per listing row; longer data continues on further rows


class AsmError(W65Error):
    """Assembly failed; carries every diagnostic of the run (errors and warnings)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        first = next((d for d in diagnostics if d.severity in ("error", "fatal")), None)
        message = first.render().splitlines()[0] if first else "assembly failed"
        if first is not None and first.origin is not None and first.origin.context:
            message = next(
                line for line in first.render().splitlines() if not line.startswith("In ")
            )
        super().__init__(message)

    def render(self) -> str:
        """The full report: each diagnostic with its source line and caret, then a count."""
        return render_text(self.diagnostics)

    def render_json(self) -> str:
        """The same report as JSON."""
        return render_json(self.diagnostics)


class Row:
    """One line of the listing: where, what bytes, the widths in force, the source."""

    __slots__ = ("address", "data", "line", "widths")
    address: int | None
    data: bytes
    widths: tuple[int | None, int | None] | None
    line: Line

    def __init__(
        self,
        address: int | None,
        data: bytes,
        widths: tuple[int | None, int | None] | None,
        line: Line,
    ) -> None:
        self.address = address
        self.data = data
        self.widths = widths
        self.line = line


class AsmResult:
    """A successful assembly."""

    __slots__ = (
        "_rows",
        "diagnostics",
        "image",
        "instructions",
        "make_rows",
        "passes",
        "source",
        "symbols",
    )
    image: Image
    symbols: dict[str, int]
    diagnostics: list[Diagnostic]
    make_rows: Callable[[], list[Row]]
    instructions: int
    source: str
    passes: int  # how many passes over the source it took

    def __init__(
        self,
        image: Image,
        symbols: dict[str, int],
        diagnostics: list[Diagnostic] | None = None,
        make_rows: Callable[[], list[Row]] = list,
        instructions: int = 0,
        source: str = "",
        passes: int = 0,
    ) -> None:
        self.image = image
        self.symbols = symbols
        self.diagnostics = [] if diagnostics is None else diagnostics
        self.make_rows = make_rows
        self.instructions = instructions
        self.source = source
        self.passes = passes
        self._rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        """The listing's rows, one per expanded line (built when first asked for)."""
        if self._rows is None:
            self._rows = self.make_rows()
        return self._rows

    def listing(self) -> str:
        """Address, bytes, A/X widths and source for each line."""
        out = [f"; w65 listing of {self.source}", ";", "; address bytes        A  X   line  source"]
        current_file = None
        for row in self.rows:
            origin = row.line.origin
            if origin.file != current_file:
                current_file = origin.file
                out.append(f"; file {origin.file}")
            data = row.data
            addr = f"{row.address:06X}" if row.address is not None else "      "
            first = " ".join(f"{b:02X}" for b in data[:_LISTING_BYTES])
            if row.widths is not None:
                m, x = row.widths
                wtext = f"{m or '?':<2} {x or '?':<2}"
            else:
                wtext = "     "
            in_macro = any(f.kind == "macro" for f in origin.context)
            text = (row.line.text if in_macro else origin.text).rstrip()
            out.append(f"{addr}  {first:<12} {wtext} {origin.line:5}  {text}".rstrip())
            for k in range(_LISTING_BYTES, len(data), _LISTING_BYTES):
                chunk = " ".join(f"{b:02X}" for b in data[k : k + _LISTING_BYTES])
                out.append(f"{row.address + k:06X}  {chunk}")  # type: ignore[operator]
        return "\n".join(out) + "\n"

    def symbol_text(self) -> str:
        """Symbols as `name = $VALUE` lines, sorted by name (w65 source: it can be included)."""
        lines = [f"; w65 symbols of {self.source}"]
        for name in sorted(self.symbols):
            value = self.symbols[name]
            text = f"${value:06X}" if 0 <= value <= 0xFFFFFF else str(value)
            lines.append(f"{name} = {text}")
        return "\n".join(lines) + "\n"

    def symbol_json(self) -> str:
        """Symbols as JSON: {"symbols": {name: value}}."""
        import json  # kept off the start-up path, as are all output formats

        return json.dumps({"symbols": dict(sorted(self.symbols.items()))}, indent=1) + "\n"

    def summary(self) -> str:
        """One line: instructions, bytes and the address range."""
        image = self.image
        span = f", ${image.low:04X}-${image.high:04X}" if image else ""
        return f"{self.source}: {self.instructions} instructions, {len(image)} bytes{span}"


def read_symbol_file(path: str | Path) -> dict[str, int]:
    """Read back a symbol file written by `w65 asm --symbols` (text or JSON)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise W65Error(f"cannot read symbol file {path}: {err}") from None
    if text.lstrip().startswith("{"):
        import json

        try:
            data = json.loads(text)["symbols"]
            return {str(k): int(v) for k, v in data.items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise W65Error(f"{path}: not a w65 symbol file") from None
    symbols: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        body = line.split(";", 1)[0].strip()
        if not body:
            continue
        name, eq, value = (part.strip() for part in body.partition("="))
        try:
            symbols[name] = int(value[1:], 16) if value.startswith("$") else int(value)
        except ValueError:
            raise LocatedError(f"{path}:{n}:1", "not a 'name = value' line") from None
        if not eq or not name:
            raise LocatedError(f"{path}:{n}:1", "not a 'name = value' line")
    return symbols

"""Diagnostics in 64tass's shape: `file:line:col: severity: message [-Wname]`, the source line,
a caret under the column (drawn with the line's own tabs), `note:` lines at related places, and
the "In file included from" / "In macro" chain above. The same fields go out as JSON.
"""

from __future__ import annotations

# Switchable warnings: name -> what it is about (the catalogue in docs/assembler.md follows it).
WARNINGS: dict[str, str] = {
    "unknown-width": "an immediate whose register width is not known; assembled as 16-bit",
    "width-override": "a .b/.w suffix that contradicts the width known at that point",
    "width-conflict": "a label reached with two different known register widths",
    "naken-width": "--compat naken emits a 16-bit immediate where the register is 8-bit",
    "mvn-order": "a bare mvn/mvp operand pair, read in WDC order (source, destination)",
    "dl-size": ".dl writes 3 bytes; naken_asm writes 4",
    "leading-zero": "a decimal number with a leading zero, which naken_asm reads as octal",
    "forward-dp": "a forward reference given direct page; naken_asm would use absolute",
    "equ-text": "an equ whose value is an expression; naken_asm substitutes its text",
    "jump-long": "jmp/jsr to another bank, assembled as jml/jsl",
    "truncated": "a forced address size that drops bits of the address",
    "overlap": "bytes written twice to the same address",
    "assert": "a ca65 .assert with the warning action that does not hold",
}


class Frame:
    """One step of how a line was reached: an include or a macro expansion."""

    __slots__ = ("col", "kind", "name", "origin")
    kind: str  # "include" or "macro"
    name: str  # the macro's name ("" for an include)
    origin: Origin
    col: int

    def __init__(self, kind: str, name: str, origin: Origin, col: int) -> None:
        self.kind = kind
        self.name = name
        self.origin = origin
        self.col = col


class Origin:
    """Where a line of source came from: file, line number, its text, and how it was reached.

    Never changed once built. One is built for every line, so it is a plain slotted class:
    nothing compares or hashes origins.
    """

    __slots__ = ("context", "file", "line", "text")
    file: str
    line: int
    text: str
    context: tuple[Frame, ...]

    def __init__(self, file: str, line: int, text: str, context: tuple[Frame, ...] = ()) -> None:
        self.file = file
        self.line = line
        self.text = text
        self.context = context


class Note:
    """A related place, printed as `note:` after its diagnostic."""

    __slots__ = ("col", "message", "origin")
    message: str
    origin: Origin | None
    col: int

    def __init__(self, message: str, origin: Origin | None, col: int = 1) -> None:
        self.message = message
        self.origin = origin
        self.col = col


class Diagnostic:
    """One error or warning."""

    __slots__ = ("col", "message", "name", "notes", "order", "origin", "severity")
    severity: str  # "error", "warning", "fatal"
    message: str
    origin: Origin | None
    col: int
    name: str  # the warning's name, for [-Wname]
    notes: list[Note]
    order: int  # the expanded line it belongs to: diagnostics print in source order

    def __init__(
        self,
        severity: str,
        message: str,
        origin: Origin | None,
        col: int = 1,
        name: str = "",
        notes: list[Note] | None = None,
        order: int = 0,
    ) -> None:
        self.severity = severity
        self.message = message
        self.origin = origin
        self.col = col
        self.name = name
        self.notes = [] if notes is None else notes
        self.order = order

    def __repr__(self) -> str:
        # what a failed test's assertion message shows of a diagnostic
        return f"Diagnostic({_where(self.origin, self.col)}{self.severity}: {self.message})"

    def render(self) -> str:
        """The text form, several lines, no trailing newline."""
        out: list[str] = []
        origin = self.origin
        if origin is not None:
            for frame in origin.context:
                where = f"{frame.origin.file}:{frame.origin.line}:{frame.col}"
                if frame.kind == "include":
                    out.append(f"In file included from {where}:")
                else:
                    out.append(f"In macro '{frame.name}' expanded at {where}:")
        flag = ""
        if self.name:
            flag = f" [-Werror={self.name}]" if self.severity == "error" else f" [-W{self.name}]"
        out.append(f"{_where(origin, self.col)}{self.severity}: {self.message}{flag}")
        out += _quote(origin, self.col)
        for note in self.notes:
            where = _where(note.origin, note.col) if note.origin is not None else ""
            out.append(f"{where}note: {note.message}")
            out += _quote(note.origin, note.col)
        return "\n".join(out)

    def as_dict(self) -> dict:
        """The JSON form: the same fields as the text."""
        return {
            "severity": self.severity,
            "message": self.message,
            "name": self.name or None,
            **_place(self.origin, self.col),
            "context": [
                {"kind": f.kind, "name": f.name or None, **_place(f.origin, f.col)}
                for f in (self.origin.context if self.origin else ())
            ],
            "notes": [{"message": n.message, **_place(n.origin, n.col)} for n in self.notes],
        }


def _place(origin: Origin | None, col: int) -> dict:
    if origin is None:
        return {"file": None, "line": None, "column": None, "source": None}
    return {"file": origin.file, "line": origin.line, "column": col, "source": origin.text}


def _where(origin: Origin | None, col: int) -> str:
    if origin is None:
        return "w65: "
    if origin.line == 0:
        return f"{origin.file}: "
    return f"{origin.file}:{origin.line}:{col}: "


def _quote(origin: Origin | None, col: int) -> list[str]:
    if origin is None or origin.line == 0:
        return []
    text = origin.text.rstrip("\r\n")
    # the caret prefix keeps the line's tabs, so it lines up however tabs are displayed
    prefix = "".join(c if c == "\t" else " " for c in text[: max(col - 1, 0)])
    return [text, prefix + "^"]


class WarningPolicy:
    """What -W options asked for: warnings switched off, and which are errors."""

    __slots__ = ("all_errors", "disabled", "errors")
    disabled: set[str]
    errors: set[str]
    all_errors: bool

    def __init__(
        self,
        disabled: set[str] | None = None,
        errors: set[str] | None = None,
        all_errors: bool = False,
    ) -> None:
        self.disabled = set() if disabled is None else disabled
        self.errors = set() if errors is None else errors
        self.all_errors = all_errors

    @classmethod
    def from_options(cls, options: list[str] | tuple[str, ...] = ()) -> WarningPolicy:
        """Read `-W` option values: `error`, `error=NAME`, `no-NAME`, `NAME`, `no-error=NAME`."""
        from w65tool.errors import W65Error

        policy = cls()
        for raw in options:
            opt = raw[2:] if raw.startswith("-W") else raw
            name = opt
            if opt == "error":
                policy.all_errors = True
                continue
            if opt.startswith("error="):
                name = opt[6:]
                policy.errors.add(name)
            elif opt.startswith("no-error="):
                name = opt[9:]
                policy.errors.discard(name)
            elif opt.startswith("no-"):
                name = opt[3:]
                policy.disabled.add(name)
            else:
                policy.disabled.discard(name)
            if name not in WARNINGS:
                known = ", ".join(sorted(WARNINGS))
                raise W65Error(f"unknown warning '-W{raw.removeprefix('-W')}' (known: {known})")
        return policy

    def severity(self, name: str) -> str | None:
        """`warning`, `error`, or None when the warning is switched off."""
        if name in self.disabled:
            return None
        if self.all_errors or name in self.errors:
            return "error"
        return "warning"


class Sink:
    """Collects the diagnostics of one assembly, in the order they were found."""

    MAX_ERRORS = 100

    def __init__(self, policy: WarningPolicy | None = None) -> None:
        self.policy = policy or WarningPolicy()
        self.items: list[Diagnostic] = []
        self.errors = 0
        self.position = 0  # the expanded line being worked on

    def error(self, message: str, origin: Origin | None, col: int = 1, notes=()) -> None:
        """Record an error."""
        self.items.append(Diagnostic("error", message, origin, col, "", list(notes), self.position))
        self.errors += 1

    def warn(self, name: str, message: str, origin: Origin | None, col: int = 1, notes=()) -> None:
        """Record a named warning (or an error, or nothing, as -W options say)."""
        severity = self.policy.severity(name)
        if severity is None:
            return
        self.items.append(
            Diagnostic(severity, message, origin, col, name, list(notes), self.position)
        )
        if severity == "error":
            self.errors += 1

    @property
    def full(self) -> bool:
        """Too many errors to be useful: the assembly stops."""
        return self.errors >= self.MAX_ERRORS


def cap_errors(items: list[Diagnostic], filename: str, stopped: bool = False) -> list[Diagnostic]:
    """`items` (in source order) up to the `Sink.MAX_ERRORS`-th error, then a fatal saying so.

    The fatal is added when errors were left off, or when a stage `stopped` at the cap.
    """
    limit = Sink.MAX_ERRORS
    errors = 0
    for n, d in enumerate(items):
        if d.severity == "error":
            errors += 1
            if errors == limit:
                if stopped or any(e.severity == "error" for e in items[n + 1 :]):
                    note = f"too many errors: stopped after the first {limit}"
                    return [*items[: n + 1], Diagnostic("fatal", note, Origin(filename, 0, ""))]
                break
    return items


def render_text(items: list[Diagnostic]) -> str:
    """All diagnostics as text, with a count of errors and warnings at the end."""
    if not items:
        return ""
    errors = sum(d.severity == "error" for d in items)  # a fatal only says why it stopped
    warnings = sum(d.severity == "warning" for d in items)
    parts = [d.render() for d in items]
    tally = []
    if errors:
        tally.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        tally.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return "\n".join(parts) + "\n" + " and ".join(tally) + " generated."


def render_json(items: list[Diagnostic]) -> str:
    """All diagnostics as one JSON document: {"diagnostics": [...]}."""
    import json  # only for --diagnostics-format json: kept off the start-up path

    return json.dumps({"diagnostics": [d.as_dict() for d in items]}, indent=1)

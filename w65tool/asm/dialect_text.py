"""What the peers' line readers share: a token scanner, a rewrite that keeps a column map,
and the anonymous labels that only the whole expanded program resolves.

A reader turns one source line in its peer's syntax into w65's spelling (`Reader.line`),
before the expander sees it; what it cannot rewrite faithfully is a `LineError` at the
column, never a guess. After expansion, `Reader.finish` names the anonymous labels.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod

from w65tool.asm.builder import LineError
from w65tool.asm.diagnostics import Sink
from w65tool.asm.expander import Line

Token = tuple[str, str, int]  # kind, text, 0-based start in the line

# What a reader writes for an anonymous label and its references; `finish` names them. A
# label's kind keeps apart labels counted apart: ca65's `:` (a), 64tass's `-` (m) and `+` (p).
_ANON = re.compile(r"(?<![A-Za-z0-9_])__anon_(?:([bf])(\d+))?([amp])__(?![A-Za-z0-9_])")

OPERATORS = (
    ":=",
    "::",
    "<>",
    "<=",
    ">=",
    "==",
    "!=",
    "<<",
    ">>",
    "&&",
    "||",
)


def scanner(strings: str) -> re.Pattern:
    """A token pattern; `strings` is the regex of the peer's string literals."""
    return re.compile(
        rf"(?P<ws>[ \t\r\f\v]+)|(?P<comment>;.*)|(?P<string>{strings})"
        r"|(?P<name>[.@]?[A-Za-z_][A-Za-z0-9_]*)"
        r"|(?P<number>\$[0-9A-Za-z_]+|%[01_]+|[0-9][0-9A-Za-z_]*)"
        r"|(?P<op>" + "|".join(re.escape(o) for o in OPERATORS) + r"|.)"
    )


def tokens(pattern: re.Pattern, text: str) -> list[Token]:
    """The tokens of a line (an unterminated string is an error at its quote)."""
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        m = pattern.match(text, pos)
        assert m is not None  # the last alternative takes any character
        kind = m.lastgroup or "op"
        tok = m.group()
        if kind == "op" and tok in "\"'":
            raise LineError(
                "unterminated string" if tok == '"' else "unterminated character constant",
                pos + 1,
            )
        out.append((kind, tok, pos))
        pos = m.end()
    return out


def w65_string(body: bytes | str, start: int) -> str:
    """A literal's characters as a w65 literal: one character as `'c'`, more as `"..."`
    (w65 reads C escapes, the peers none: backslashes and quotes are escaped)."""
    text = body if isinstance(body, str) else body.decode("latin-1")
    if not text:
        raise LineError("an empty string is not a value here", start + 1)
    quoted = text.replace("\\", "\\\\")
    if len(text) == 1:
        return "'" + quoted.replace("'", "\\'") + "'"
    return '"' + quoted.replace('"', '\\"') + '"'


_QUOTED = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|;.*')


def fold_case(text: str) -> str:
    """A w65 line in lower case but its strings, characters and comment (same length)."""
    if text == text.lower():
        return text
    out: list[str] = []
    last = 0
    for m in _QUOTED.finditer(text):
        out.append(text[last : m.start()].lower())
        out.append(m.group())
        last = m.end()
    out.append(text[last:].lower())
    return "".join(out)


class Rewrite:
    """Builds a rewritten line and its column map (1-based source column of each character).

    Blanks between tokens are kept as one space (the readers skip blank tokens): `NAME p`
    must not become `NAMEp`.
    """

    __slots__ = ("cmap", "end", "out")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.cmap: list[int] = []
        self.end = 0  # where the source text written so far ends

    def _gap(self, start: int) -> None:
        if start > self.end and self.out:
            self.out.append(" ")
            self.cmap.append(self.end + 1)

    def keep(self, text: str, start: int) -> None:
        """Source text as it stands, from 0-based `start`."""
        self._gap(start)
        self.out.append(text)
        self.cmap.extend(range(start + 1, start + 1 + len(text)))
        self.end = max(self.end, start + len(text))

    def put(self, text: str, start: int) -> None:
        """New text, reported at the source column of 0-based `start`."""
        self._gap(start)
        self.out.append(text)
        self.cmap.extend([start + 1] * len(text))
        self.end = max(self.end, start + 1)

    def result(self, original: str) -> tuple[str, tuple[int, ...] | None]:
        text = "".join(self.out)
        if text == original:
            return original, None
        return text, tuple(self.cmap)


class Reader(ABC):
    """Rewrites a peer's lines into w65's spelling (one per run: a reader may keep state).

    In a source set (several files assembled together, each a module), a reader also notes
    what each module exports (`exports`: name, column, and whether only if the module
    defines it) and which names it defines at its top (`defined`).
    """

    in_set = False  # set by the expander when the files of a source set are read
    follows = False  # whether `track` wants every line the expander emits

    def __init__(self) -> None:
        self.exports: list[tuple[str, int, bool]] = []
        self.defined: set[str] = set()

    @abstractmethod
    def lines(self, text: str) -> list[tuple[str, tuple[int, ...] | None]]:
        """The line in w65's spelling, as lines with their column maps (None: unchanged)."""

    def plain(self, text: str) -> bool:
        """Whether `lines` would return the line as it stands, with nothing to follow in it
        (the expander may then emit it unread)."""
        return False

    def live(self, text: str) -> str:
        """A line about to be read, with what its place in the program tells filled in (the
        same length: columns stay where they were)."""
        return text

    def track(self, text: str) -> None:
        """Follow a line the expander has emitted (for `live`); called only when `follows`."""
        raise TypeError(f"{type(self).__name__} does not follow the emitted lines")

    def finish(self, lines: list[Line], sink: Sink) -> None:
        """Name the anonymous labels of the expanded program, in place."""
        name_anonymous(lines, sink)


def anonymous_def(kind: str = "a") -> str:
    """What a reader writes for an anonymous label of `kind` (a, m or p)."""
    return f"__anon_{kind}__"


def anonymous_ref(direction: str, count: int, kind: str = "a") -> str:
    """What a reader writes for the `count`th anonymous label of `kind` back (`b`) or
    forward (`f`)."""
    return f"__anon_{direction}{count}{kind}__"


def name_anonymous(lines: list[Line], sink: Sink) -> None:
    """Give each anonymous label a name and point each reference at its label.

    A reference counts labels back from its line (`b1` is the nearest at or above it) or
    forward (`f1` the nearest below it), in the expanded program's order, as the peers do.
    """
    marked = [i for i, line in enumerate(lines) if "__anon_" in line.text]
    if not marked:
        return
    import bisect

    defs: dict[str, list[int]] = {"a": [], "m": [], "p": []}
    for i in marked:
        for m in _ANON.finditer(lines[i].text):
            if m.group(1) is None:
                defs[m.group(3)].append(i)
    for i in marked:
        line = lines[i]

        def name(m: re.Match, i: int = i, line: Line = line) -> str:
            kind = m.group(3)
            if m.group(1) is None:
                return f"__anon{kind}{i}__"
            found = defs[kind]
            here = bisect.bisect_right(found, i)  # the labels at or above this line
            count = int(m.group(2))
            k = here - count if m.group(1) == "b" else here + count - 1
            if not 0 <= k < len(found):
                where = "back" if m.group(1) == "b" else "ahead"
                sink.error(
                    f"there is no anonymous label {count} {where} of this line",
                    line.origin,
                    line.source_col(m.start() + 1),
                )
                return "0"
            return f"__anon{kind}{found[k]}__"

        _substitute(line, _ANON, name)


def _substitute(line: Line, pattern: re.Pattern, fn) -> None:
    """Replace matches in a line's text, keeping its column map right."""
    text = line.text
    base = line.colmap if line.colmap is not None else range(1, len(text) + 1)
    out: list[str] = []
    cmap: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(text[last : m.start()])
        cmap.extend(base[last : m.start()])
        new = fn(m)
        out.append(new)
        col = base[m.start()] if m.start() < len(base) else (base[-1] + 1 if base else 1)
        cmap.extend([col] * len(new))
        last = m.end()
    out.append(text[last:])
    cmap.extend(base[last:])
    line.text = "".join(out)
    line.colmap = tuple(cmap)

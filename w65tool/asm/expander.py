"""The expander: source files to the flat list of lines the parser reads.

It does what works on text, once, before any pass: `/* */` comments, `.include`, `.define`
(object- and function-like, C style), naken_asm's textual `equ` under `--compat naken`,
`.macro`/`.endm`, `.repeat`/`.endr`, and `.if`/`.ifdef`/`.ifndef`/`.elif`/`.else`/`.endif`.
Conditions and repeat counts must be known where they are read: numbers, defines, and
constants assigned above with known values. Every line keeps its origin (file, line, text,
and the include and macro chain), and a column map when substitution moved its text.
"""

from __future__ import annotations

import re
from pathlib import Path

from w65tool.asm.builder import SCOPE_MARK
from w65tool.asm.diagnostics import Frame, Origin, Sink
from w65tool.asm.dialects import W65, Dialect
from w65tool.asm.directive_table import EXPANDER_KINDS
from w65tool.asm.expr import ExprError, Sym, evaluate
from w65tool.asm.parser import LineError, parse_expression

MAX_INCLUDE_DEPTH = 32
MAX_MACRO_DEPTH = 64
MAX_LINES = 2_000_000
MAX_DEFINE_DEPTH = 64


class Line:
    """One expanded line: its text, where it came from, and a column map if it was rewritten."""

    __slots__ = ("_origin", "_where", "colmap", "text")

    def __init__(self, text: str, origin: Origin, colmap: tuple[int, ...] | None = None) -> None:
        self.text = text
        self._origin: Origin | None = origin
        # A source line taken as it stands (made in `_feed_file`) has no `Origin` yet, only
        # where it is (file, line number, context): most lines never need theirs, which is
        # built for a diagnostic or a listing row.
        self._where: tuple[str, int, tuple[Frame, ...]] | None = None
        self.colmap = colmap  # 1-based source column of each character of text

    @property
    def origin(self) -> Origin:
        """Where the line came from."""
        origin = self._origin
        if origin is None:
            file, line, context = self._where  # type: ignore[misc]
            origin = self._origin = Origin(file, line, self.text, context)
        return origin

    def __repr__(self) -> str:
        return f"Line({self.text!r}, {self.origin!r})"

    def source_col(self, col: int) -> int:
        """The column in the source line for a column of the expanded text."""
        cmap = self.colmap
        if cmap is None or not cmap:
            return col
        if col - 1 < len(cmap):
            return cmap[max(col - 1, 0)]
        return cmap[-1] + 1


class Macro:
    """A `.macro` definition: parameters and body lines (text, origin)."""

    __slots__ = ("body", "name", "origin", "params")

    def __init__(self, name: str, params: list[str], origin: Origin | None = None) -> None:
        self.name = name
        self.params = params
        self.body: list[tuple[str, Origin]] = []
        self.origin = origin


class _Collect:
    """A `.macro` or `.repeat` block being read."""

    __slots__ = (
        "base",
        "body",
        "col",
        "count",
        "depth",
        "kind",
        "macro",
        "origin",
        "values",
        "var",
    )

    def __init__(
        self,
        kind: str,
        origin: Origin,
        col: int,
        macro: Macro | None = None,
        count: int = 0,
        base: Path | None = None,
    ) -> None:
        self.kind = kind  # "macro" or "repeat"
        self.origin = origin
        self.col = col
        self.macro = macro
        self.count = count
        self.depth = 0
        self.body: list[tuple[str, Origin]] = []
        self.base = base if base is not None else Path()
        self.var = ""  # `.repeat n, NAME`: the name that counts the copies from 0 (ca65)
        self.values: list[int] | None = None  # `.for`: NAME's value in each copy


class _Cond:
    """One open `.if`: whether its enclosing code is live, a branch was taken, the else seen."""

    __slots__ = ("col", "live", "origin", "outer_live", "seen_else", "taken")

    def __init__(self, outer_live: bool, taken: bool, live: bool, origin: Origin, col: int) -> None:
        self.outer_live = outer_live
        self.taken = taken
        self.live = live
        self.origin = origin
        self.col = col
        self.seen_else = False


class ExpandError(Exception):
    """Stops the expansion (include cycle, runaway recursion); already reported."""


_HEAD = re.compile(r"[ \t]*((?:@?[A-Za-z_][A-Za-z0-9_]*[ \t]*:(?![=:])[ \t]*)*)(\.?[A-Za-z0-9_]+)?")
_TOKENS = re.compile(
    r'"(?:\\.|[^"\\])*"?'
    r"|'(?:\\.|[^'\\])*'?"
    r"|;.*|//.*"
    r"|[@.$]?[A-Za-z0-9_]+"
)
# the conditional openers: `.if` and the ones that test names or text
_OPENERS = frozenset({"if", "ifdef", "ifndef", "ifblank", "ifnblank", "ifsame", "ifnsame"})
# what a reader writes after a name that each macro expansion makes its own (WDC's `name#`)
UNIQUE_MARK = "__unique__"
# what a reader writes for the number of arguments a macro was given (ca65's `.paramcount`)
PARAMCOUNT_MARK = "__paramcount__"
_MARKS = re.compile(f"{UNIQUE_MARK}|{PARAMCOUNT_MARK}")
# what a reader writes before a name for ca65's `.defined(name)`
DEFINED_MARK = "__defined__"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LABEL = re.compile(r"(@?[A-Za-z_][A-Za-z0-9_]*)[ \t]*:")
_CONST = re.compile(
    r"[ \t]*(?:([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:=|\bequ\b|\.equ\b|\.set\b)"
    r"|\.?(?:set|equ)[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*=)(?!=)(.*)",
    re.IGNORECASE,
)
_NAKEN_EQU = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]+equ[ \t]+(.*)", re.IGNORECASE)
_PP = EXPANDER_KINDS  # the directives the expander runs, by name: their kind
_WORD = re.compile(r"[ \t]*(\.?[A-Za-z0-9_]+)")  # a line's first word, as `_HEAD` reads it
# first words (lowercase, without a leading '.') that a plain line cannot start with
_RESERVED = frozenset({*_PP, "end"})


def strip_comment(text: str) -> str:
    """`text` without a trailing `;` or `//` comment (quotes respected), right-stripped."""
    if ";" not in text and "//" not in text:
        return text.rstrip()
    for m in _TOKENS.finditer(text):
        tok = m.group()
        if tok[0] == ";" or tok.startswith("//"):
            return text[: m.start()].rstrip()
    return text.rstrip()


def split_args(text: str) -> list[str]:
    """Split `a, (b, c), "d,e"` at top-level commas."""
    args: list[str] = []
    depth = 0
    quote = ""
    start = 0
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[start:i].strip())
            start = i + 1
        i += 1
    last = text[start:].strip()
    if last or args:
        args.append(last)
    return args


def _match_paren(text: str, i: int) -> int:
    """Index just past the `)` matching the `(` at `i`, or -1."""
    depth = 0
    quote = ""
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _compose(outer: tuple[int, ...] | None, inner: list[int]) -> tuple[int, ...]:
    """Column map of a rewrite (`inner`, 1-based into the text before) applied after `outer`."""
    if outer is None:
        return tuple(inner)
    n = len(outer)
    return tuple(outer[c - 1] if 0 < c <= n else (outer[-1] + 1 if outer else c) for c in inner)


def read_source(path: Path) -> str:
    """A source file's text; raises ValueError naming the place of a NUL or non-UTF-8 byte."""
    data = path.read_bytes()
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ValueError(f"not a text file (a NUL byte on line {line})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ValueError(f"not UTF-8 text (byte ${data[err.start]:02X} on line {line})") from None
    return text.removeprefix("\ufeff")


def default_include_dir() -> Path:
    """The project's include folder: package data when installed, `<repo>/asm` in a checkout."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "include"
    return installed if installed.is_dir() else here.parent / "asm"


class Expander:
    """Turns a source file into expanded `Line`s, reporting what it finds into `sink`."""

    def __init__(
        self,
        sink: Sink,
        include_dirs: tuple[Path, ...] = (),
        defines: dict[str, str] | None = None,
        dialect: Dialect = W65,
    ) -> None:
        self.sink = sink
        self.include_dirs = (*tuple(include_dirs), default_include_dir())
        self.defines: dict[str, tuple[list[str] | None, str]] = {
            k: (None, v) for k, v in (defines or {}).items()
        }
        self.dialect = dialect
        # a peer's syntax is rewritten line by line into w65's (see `dialects`)
        self.reader = dialect.reader() if dialect.reader is not None else None
        self.export_origins: list[tuple[Origin, int]] = []
        reader = self.reader
        self.follow = reader.track if reader is not None and reader.follows else None
        self.expansions = 0  # macro expansions so far; `expansion` is the current one's
        self.expansion = 0
        self.macros: dict[str, Macro] = {}
        self.constants: dict[str, int] = {}
        self.labels: set[str] = set()
        self.lines: list[Line] = []
        self.conds: list[_Cond] = []
        self.collect: _Collect | None = None
        self.include_stack: list[Path] = []
        self.macro_stack: list[str] = []
        self.ended = False
        self.here = 0  # `$` has no value while expanding

    # -- entry points ---------------------------------------------------------------------
    def expand_text(self, text: str, filename: str, path: Path | None) -> list[Line]:
        """Expand a whole source text (the file being assembled)."""
        return self.expand_set([(text, filename, path)])

    def expand_set(self, files: list[tuple[str, str, Path | None]]) -> list[Line]:
        """Expand the files of a source set: one alone as it stands; several (modules) each
        in a scope named after its file, with the names its reader says it exports also
        defined outside it (`name = module.name`), as a linker would join them."""
        modules = len(files) > 1
        if modules and self.reader is not None:
            self.reader.in_set = True
        names: set[str] = set()
        try:
            for text, filename, path in files:
                scope = _module_name(path or Path(filename), names) if modules else ""
                origin = Origin(filename, 1, "", ())
                if scope:
                    self._emit(f".scope {scope}", origin, None)
                if path is not None:
                    self.include_stack.append(path.resolve())
                base = path.parent if path is not None else Path.cwd()
                self.ended = False  # `end` stops reading its own file
                self._feed_file(text, filename, base, ())
                if path is not None:
                    self.include_stack.pop()
                if scope:
                    self._emit(".ends", origin, None)
                    self._exports(scope)
        except ExpandError:
            pass
        if self.collect is not None and not self.sink.full:
            c = self.collect
            end = ".endm" if c.kind == "macro" else ".endr"
            self.sink.error(f"'.{c.kind}' has no '{end}'", c.origin, c.col)
        for cond in self.conds:
            self.sink.error("'.if' has no '.endif'", cond.origin, cond.col)
        if self.reader is not None:
            self.reader.finish(self.lines, self.sink)
        return self.lines

    def _feed_file(self, text: str, filename: str, base: Path, context: tuple[Frame, ...]) -> None:
        in_comment = False
        depth = len(self.conds)
        sink = self.sink
        feed = self._line
        lines = self.lines
        append = lines.append
        word_at = _WORD.match
        new_line = object.__new__
        reserved = _RESERVED
        macros = self.macros
        # a peer's line the reader would leave as it is may take the fast path too
        plain = self.reader.plain if self.reader is not None else None
        source = text.splitlines()
        room = MAX_LINES - len(source)  # below it, this file's lines cannot reach the limit
        fast = self._plain_lines_pass() and len(lines) < room
        for n, raw in enumerate(source, 1):
            # Most lines are plain: no label, preprocessor word, macro call, assignment or
            # comment block, in live code with no defines. Such a line is emitted as it is,
            # its `Line` built without a call (a call per line is a measurable part of a large
            # program's time); every other line takes the full path below.
            if (
                fast
                and ":" not in raw
                and "=" not in raw
                and "/*" not in raw
                and (plain is None or plain(raw))
            ):
                word = word_at(raw)
                if word is None or (
                    word.group(1).lower().lstrip(".") not in reserved
                    and word.group(1) not in macros
                    and "equ" not in (lower := raw.lower())
                    and "set" not in lower
                ):
                    line = new_line(Line)
                    line.text = raw
                    line._origin = None
                    line._where = (filename, n, context)
                    line.colmap = None
                    append(line)
                    continue
            if self.ended or sink.full:
                return
            line = raw
            if in_comment or "/*" in line:
                line, in_comment = self._block_comments(line, in_comment)
            origin = Origin(filename, n, raw, context)
            if self.reader is None:
                feed(line, origin, None, base)
            else:
                self._read(line, origin, base)
            fast = self._plain_lines_pass() and not in_comment and len(lines) < room
        if len(self.conds) > depth and not self.ended:
            for cond in self.conds[depth:]:
                self.sink.error("'.if' has no '.endif' in its file", cond.origin, cond.col)
            del self.conds[depth:]

    def _read(self, line: str, origin: Origin, base: Path) -> None:
        """A line in a peer's syntax: rewritten into w65's by the dialect's reader, then fed."""
        reader = self.reader
        assert reader is not None
        known = len(reader.exports)
        try:
            rewritten = reader.lines(line)
        except LineError as err:
            self.sink.position = len(self.lines)
            self.sink.error(err.message, origin, err.col)
            return
        if len(reader.exports) > known:  # where each export was written, for `_exports`
            self.export_origins.extend((origin, e[1]) for e in reader.exports[known:])
        for text, cmap in rewritten:
            self._line(text, origin, cmap, base)

    def _exports(self, scope: str) -> None:
        """After a module: its exports defined outside it, at the lines that export them."""
        reader = self.reader
        if reader is None:
            return
        for (name, col, only_defined), (origin, _col) in zip(
            reader.exports, self.export_origins, strict=True
        ):
            if only_defined and name not in reader.defined:
                continue  # `.global` of a name the module does not define: an import
            text = f"{name} = {scope}{SCOPE_MARK}{name}"
            self._emit(text, origin, tuple([col] * len(text)))
        reader.exports.clear()
        reader.defined.clear()
        self.export_origins.clear()

    def _plain_lines_pass(self) -> bool:
        """Whether a plain line can be emitted unread: live code, nothing to substitute."""
        return (
            self.collect is None
            and not self.defines
            and not self.ended
            and not self.sink.full
            and (not self.conds or self.conds[-1].live)
        )

    @staticmethod
    def _block_comments(line: str, in_comment: bool) -> tuple[str, bool]:
        out = []
        i = 0
        quote = ""
        while i < len(line):
            if in_comment:
                end = line.find("*/", i)
                if end < 0:
                    out.append(" " * (len(line) - i))
                    return "".join(out), True
                out.append(" " * (end + 2 - i))
                i = end + 2
                in_comment = False
                continue
            c = line[i]
            if quote:
                if c == "\\":
                    out.append(line[i : i + 2])
                    i += 2
                    continue
                if c == quote:
                    quote = ""
            elif c in "\"'":
                quote = c
            elif c == ";" or line.startswith("//", i):
                out.append(line[i:])
                break
            elif line.startswith("/*", i):
                in_comment = True
                out.append("  ")
                i += 2
                continue
            out.append(c)
            i += 1
        return "".join(out), in_comment

    # -- one line -------------------------------------------------------------------------
    def _line(self, text: str, origin: Origin, cmap: tuple[int, ...] | None, base: Path) -> None:
        self.sink.position = len(self.lines)
        if self.reader is not None and self.collect is None and "__" in text:
            try:
                text = self.reader.live(text)  # what only the line's place tells (ca65 .asize)
                if UNIQUE_MARK in text:  # not made unique by a macro expansion
                    at = text.index(UNIQUE_MARK)
                    raise LineError(
                        "a 'name#' label belongs in a macro", text.rfind(" ", 0, at) + 2
                    )
                if PARAMCOUNT_MARK in text:
                    raise LineError(
                        "ca65's '.paramcount' is read in a macro", text.index(PARAMCOUNT_MARK) + 1
                    )
            except LineError as err:
                self.sink.error(err.message, origin, self._col(cmap, err.col))
                return
        head = _HEAD.match(text)
        labels, word = head.group(1, 2)  # type: ignore[union-attr]
        kind = None
        if word is not None:
            kind = _PP.get((word[1:] if word[0] == "." else word).lower())
            if (
                kind is not None
                and word[0] != "."
                and (labels or text[head.end() :].lstrip()[:1] in ("=", ":"))  # type: ignore[union-attr]
            ):
                kind = None
        if kind is not None or self.collect is not None or (self.conds and not self.conds[-1].live):
            self._block_line(kind, text, origin, cmap, base, head)  # type: ignore[arg-type]
            return
        if self.dialect.textual_equ and not labels and word and word[0] != ".":
            m = _NAKEN_EQU.match(text)
            if m:
                self.defines[m.group(1)] = (None, strip_comment(m.group(2)).strip())
                return
        if self.defines:
            text, cmap = self._substitute(text, origin, cmap)
            head = _HEAD.match(text)
            labels, word = head.group(1, 2)  # type: ignore[union-attr]
        if word is not None and word in self.macros:
            m_col = self._col(cmap, head.start(2) + 1)  # type: ignore[union-attr]
            if labels.strip():
                self._emit(labels, origin, cmap)
            self._expand_macro(self.macros[word], text[head.end() :], origin, m_col, base)  # type: ignore[union-attr]
            return
        if labels:
            self.labels.update(_LABEL.findall(labels))
        if (
            word is not None
            and word.lower() in ("end", ".end")
            and text[head.end() :].strip()[:1] != "="  # type: ignore[union-attr]
        ):
            self._emit(text, origin, cmap)
            self.ended = True
            return
        lower = text.lower()
        if "=" in text or "equ" in lower or "set" in lower:
            self._track_constant(text)
        self._emit(text, origin, cmap)

    def _block_line(
        self,
        kind: str | None,
        text: str,
        origin: Origin,
        cmap: tuple[int, ...] | None,
        base: Path,
        head: re.Match,
    ) -> None:
        """A preprocessor line, or any line inside a block being read or a false `.if`."""
        rest = text[head.end() :]
        col = self._col(cmap, head.start(2) + 1 if head.group(2) else 1)
        if self.collect is not None:
            self._collecting(kind, text, origin, col, rest)
            return
        if self.conds and not self.conds[-1].live:
            if kind in _OPENERS:
                self.conds.append(_Cond(False, True, False, origin, col))
            elif kind in ("elif", "else", "endif"):
                self._conditional(kind, rest, origin, col, cmap, head.end())
            return
        if kind is not None:
            self._directive(kind, rest, origin, col, cmap, head.end(), base)

    def _emit(self, text: str, origin: Origin, cmap: tuple[int, ...] | None) -> None:
        if len(self.lines) >= MAX_LINES:
            self.sink.error(f"the program expands to more than {MAX_LINES} lines", origin, 1)
            raise ExpandError
        self.lines.append(Line(text, origin, cmap))
        if self.follow is not None:
            self.follow(text)

    @staticmethod
    def _col(cmap: tuple[int, ...] | None, col: int) -> int:
        if cmap is None or not cmap:
            return col
        return cmap[col - 1] if col - 1 < len(cmap) else cmap[-1] + 1

    def _track_constant(self, text: str) -> None:
        """Remember `NAME = value` constants, for `.if` and `.repeat` further down."""
        m = _CONST.match(text)
        if not m:
            return
        name = m.group(1) or m.group(2)
        value = self._value(strip_comment(m.group(3)))
        if value is not None:
            self.constants[name] = value

    def _value(self, text: str) -> int | None:
        try:
            return evaluate(parse_expression(text, self.dialect), self)
        except (LineError, ExprError, RecursionError):  # the passes will report it
            return None

    def symbol(self, node: Sym) -> int | None:
        """Expression lookup while expanding: constants known so far, and `DEFINED_MARK`
        names (ca65's `.defined(x)`): 1 when `.ifdef x` would hold, else 0."""
        name = node.name
        if name.startswith(DEFINED_MARK):
            return int(self._known(name[len(DEFINED_MARK) :]))
        return self.constants.get(name)

    def _known(self, name: str) -> bool:
        """Whether `.ifdef name` holds here."""
        return (
            name in self.defines
            or name in self.constants
            or name in self.labels
            or name in self.macros
        )

    # -- blocks ---------------------------------------------------------------------------
    def _collecting(self, kind: str | None, text: str, origin: Origin, col: int, rest: str) -> None:
        c = self.collect
        assert c is not None
        opener, closer = ("macro", "endm") if c.kind == "macro" else ("repeat", "endr")
        if kind == opener or (kind == "for" and opener == "repeat"):
            c.depth += 1
        elif kind == closer:
            if c.depth == 0:
                if strip_comment(rest).strip():
                    self.sink.error(f"'.{kind}' takes no operand", origin, col)
                self.collect = None
                self._finish_block(c, origin)
                return
            c.depth -= 1
        c.body.append((text, origin))

    def _finish_block(self, c: _Collect, end_origin: Origin) -> None:
        if c.kind == "macro":
            assert c.macro is not None
            c.macro.body = c.body
            self.macros[c.macro.name] = c.macro
            return
        lines = self.lines
        fewest = MAX_LINES  # the fewest lines one pass over the body has made
        for k in range(c.count):
            before = len(lines)
            for text, origin in c.body:
                if self.sink.full or self.ended:
                    return
                cmap = None
                if c.var:
                    value = k if c.values is None else c.values[k]
                    text, cmap = self._replace_words(text, {c.var: str(value)})
                self._line(text, origin, cmap, c.base)
            made = len(lines) - before
            fewest = min(fewest, made)
            # stop as soon as the passes still to come would pass the cap, making as few lines
            # as the fewest of two or more passes so far, rather than after making two
            # million lines (one pass alone may make more than the rest, under an .if)
            if k and len(lines) + fewest * (c.count - k - 1) > MAX_LINES:
                self.sink.error(
                    f"'.repeat' takes the program past {MAX_LINES} lines ({c.count} times "
                    f"{made} line{'s' if made != 1 else ''})",
                    c.origin,
                    c.col,
                )
                raise ExpandError

    def _directive(
        self,
        kind: str,
        rest: str,
        origin: Origin,
        col: int,
        cmap: tuple[int, ...] | None,
        rest_at: int,
        base: Path,
    ) -> None:
        args = strip_comment(rest).strip()
        arg_col = self._col(cmap, rest_at + 1 + len(rest) - len(rest.lstrip()))
        if kind == "define":
            self._define(args, origin, arg_col)
        elif kind == "undef":
            if not _IDENT.match(args):
                self.sink.error("'.undef' takes one name", origin, arg_col)
            self.defines.pop(args, None)
        elif kind == "include":
            self._include(args, origin, arg_col, cmap, base)
        elif kind == "macro":
            self._macro(args, origin, col, arg_col)
        elif kind == "repeat":
            var = ""
            parts = split_args(args)
            if len(parts) == 2 and _IDENT.match(parts[1]):
                args, var = parts[0], parts[1]
            count = self._condition_value(args, origin, arg_col, cmap, "'.repeat' count")
            if count is not None and count < 0:
                self.sink.error(f"'.repeat' count is negative ({count})", origin, arg_col)
            if count is not None and count > MAX_LINES:
                self.sink.error(f"'.repeat' count {count} is too large", origin, arg_col)
                count = 0
            self.collect = _Collect("repeat", origin, col, count=max(count or 0, 0), base=base)
            self.collect.var = var
        elif kind == "for":
            values = self._for_values(args, origin, arg_col, cmap)
            self.collect = _Collect("repeat", origin, col, count=len(values), base=base)
            self.collect.values = values
            self.collect.var = split_args(args)[0] if values else ""
        elif kind in ("endm", "endr"):
            opener = ".macro" if kind == "endm" else ".repeat"
            self.sink.error(f"'.{kind}' without '{opener}'", origin, col)
        else:
            self._conditional(kind, rest, origin, col, cmap, rest_at)

    def _for_values(
        self, args: str, origin: Origin, col: int, cmap: tuple[int, ...] | None
    ) -> list[int]:
        """`.for NAME, START, CONDITION, NEXT`: NAME's values while CONDITION holds, each
        after the first NEXT (an expression in NAME) of the one before (64tass's `.for`)."""
        parts = split_args(args)
        if len(parts) != 4 or not _IDENT.match(parts[0]):
            self.sink.error(
                "'.for' takes NAME, START, CONDITION, NEXT: .for i, 0, i < 8, i + 1", origin, col
            )
            return []
        name, start, condition, step = parts
        saved = self.constants.get(name)
        values: list[int] = []
        value = self._condition_value(start, origin, col, cmap, "'.for' start")
        try:
            while value is not None:
                self.constants[name] = value
                holds = self._condition_value(condition, origin, col, cmap, "'.for' condition")
                if not holds:
                    break
                values.append(value)
                if len(values) > MAX_LINES:
                    self.sink.error(f"'.for' runs more than {MAX_LINES} times", origin, col)
                    return []
                value = self._condition_value(step, origin, col, cmap, "'.for' next value")
        finally:
            if saved is None:
                self.constants.pop(name, None)
            else:
                self.constants[name] = saved
        return values

    def _conditional(
        self,
        kind: str,
        rest: str,
        origin: Origin,
        col: int,
        cmap: tuple[int, ...] | None,
        rest_at: int,
    ) -> None:
        args = strip_comment(rest).strip()
        arg_col = self._col(cmap, rest_at + 1 + len(rest) - len(rest.lstrip()))
        if kind in _OPENERS:
            if kind == "if":
                value = self._condition_value(args, origin, arg_col, cmap, "'.if' condition")
                truth = bool(value)
            elif kind in ("ifblank", "ifnblank"):  # ca65: on a macro's argument text
                truth = (args == "") == (kind == "ifblank")
            elif kind in ("ifsame", "ifnsame"):  # WDC: two texts, alike but for case
                parts = [a.lower() for a in split_args(args)]
                if len(parts) != 2:
                    self.sink.error(f"'.{kind}' compares two texts: .{kind} a,b", origin, arg_col)
                truth = (len(set(parts)) == 1) == (kind == "ifsame")
            else:
                name = args.strip()
                if not _IDENT.match(name):
                    self.sink.error(f"'.{kind}' needs a name", origin, arg_col)
                known = self._known(name)
                truth = known if kind == "ifdef" else not known
            self.conds.append(_Cond(True, truth, truth, origin, col))
            return
        if kind != "elif" and args:  # `.else if x` is not `.elif x`
            hint = "; '.elif' tests another condition" if kind == "else" else ""
            self.sink.error(f"'.{kind}' takes no operand{hint}", origin, arg_col)
        if not self.conds:
            self.sink.error(f"'.{kind}' without '.if'", origin, col)
            return
        cond = self.conds[-1]
        if kind == "endif":
            self.conds.pop()
        elif cond.seen_else:
            self.sink.error(f"'.{kind}' after '.else'", origin, col, [])
        elif kind == "else":
            cond.seen_else = True
            cond.live = cond.outer_live and not cond.taken
            cond.taken = True
        else:  # elif
            if not cond.outer_live or cond.taken:
                cond.live = False
                return
            value = self._condition_value(args, origin, arg_col, cmap, "'.elif' condition")
            cond.live = bool(value)
            cond.taken = cond.live

    def _condition_value(
        self, args: str, origin: Origin, col: int, cmap: tuple[int, ...] | None, what: str
    ) -> int | None:
        text = args
        if self.defines:
            text, _ = self._substitute(args, origin, None)
        if not text.strip():
            self.sink.error(f"{what} is missing", origin, col)
            return None
        try:
            expr = parse_expression(text, self.dialect)
            value = evaluate(expr, self)
        except LineError as err:
            self.sink.error(err.message, origin, col + err.col - 1)
            return None
        except ExprError as err:  # division by zero and the like
            self.sink.error(err.message, origin, col + err.col - 1)
            return None
        except RecursionError:
            self.sink.error("expression nests too deeply", origin, col)
            return None
        if value is None:
            missing = [s.name for s in expr.symbols() if s.name not in self.constants]
            name = missing[0] if missing else "?"
            self.sink.error(
                f"{what} must be known where it is read: '{name}' has no value above this line",
                origin,
                col,
            )
        return value

    def _define(self, args: str, origin: Origin, col: int) -> None:
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?[ \t]*(.*)", args)
        if not m:
            self.sink.error("'.define' needs a name", origin, col)
            return
        name, params, body = m.group(1), m.group(2), m.group(3).strip()
        plist = None
        if params is not None:
            plist = [p.strip() for p in params[1:-1].split(",") if p.strip()]
            bad = [p for p in plist if not _IDENT.match(p)]
            if bad:
                self.sink.error(f"'{bad[0]}' is not a parameter name", origin, col)
                return
        self.defines[name] = (plist, body)

    def _include(
        self, args: str, origin: Origin, col: int, cmap: tuple[int, ...] | None, base: Path
    ) -> None:
        name = args.strip()
        if self.defines:
            name, _ = self._substitute(name, origin, None)
            name = name.strip()
        if len(name) < 2 or name[0] != '"' or name[-1] != '"':
            self.sink.error(
                "'.include' needs a file name in quotes: .include \"file.inc\"", origin, col
            )
            return
        name = name[1:-1]
        path = self.resolve(name, base)
        if path is None:
            where = ", ".join(str(d) for d in (base, *self.include_dirs))
            self.sink.error(f"cannot find include file '{name}' (searched {where})", origin, col)
            return
        real = path.resolve()
        if real in self.include_stack:
            chain = " -> ".join(p.name for p in [*self.include_stack, real])
            self.sink.error(f"include cycle: {chain}", origin, col)
            raise ExpandError
        if len(self.include_stack) >= MAX_INCLUDE_DEPTH:
            self.sink.error(f"includes nest more than {MAX_INCLUDE_DEPTH} deep", origin, col)
            raise ExpandError
        try:
            text = read_source(path)
        except OSError as err:
            self.sink.error(f"cannot read include file '{name}': {err.strerror}", origin, col)
            return
        except ValueError as err:
            self.sink.error(f"cannot include '{name}': {err}", origin, col)
            return
        self.include_stack.append(real)
        frame = Frame("include", "", origin, col)
        try:
            self._feed_file(
                text,
                str(path) if Path(name).is_absolute() else _display(path),
                path.parent,
                (*origin.context, frame),
            )
        finally:
            self.include_stack.pop()

    def resolve(self, name: str, base: Path) -> Path | None:
        """Find an included file: beside the including file, then -I dirs, then the project's."""
        for d in (base, *self.include_dirs):
            candidate = d / name
            if candidate.is_file():
                return candidate
        return None

    def _macro(self, args: str, origin: Origin, col: int, arg_col: int) -> None:
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*(.*)", args)
        if not m:
            self.sink.error("'.macro' needs a name", origin, arg_col)
            self.collect = _Collect("macro", origin, col, macro=Macro("", []))
            return
        name, params = m.group(1), m.group(2).strip()
        if params.startswith("(") and params.endswith(")"):
            params = params[1:-1]
        plist = [p.strip() for p in params.split(",")] if params else []
        bad = [p for p in plist if not _IDENT.match(p)]
        if bad:
            self.sink.error(f"'{bad[0]}' is not a parameter name", origin, arg_col)
        from w65tool import isa

        if name.lower() in isa.MNEMONICS:
            self.sink.error(
                f"a macro cannot be named after the instruction '{name}'", origin, arg_col
            )
        self.collect = _Collect("macro", origin, col, macro=Macro(name, plist, origin=origin))

    def _expand_macro(self, macro: Macro, rest: str, origin: Origin, col: int, base: Path) -> None:
        if macro.name in self.macro_stack:
            chain = " -> ".join(
                [*self.macro_stack[self.macro_stack.index(macro.name) :], macro.name]
            )
            self.sink.error(f"macro recursion: {chain}", origin, col)
            raise ExpandError
        if len(self.macro_stack) >= MAX_MACRO_DEPTH:
            self.sink.error(f"macros nest more than {MAX_MACRO_DEPTH} deep", origin, col)
            raise ExpandError
        text = strip_comment(rest).strip()
        if text.startswith("(") and _match_paren(text, 0) == len(text):
            text = text[1:-1]
        args = split_args(text)
        if len(args) > len(macro.params):
            self.sink.error(
                f"macro '{macro.name}' takes {len(macro.params)} argument"
                f"{'s' if len(macro.params) != 1 else ''}, not {len(args)}",
                origin,
                col,
            )
            return
        values = dict(zip(macro.params, args + [""] * (len(macro.params) - len(args)), strict=True))
        self.expansions += 1
        self.expansion = self.expansions
        frame = Frame("macro", macro.name, origin, col)
        self.macro_stack.append(macro.name)
        try:
            for body, body_origin in macro.body:
                if self.sink.full or self.ended:
                    return
                o = Origin(
                    body_origin.file, body_origin.line, body_origin.text, (*origin.context, frame)
                )
                line, cmap = self._replace_words(body, values) if values else (body, None)
                if "__" in line:  # what only the expansion knows, as a reader marked it
                    line, cmap = self._marks(line, cmap, len(args))
                self._line(line, o, cmap, base)
        finally:
            self.macro_stack.pop()

    def _marks(
        self, line: str, cmap: tuple[int, ...] | None, count: int
    ) -> tuple[str, tuple[int, ...] | None]:
        """An expanded line's marks: `UNIQUE_MARK` as this expansion's number (`_7`, WDC's
        `name#`), `PARAMCOUNT_MARK` as the number of arguments given (ca65's `.paramcount`)."""
        if UNIQUE_MARK not in line and PARAMCOUNT_MARK not in line:
            return line, cmap
        values = {UNIQUE_MARK: f"_{self.expansion}", PARAMCOUNT_MARK: str(count)}
        base = cmap if cmap is not None else tuple(range(1, len(line) + 1))
        out: list[str] = []
        cols: list[int] = []
        last = 0
        for m in _MARKS.finditer(line):
            value = values[m.group()]
            out.append(line[last : m.start()] + value)
            cols.extend(base[last : m.start()])
            cols.extend([base[m.start()]] * len(value))
            last = m.end()
        out.append(line[last:])
        cols.extend(base[last:])
        return "".join(out), tuple(cols)

    # -- substitution ---------------------------------------------------------------------
    @staticmethod
    def _replace_words(text: str, values: dict[str, str]) -> tuple[str, tuple[int, ...] | None]:
        out: list[str] = []
        cmap: list[int] = []
        last = 0
        changed = False
        for m in _TOKENS.finditer(text):
            tok = m.group()
            if tok in values:
                out.append(text[last : m.start()])
                cmap.extend(range(last + 1, m.start() + 1))
                out.append(values[tok])
                cmap.extend([m.start() + 1] * len(values[tok]))
                last = m.end()
                changed = True
        if not changed:
            return text, None
        out.append(text[last:])
        cmap.extend(range(last + 1, len(text) + 1))
        return "".join(out), tuple(cmap)

    def _substitute(
        self, text: str, origin: Origin, cmap: tuple[int, ...] | None
    ) -> tuple[str, tuple[int, ...] | None]:
        try:
            new, inner = self._expand_defines(text, frozenset(), 0)
        except LineError as err:
            self.sink.error(err.message, origin, self._col(cmap, err.col))
            return text, cmap
        if inner is None:
            return text, cmap
        return new, _compose(cmap, inner)

    def _expand_defines(
        self, text: str, active: frozenset[str], depth: int
    ) -> tuple[str, list[int] | None]:
        """Substitute defines in `text`; the column map says where each output char came from."""
        if depth > MAX_DEFINE_DEPTH:
            raise LineError(f"defines nest more than {MAX_DEFINE_DEPTH} deep", 1)
        defines = self.defines
        out: list[str] = []
        cmap: list[int] = []
        last = 0
        changed = False
        pos = 0
        for m in _TOKENS.finditer(text):
            if m.start() < pos:
                continue
            tok = m.group()
            entry = defines.get(tok)
            if entry is None or tok in active:
                continue
            params, body = entry
            end = m.end()
            if params is not None:
                j = end
                while j < len(text) and text[j] in " \t":
                    j += 1
                if j >= len(text) or text[j] != "(":
                    continue  # a function-like name without arguments is left alone, as in C
                close = _match_paren(text, j)
                if close < 0:
                    raise LineError(f"'{tok}(' has no closing ')'", m.start() + 1)
                args = split_args(text[j + 1 : close - 1])
                if len(args) != len(params) and not (not params and args == []):
                    raise LineError(
                        f"'{tok}' takes {len(params)} argument{'s' if len(params) != 1 else ''}, "
                        f"not {len(args)}",
                        m.start() + 1,
                    )
                body, _ = self._replace_words(body, dict(zip(params, args, strict=True)))
                end = close
            replacement, _ = self._expand_defines(body, active | {tok}, depth + 1)
            out.append(text[last : m.start()])
            cmap.extend(range(last + 1, m.start() + 1))
            out.append(replacement)
            cmap.extend([m.start() + 1] * len(replacement))
            last = pos = end
            changed = True
        if not changed:
            return text, None
        out.append(text[last:])
        cmap.extend(range(last + 1, len(text) + 1))
        return "".join(out), cmap


def _module_name(path: Path, taken: set[str]) -> str:
    """A scope name for a module of a source set: its file's stem, made a name, unique."""
    name = re.sub(r"\W", "_", path.stem) or "module"
    if not (name[0].isalpha() or name[0] == "_"):
        name = "_" + name
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _display(path: Path) -> str:
    """A path as diagnostics show it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)

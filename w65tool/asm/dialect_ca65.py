"""ca65's syntax, rewritten line by line into w65's (`--compat ca65`).

Rewritten: anonymous `:` labels and `:-`/`:+` references; `a:`/`z:`/`f:` address sizes;
`.lobyte() .hibyte() .bankbyte() .loword() .hiword()` and ca65's tight unary `<`, `>`, `^`;
`=` and `<>` comparing, `.and .or .not .mod .bitand .bitor .bitxor .bitnot .shl .shr`; `:=`;
strings without escapes; `.lobytes/.hibytes/.bankbytes`; `.align` (bytes); `.endscope`;
`.import`/`.export`/`.global` (the names are resolved within the sources assembled
together, so these say nothing more). Scope qualifiers (`::`), ca65's other functions and
`.asize`/`.isize` are located errors.
"""

from __future__ import annotations

import re

from w65tool.asm.builder import SCOPE_MARK, LineError
from w65tool.asm.diagnostics import Sink
from w65tool.asm.dialect_text import (
    Reader,
    Rewrite,
    Token,
    anonymous_def,
    anonymous_ref,
    scanner,
    w65_string,
)
from w65tool.asm.dialect_text import tokens as scan
from w65tool.asm.expander import (
    DEFINED_MARK,
    PARAMCOUNT_MARK,
    UNIQUE_MARK,
    Line,
    strip_comment,
)
from w65tool.asm.numbers import NumberError, parse_number

_SCAN = scanner(r'"[^"\n]*"|\'[^\'\n]*\'')

# `.fn(x)`: a mask and a shift
_FUNCTIONS = {
    ".lobyte": ("255", ""),
    ".hibyte": ("255", ">>8"),
    ".bankbyte": ("255", ">>16"),
    ".loword": ("65535", ""),
    ".hiword": ("65535", ">>16"),
}
# tight unary selectors, as ca65 binds them
_SELECTORS = {"<": ("255", ""), ">": ("255", ">>8"), "^": ("255", ">>16")}
_OPERATOR_WORDS = {
    ".and": "&&",
    ".or": "||",
    ".not": "!",
    ".mod": "%",
    ".bitand": "&",
    ".bitor": "|",
    ".bitxor": "^",
    ".bitnot": "~",
    ".shl": "<<",
    ".shr": ">>",
}
_SIZE_PREFIXES = {"a": "!", "z": "<", "f": ">"}
# directives that say nothing about the bytes of sources assembled together
_DROPPED = frozenset(
    {
        ".import",
        ".importzp",
        ".export",
        ".exportzp",
        ".global",
        ".globalzp",
        ".forceimport",
        ".list",
        ".listbytes",
        ".debuginfo",
        ".fileopt",
        ".pagelength",
        ".linecont",
        ".out",
        ".autoimport",
    }
)
_RENAMED = {
    ".endscope": ".ends",
    ".endrep": ".endr",
    ".byt": ".byte",
    ".mac": ".macro",
    ".endmac": ".endmacro",
    ".ifp816": ".if 1 ;",  # the CPU w65 assembles for
    ".ifpc02": ".if 0 ;",
    ".ifp02": ".if 0 ;",
    ".ifpsc02": ".if 0 ;",
    ".ifp4510": ".if 0 ;",
    ".ifpdtv": ".if 0 ;",
}
# `.feature`s that change nothing w65 reads: numbers with `_` and `/* */` comments are read
# anyway, `$` alone is the address
_LONG_BRANCHES = {
    "jeq": "beq",
    "jne": "bne",
    "jcc": "bcc",
    "jcs": "bcs",
    "jmi": "bmi",
    "jpl": "bpl",
    "jvc": "bvc",
    "jvs": "bvs",
}
_LONG_WORD = re.compile(r"(?:[ \t]*@?\w+:)*[ \t]*j(?:eq|ne|cc|cs|mi|pl|vc|vs)\b", re.I)
_MACPACK = re.compile(r"[ \t]*\.macpack[ \t]+(\w+)", re.IGNORECASE)
# ca65's `.macpack generic`, in w65's syntax (the marks: each expansion's own label, and the
# number of arguments)
_GENERIC = (
    ".macro add a1, a2",
    "clc",
    ".if __paramcount__ == 2",
    "adc a1, a2",
    ".else",
    "adc a1",
    ".endif",
    ".endm",
    ".macro sub a1, a2",
    "sec",
    ".if __paramcount__ == 2",
    "sbc a1, a2",
    ".else",
    "sbc a1",
    ".endif",
    ".endm",
    ".macro bge a1",
    "bcs a1",
    ".endm",
    ".macro blt a1",
    "bcc a1",
    ".endm",
    ".macro bgt a1",
    "beq bgt_over__unique__",
    "bcs a1",
    "bgt_over__unique__:",
    ".endm",
    ".macro ble a1",
    "beq a1",
    "bcc a1",
    ".endm",
    ".macro bnz a1",
    "bne a1",
    ".endm",
    ".macro bze a1",
    "beq a1",
    ".endm",
)
_HARMLESS_FEATURES = frozenset({"underline_in_numbers", "c_comments", "dollar_is_pc"})
# messages: an `.assert` that never holds
_MESSAGES = {".warning": "warning", ".error": "error", ".fatal": "error"}
_BYTE_LISTS = {".lobytes": ".lobyte", ".hibytes": ".hibyte", ".bankbytes": ".bankbyte"}
_UNARY_BEFORE = frozenset(
    {
        "#",
        "(",
        "[",
        ",",
        "+",
        "-",
        "*",
        "/",
        "&",
        "|",
        "^",
        "<",
        ">",
        "~",
        "!",
        "%",
        "=",
        "<>",
        "<=",
        ">=",
        "==",
        "!=",
        "<<",
        ">>",
        "&&",
        "||",
    }
)
# a line holding nothing a ca65 rewrite touches: no label colon, directive, selector,
# comparison, `!`, string, block move, or rep/sep (which `.smart` follows for `.asize`)
_PLAIN = re.compile(r"(?![^;]*(?i:mv[np]|rep|sep))[^:.<>^=!\"';]*(;.*)?")
# a macro's first and last lines, and its `.local` names
_MACRO_EDGE = re.compile(r"[ \t]*(\.(?:macro|mac|endmacro|endmac|local))\b", re.IGNORECASE)
# a rewritten line's words, strings and the rest (for the `.local` names)
_WORDS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|;.*|[@.]?\w+|[^\w"\';@.]+|.')
# a module's `.export`/`.global` (of a source set), and its top-level definitions
_EXPORT = re.compile(
    r"[ \t]*(?:@?[A-Za-z_]\w*:[ \t]*)*(\.(?:export|exportzp|global|globalzp))\b[ \t]*(.*)",
    re.IGNORECASE,
)
_DEFINES = re.compile(
    r"[ \t]*(?:([A-Za-z_]\w*)[ \t]*(?::(?!:)|:?=|\.set\b)|\.proc[ \t]+([A-Za-z_]\w*))",
    re.IGNORECASE,
)
_NAME = re.compile(r"[A-Za-z_]\w*")
# lines that open a structure or an enum (read by `_aggregate` until their end)
_AGGREGATE = re.compile(r"^\s*\.(?i:struct|enum)\b")
_FIELD_SIZES = {
    ".byte": 1,
    ".res": 1,
    ".word": 2,
    ".addr": 2,
    ".faraddr": 3,
    ".dword": 4,
    ".tag": 0,
}
# `.asize`/`.isize`: the width at the line, filled in by `live` as the expander reads it
_SIZES = {".asize": "__asize__", ".isize": "__isize__"}
_SIZE_WORDS = re.compile(r"__([ai])size__")
_WIDTH_LINE = re.compile(
    r"(?:[@A-Za-z_][A-Za-z0-9_]*:\s*)*(\.?[A-Za-z0-9_]+)\s*(#?)\s*([^;\s]*)", re.ASCII
)


class Ca65Reader(Reader):
    """One run's ca65 lines, and the widths `.asize`/`.isize` read: ca65 follows them down
    the expanded lines (`.a8` ... `.i16`, and `rep`/`sep` after `.smart`), as `track` does."""

    follows = True  # `.asize`/`.isize` follow the widths down the emitted lines

    def __init__(self) -> None:
        super().__init__()
        self.widths: dict[str, int | None] = {"a": 8, "i": 8}
        self.smart = False
        self.done: dict[str, list[tuple[str, tuple[int, ...] | None]]] = {}
        self.condition = False  # rewriting an `.if` condition (where `.defined` is read)
        self.depth = 0  # macro definitions open
        self.longbranch = False  # `.macpack longbranch`: jeq ... are branches
        self.generic = False  # `.macpack generic`: add, sub, bge ... are macros
        self.locals: set[str] = set()  # the open macro's `.local` names
        # an open `.struct` or `.enum`: its kind, name, and (for an enum) the last member
        self.block: tuple[str, str, str] | None = None

    def plain(self, text: str) -> bool:
        return (
            self.block is None
            and not self.locals
            and _PLAIN.fullmatch(text) is not None
            and not (self.longbranch and _LONG_WORD.match(text))
        )

    def _macro_line(self, text: str) -> list[tuple[str, tuple[int, ...] | None]]:
        """A macro's edges and, in a macro with `.local` names, each line: those names made
        each expansion's own (the expander numbers the mark)."""
        edge = _MACRO_EDGE.match(text)
        if edge is not None:
            word = edge.group(1).lower()
            if word == ".local":
                if self.depth == 0:
                    raise LineError("'.local' belongs in a macro", edge.start(1) + 1)
                for name in strip_comment(text[edge.end() :]).split(","):
                    if not _NAME.fullmatch(name.strip()):
                        raise LineError(f"'{name.strip()}' is not a name", edge.end() + 1)
                    self.locals.add(name.strip())
                return []
            if word in (".macro", ".mac"):
                self.depth += 1
            elif self.depth:  # .endmacro, .endm
                self.depth -= 1
                if self.depth == 0:
                    self.locals = set()
            return [self.line(text)]
        line, cmap = self.line(text)
        if cmap is None:
            cmap = tuple(range(1, len(line) + 1))
        out = Rewrite()
        for m in _WORDS.finditer(line):
            word = m.group()
            if word in self.locals:
                out.put(word + UNIQUE_MARK, cmap[m.start()] - 1)
            else:
                out.out.append(word)
                out.cmap.extend(cmap[m.start() : m.end()])
        return [("".join(out.out), tuple(out.cmap))]

    def _note_module(self, text: str) -> None:
        """What a module's line exports (`.export`, `.global`) or defines at its top."""
        found = _EXPORT.match(text)
        if found is not None:
            only_defined = found.group(1).lower().startswith(".global")
            at = found.start(2)
            for name in strip_comment(found.group(2)).split(","):
                word = name.strip().split(":")[0].strip()
                if not _NAME.fullmatch(word):
                    raise LineError(f"'{name.strip()}' is not a name to export", at + 1)
                self.exports.append((word, at + text[at:].find(word) + 1, only_defined))
            return
        found = _DEFINES.match(text)
        if found is not None:
            self.defined.add(found.group(1) or found.group(2))

    def finish(self, lines: list[Line], sink: Sink) -> None:
        if self.block is not None:
            kind, name, _last = self.block
            at = next(
                (
                    i
                    for i in range(len(lines) - 1, -1, -1)
                    if lines[i].text.startswith(f"; {kind} ")
                ),
                None,
            )
            if at is not None:
                sink.position = at
                sink.error(f"'{kind}' has no '.end{kind[1:]}'", lines[at].origin, 1)
                # closed here, so that nothing else complains of the open scope
                closing = [".ends", ".endv"] if kind == ".struct" else [".ends"] if name else []
                lines.extend(Line(text, lines[at].origin) for text in closing)
        super().finish(lines, sink)

    def _aggregate(self, text: str) -> list[tuple[str, tuple[int, ...] | None]]:
        """`.struct` (fields laid out at offset 0, `Name::field`, `.sizeof(Name)`) and `.enum`
        (constants counting up), line by line."""
        toks = [t for t in scan(_SCAN, text) if t[0] != "ws" and t[0] != "comment"]
        if not toks:
            return [(text, None)]
        words = [t[1].lower() for t in toks]
        at = toks[0][2]
        if self.block is None:
            kind = words[0]
            if kind not in (".struct", ".enum") or (len(toks) > 1 and toks[1][0] != "name"):
                raise LineError(f"'{toks[0][1]}' stands alone on its line, with a name", at + 1)
            name = toks[1][1] if len(toks) > 1 else ""
            if kind == ".struct" and not name:
                raise LineError("a '.struct' needs a name in w65", at + 1)
            self.block = (kind, name, "")
            # a comment line first: `finish` finds the opening there if no end comes
            opener = [(f"; {kind} {name}", None)]
            if kind == ".struct":
                opener.append((".virtual 0", None))
            return [*opener, *([(f".scope {name}", None)] if name else [])]
        kind, name, last = self.block
        if words[0] in (".endstruct", ".endenum"):
            if words[0][4:] != kind[1:]:
                raise LineError(f"'{toks[0][1]}' does not close a '{kind}'", at + 1)
            self.block = None
            if kind == ".struct":
                return [("__size__ = $", None), (".ends", None), (".endv", None)]
            return [(".ends", None)] if name else []
        if kind == ".enum":
            if toks[0][0] != "name" or toks[0][1][0] == ".":
                raise LineError("an enum member is a name, with '= value' if wanted", at + 1)
            out = Rewrite()
            out.keep(toks[0][1], at)
            if len(toks) > 1:
                if toks[1][1] != "=":
                    raise LineError("an enum member is a name, with '= value' if wanted", at + 1)
                out.put(" = ", toks[1][2])
                self._operand(toks[2:], out)
            else:
                out.put(f" = {last} + 1" if last else " = 0", at)
            self.block = (kind, name, toks[0][1])
            return [out.result("")]
        # a structure's field: `[name] .byte|.word|.dword|.addr|.faraddr [count]`, `.res n`,
        # `.tag Struct`
        k = 0 if words[0][0] == "." else 1
        if k >= len(toks) or words[k] not in _FIELD_SIZES:
            raise LineError(
                "a structure's field is '[name] .byte/.word/.addr/.faraddr/.dword [count]', "
                "'.res n' or '.tag Struct' in w65",
                at + 1,
            )
        out = Rewrite()
        if k:
            out.keep(toks[0][1] + ":", at)
        field = words[k]
        rest = toks[k + 1 :]
        if field == ".tag":
            if len(rest) != 1 or rest[0][0] != "name":
                raise LineError("'.tag' takes a structure's name", toks[k][2] + 1)
            out.put(f" .res {SCOPE_MARK.join((rest[0][1], '__size__'))}", toks[k][2])
            return [out.result("")]
        size = _FIELD_SIZES[field]
        out.put(f" .res {size}" + ("*(" if rest else ""), toks[k][2])
        if rest:
            self._operand(rest, out)
            out.put(")", rest[-1][2])
        return [out.result("")]

    def lines(self, text: str) -> list[tuple[str, tuple[int, ...] | None]]:
        if self.in_set:
            self._note_module(text)
        if self.block is not None or _AGGREGATE.search(text):
            return self._aggregate(text)
        if _MACRO_EDGE.match(text) or self.locals:
            return self._macro_line(text)
        found = _MACPACK.match(text)
        if found is not None:
            lines = self._macpack(found)
            self.generic = self.generic or found.group(1).lower() == "generic"
            return lines
        # a line with none of the characters ca65 reads otherwise is w65's already (most
        # instructions); the rest repeat often: the rewrite depends on the text alone
        if self.plain(text):
            return [(text, None)]
        done = self.done.get(text)
        if done is None:
            done = self.done[text] = [self.line(text)]
        return done

    def live(self, text: str) -> str:
        if "size__" not in text:
            return text

        def width(m: re.Match) -> str:
            value = self.widths[m.group(1)]
            if value is None:
                raise LineError(
                    f"'.{m.group(1)}size' is not known here: a rep/sep without a number "
                    "came before",
                    m.start() + 1,
                )
            return str(value).ljust(len(m.group()))

        return _SIZE_WORDS.sub(width, text)

    def track(self, text: str) -> None:
        m = _WIDTH_LINE.match(text.strip())
        if m is None:
            return
        word = m.group(1).lower()
        if word in (".a8", ".a16", ".i8", ".i16"):
            self.widths[word[1]] = int(word[2:])
        elif word == ".smart":
            self.smart = m.group(3).lower() not in ("off", "-")
        elif self.smart and word in ("rep", "sep") and m.group(2):
            try:
                value = parse_number(m.group(3))[0]
            except (NumberError, IndexError):  # not a number: the widths are not known
                self.widths = {"a": None, "i": None}
                return
            for reg, bit in (("a", 0x20), ("i", 0x10)):
                if value & bit:
                    self.widths[reg] = 16 if word == "rep" else 8

    def line(self, text: str) -> tuple[str, tuple[int, ...] | None]:
        toks = [t for t in scan(_SCAN, text) if t[0] != "ws"]
        if not toks or toks[0][0] == "comment":
            return text, None
        out = Rewrite()
        k = 0
        # labels: `name:`, `@name:`, `:`
        while k < len(toks):
            kind, tok, at = toks[k]
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if kind == "name" and tok[0] != "." and nxt == ("op", ":", at + len(tok)):
                out.keep(tok + ":", at)
                out.put(" ", at)
                k += 2
            elif kind == "op" and tok == ":" and (nxt is None or nxt[1] not in ("+", "-")):
                out.put(anonymous_def() + ": ", at)
                k += 1
            else:
                break
        if k >= len(toks) or toks[k][0] == "comment":
            return out.result(text)
        kind, word, at = toks[k]
        lower = word.lower()
        if lower in _DROPPED:
            return out.result(text)
        rest = toks[k + 1 :]
        if lower == ".tag":  # room for a structure
            if len(rest) < 1 or rest[0][0] != "name":
                raise LineError("'.tag' takes a structure's name", at + 1)
            out.put(f".res {SCOPE_MARK.join((rest[0][1], '__size__'))}", at)
            return out.result(text)
        if self.longbranch and lower in _LONG_BRANCHES and rest:
            out.put(f".longbranch {_LONG_BRANCHES[lower]}, ", at)
            self._operand(rest, out)
            return out.result(text)
        if lower == ".feature":
            for item in rest:
                if item[0] == "comment":
                    break
                if item[1] != "," and item[1].lower() not in _HARMLESS_FEATURES:
                    raise LineError(
                        f"ca65's feature '{item[1]}' is not supported by w65", item[2] + 1
                    )
            return out.result(text)
        if lower == ".case":
            if rest and rest[0][1].lower() in ("-", "off"):
                raise LineError("names ignore case only under --compat 64tass", at + 1)
            return out.result(text)
        if lower in _MESSAGES:
            out.put(f".assert 0, {_MESSAGES[lower]}, ", at)
            self._operand(rest, out)
            return out.result(text)
        if lower == ".dbyt":  # big-endian words: high byte first
            out.put(".byte ", at)
            self._list_of(rest, ".dbyt", out)
            return out.result(text)
        if lower in _BYTE_LISTS:
            out.put(".byte ", at)
            self._list_of(rest, _BYTE_LISTS[lower], out)
            return out.result(text)
        if lower == ".smart" and rest and rest[0][1] in ("+", "-"):
            out.put(".smart " + ("on" if rest[0][1] == "+" else "off"), at)
            return out.result(text)
        if lower == ".segment" and len(rest) >= 3 and rest[1][1] == ":":
            rest = [*rest[:1], ("op", ",", rest[1][2]), *rest[2:]]
        if lower in ("mvn", "mvp") and rest and rest[0][1] != "#":
            # ca65 reads a bare block-move operand as an address: its bank byte is moved
            out.keep(word, at)
            out.put(" ", at + len(word))
            self._list_of(rest, ".bankbyte", out, prefix="#")
            return out.result(text)
        if lower in _RENAMED:
            out.put(_RENAMED[lower], at)
        elif kind == "name" and rest and rest[0][1] in ("=", ":="):
            out.keep(word, at)
            out.put(" = ", rest[0][2])
            rest = rest[1:]
        else:
            out.keep(word, at)
        out.put(" ", at + len(word))
        self.condition = lower in (".if", ".elseif")
        try:
            self._operand(rest, out)
        finally:
            self.condition = False
        return out.result(text)

    def _macpack(self, found: re.Match) -> list[tuple[str, tuple[int, ...] | None]]:
        """`.macpack longbranch` (`jeq` ... read as branches by the passes) and `.macpack
        generic` (its macros, defined here in w65's syntax)."""
        name = found.group(1).lower()
        if name == "longbranch":
            self.longbranch = True
            self.done.clear()  # `jeq x` reads otherwise from here on
            return []
        if name == "generic":
            return [] if self.generic else [(line, None) for line in _GENERIC]
        raise LineError(f"ca65's macro package '{found.group(1)}' is not supported by w65", 1)

    def _list_of(self, toks: list[Token], fn: str, out: Rewrite, prefix: str = "") -> None:
        """`.lobytes a, b` as `.byte` of each item's low byte."""
        items: list[list[Token]] = [[]]
        depth = 0
        for t in toks:
            if t[0] == "comment":
                break
            if t[1] in ("(", "["):
                depth += 1
            elif t[1] in (")", "]"):
                depth -= 1
            if t[1] == "," and depth == 0:
                items.append([])
            else:
                items[-1].append(t)
        for n, item in enumerate(items):
            if not item:
                raise LineError("an empty item in the list", toks[0][2] + 1 if toks else 1)
            if n:
                out.put(", ", item[0][2])
            if fn == ".dbyt":
                out.put("(255&(", item[0][2])
                self._expr(item, out, False)
                out.put(")>>8), (255&(", item[-1][2])
                self._expr(item, out, False)
                out.put("))", item[-1][2])
                continue
            mask, shift = _FUNCTIONS[fn]
            out.put(f"{prefix}({mask}&(", item[0][2])
            self._expr(item, out, False)
            out.put(f"){shift})", item[-1][2])

    def _operand(self, toks: list[Token], out: Rewrite) -> None:
        """An instruction's or directive's operand: sizes, anonymous references, functions."""
        start = True  # at the start of the operand (a size prefix may stand here)
        k = 0
        while k < len(toks):
            kind, tok, at = toks[k]
            if kind == "comment":
                out.keep(tok, at)
                return
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if (
                kind == "name"
                and tok.lower() in _SIZE_PREFIXES
                and nxt is not None
                and nxt[1] == ":"
                and nxt[2] == at + 1
            ):
                if not start:
                    raise LineError(
                        f"'{tok}:' stands only at the start of an operand in w65", at + 1
                    )
                out.put(_SIZE_PREFIXES[tok.lower()], at)
                k += 2
                start = True
                continue
            if tok in ("(", "[") and start:
                out.keep(tok, at)
                k += 1
                continue
            if tok == "!" and start and k == 0:
                out.put("0+", at)  # ca65's `!` is a logical not; w65 would force absolute
            k = self._expr_from(toks, k, out, operand_start=start)
            start = False
        return

    def _expr(self, toks: list[Token], out: Rewrite, operand_start: bool) -> None:
        k = 0
        while k < len(toks):
            k = self._expr_from(toks, k, out, operand_start and k == 0)

    def _expr_from(self, toks: list[Token], k: int, out: Rewrite, operand_start: bool) -> int:
        """Rewrite the token at `k` (and what it takes with it); the index after them."""
        kind, tok, at = toks[k]
        lower = tok.lower()
        if kind == "comment":
            out.keep(tok, at)
            return len(toks)
        if kind == "string":
            out.put(w65_string(tok[1:-1], at), at)
            return k + 1
        if kind == "op" and tok == ":" and k + 1 < len(toks) and toks[k + 1][1] in ("+", "-"):
            sign = toks[k + 1][1]
            j = k + 1
            while j < len(toks) and toks[j][1] == sign and toks[j][2] == toks[j - 1][2] + 1:
                j += 1
            out.put(anonymous_ref("f" if sign == "+" else "b", j - k - 1), at)
            return j
        if kind == "op" and tok == "::":
            raise LineError(
                "ca65's '::name' (a name in the outermost scope) is not supported by w65",
                at + 1,
            )
        if kind == "name" and lower == ".defined":  # read by the expander, in `.if`
            if not self.condition:
                raise LineError("ca65's '.defined' is read in .if conditions only by w65", at + 1)
            if not (
                k + 3 < len(toks)
                and toks[k + 1][1] == "("
                and toks[k + 2][0] == "name"
                and toks[k + 3][1] == ")"
            ):
                raise LineError("'.defined' takes a name in parentheses", at + 1)
            out.put(DEFINED_MARK + toks[k + 2][1], at)
            return k + 4
        if kind == "name" and lower == ".paramcount":  # filled in by each macro expansion
            out.put(PARAMCOUNT_MARK, at)
            return k + 1
        if kind == "name" and lower == ".sizeof":
            if not (
                k + 3 < len(toks)
                and toks[k + 1][1] == "("
                and toks[k + 2][0] == "name"
                and toks[k + 3][1] == ")"
            ):
                raise LineError("'.sizeof' takes a structure's name in parentheses", at + 1)
            out.put(SCOPE_MARK.join((toks[k + 2][1], "__size__")), at)
            return k + 4
        if kind == "name" and lower in _SIZES:
            out.put(_SIZES[lower], at)
            return k + 1
        if kind == "name" and lower in _FUNCTIONS:
            if k + 1 >= len(toks) or toks[k + 1][1] != "(":
                raise LineError(f"'{tok}' takes its argument in parentheses", at + 1)
            close = _closing(toks, k + 1)
            mask, shift = _FUNCTIONS[lower]
            out.put(_lead(operand_start, mask, toks, close + 1) + f"({mask}&(", at)
            self._expr(toks[k + 2 : close], out, False)
            out.put(f"){shift})", toks[close][2])
            return close + 1
        if kind == "name" and lower in _OPERATOR_WORDS:
            out.put(_OPERATOR_WORDS[lower], at)
            return k + 1
        if kind == "name" and tok[0] == ".":
            raise LineError(f"ca65's '{tok}' is not supported by w65", at + 1)
        if kind == "op" and tok in _SELECTORS and _expects_operand(toks, k):
            end = _primary_end(toks, k + 1)
            mask, shift = _SELECTORS[tok]
            out.put(_lead(operand_start, mask, toks, end) + f"({mask}&(", at)
            self._expr(toks[k + 1 : end], out, False)
            out.put(f"){shift})", toks[end - 1][2])
            return end
        if kind == "op" and tok == "<>":
            out.put("!=", at)
            return k + 1
        if kind == "op" and tok == "=":
            out.put("==", at)
            return k + 1
        if kind == "name" and k + 2 < len(toks) and toks[k + 1][1] == "::":
            # `scope::name`: the name inside the scope, found from the innermost scope out
            parts = [tok]
            j = k
            while j + 2 < len(toks) and toks[j + 1][1] == "::" and toks[j + 2][0] == "name":
                parts.append(toks[j + 2][1])
                j += 2
            out.put(SCOPE_MARK.join(parts), at)
            return j + 1
        out.keep(tok, at)
        return k + 1


def _lead(operand_start: bool, mask: str, toks: list[Token], end: int) -> str:
    """What goes before a byte or word selector at an operand's start: a byte selector that
    is the whole address is direct page even where its symbol is not yet defined (ca65 sizes
    the result, not the symbol), so it gets w65's `<`; else `0+` keeps the `(` from reading
    as indirect."""
    if not operand_start:
        return ""
    whole = end >= len(toks) or toks[end][1] == "," or toks[end][0] == "comment"
    return "<0+" if whole and mask == "255" else "0+"


def _expects_operand(toks: list[Token], k: int) -> bool:
    """Whether an operand (not an operator) stands at `k`: `*` is the address there."""
    while k > 0:
        prev = toks[k - 1][1]
        if prev not in _UNARY_BEFORE:
            return False
        if prev != "*":
            return True
        k -= 1  # `*` is an operator only where an operand came before it
        if _expects_operand(toks, k):
            return False
    return True


def _closing(toks: list[Token], k: int) -> int:
    depth = 0
    for j in range(k, len(toks)):
        if toks[j][1] in ("(", "["):
            depth += 1
        elif toks[j][1] in (")", "]"):
            depth -= 1
            if depth == 0:
                return j
    raise LineError("'(' has no closing ')'", toks[k][2] + 1)


def _primary_end(toks: list[Token], k: int) -> int:
    """The end of the primary expression at `k` (with its own unary operators)."""
    while k < len(toks) and toks[k][1] in ("-", "+", "~", "!", "<", ">", "^"):
        k += 1
    if k >= len(toks) or toks[k][0] == "comment":
        raise LineError("an operator without an operand", toks[k - 1][2] + 1)
    kind, tok, _at = toks[k]
    if tok in ("(", "["):
        return _closing(toks, k) + 1
    if kind == "name" and tok.lower() in _FUNCTIONS and k + 1 < len(toks) and toks[k + 1][1] == "(":
        return _closing(toks, k + 1) + 1
    if tok == ":" and k + 1 < len(toks) and toks[k + 1][1] in ("+", "-"):
        j = k + 1
        while j < len(toks) and toks[j][1] == toks[k + 1][1]:
            j += 1
        return j
    return k + 1

"""64tass's syntax, rewritten line by line into w65's (`--compat 64tass`).

Rewritten: labels without colons; `NAME .macro [params]` with `\\1`...`\\9`, `\\name` and
`\\{name}`, called as `#NAME` or `.NAME` (each expansion a scope of its own, as in 64tass);
`:=` and `.var`; `=` comparing; `.block`/`.bend`, `.proc`/`.pend`; `.section`/`.send`
placed at `.dsection`; `.logical`/`.here`; `?` reservations; `,b` `,d` `,k` and `@b` `@w`
`@l` address sizes; `<>` (low word), `` ` `` (bank byte) and `>`` (bits 8-23) selectors;
`+`/`-` anonymous labels; strings without escapes (`""` for a quote); `.elsif`, `.fi`,
`.endrept`, `.null`, `.char`, `.align` (bytes), `.comment`/`.endc`. What is not read
(`.struct`, `.for`, `^`, ...) is a located error.
"""

from __future__ import annotations

import re

from w65tool import isa
from w65tool.asm.builder import SCOPE_MARK, LineError
from w65tool.asm.diagnostics import Sink
from w65tool.asm.dialect_text import (
    Reader,
    Rewrite,
    Token,
    anonymous_def,
    anonymous_ref,
    fold_case,
    name_anonymous,
    scanner,
    w65_string,
)
from w65tool.asm.dialect_text import tokens as scan
from w65tool.asm.expander import Line

_SCAN = scanner(r'"(?:[^"\n]|"")*"|\'(?:[^\'\n]|\'\')*\'')
_RENAMED = {
    ".elsif": ".elif",
    ".fi": ".endif",
    ".endrept": ".endr",
    ".next": ".endr",
    ".endfor": ".endr",
    ".null": ".asciiz",
    ".char": ".byte",
    ".endlogical": ".here",
    ".endvirtual": ".endv",
    ".sint": ".word",
    ".lint": ".long",
    ".dint": ".dword",
    ".endmacro": ".endm",
    ".endif": ".endif",
}
_UNSUPPORTED = frozenset(
    {
        ".struct",
        ".union",
        ".endu",
        ".dunion",
        ".segment",
        ".function",
        ".enc",
        ".cdef",
        ".edef",
        ".page",
        ".endp",
        ".offs",
        ".weak",
        ".endweak",
        ".with",
        ".namespace",
        ".shift",
        ".ptext",
        ".shiftl",
        ".rta",
        ".switch",
        ".case",
        ".default",
        ".option",
    }
)
# `,b` data bank (absolute), `,d` direct page, `,k` program bank (absolute)
_SIZE_ITEMS = {"b": "!", "d": "<", "k": "!"}
_SIZE_PREFIXES = {"@b": "<", "@w": "!", "@l": ">"}
# loose selectors (to the end of the expression): a mask and a shift
_SELECTORS = {"<>": ("65535", ""), "`": ("255", ">>16"), ">`": ("65535", ">>8")}
_MNEMONICS = isa.MNEMONICS
# an indented instruction (its mnemonic checked apart) holding nothing a 64tass rewrite
# touches: no directive, parameter, assignment, selector, size, `size()`, string or anonymous
# reference
_PLAIN = re.compile(
    r"[ \t]+([A-Za-z]{3})(?![A-Za-z0-9_.])(?![^;]*,[ \t]*[bdklBDKL]\b)"
    r"(?![^;]*(?i:size)[ \t]*\()[^.\\:=<>`'\"@?+\-*^!;]*(;.*)?"
)
_PARAM = re.compile(r"\\(?:([1-9])|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(@))")
_MAX_PARAMS = 9


def _param(n: int) -> str:
    return f"__p{n}__"


class TassReader(Reader):
    """One run's 64tass lines: macro bodies, blocks and sections are followed across lines."""

    def __init__(self) -> None:
        super().__init__()
        self.macros: set[str] = set()
        self.params: dict[str, int] | None = None  # inside a macro: name -> position
        self.blocks: list[str] = []  # the closer of each open .block/.proc
        self.comment = False
        self.proc_names: set[str] = set()
        self.structs: dict[str, int] = {}  # structure name -> its parameter count
        self.struct: str | None = None  # the structure being defined

    def plain(self, text: str) -> bool:
        # 64tass's names ignore case (as its default, without -C): a plain line is one with
        # nothing to rewrite and nothing to fold
        return self._plain(text) and text == text.lower()

    def _plain(self, text: str) -> bool:
        found = _PLAIN.fullmatch(text)
        return found is not None and found.group(1).lower() in _MNEMONICS and not self.comment

    def lines(self, text: str) -> list[tuple[str, tuple[int, ...] | None]]:
        if self._plain(text):  # an indented instruction with nothing 64tass reads otherwise
            return [(text.lower(), None)]  # (no string or character in it to keep)
        return [(fold_case(line), cmap) for line, cmap in self._rewrite(text)]

    def _rewrite(self, text: str) -> list[tuple[str, tuple[int, ...] | None]]:
        if self.comment:
            if text.strip().lower().startswith(".endc"):
                self.comment = False
            return []
        if self.params is not None and "\\" in text:
            text = self._parameters(text)
        toks = [t for t in scan(_SCAN, text) if t[0] != "ws"]
        if not toks or toks[0][0] == "comment":
            return [(text, None)]
        out = Rewrite()
        k = 0
        kind, tok, at = toks[0]
        nxt = toks[1] if len(toks) > 1 else None
        # a `-` or `+` alone at the start is an anonymous label
        if kind == "op" and tok in ("-", "+") and (nxt is None or nxt[2] > at + 1):
            out.put(anonymous_def("m" if tok == "-" else "p") + ": ", at)
            k = 1
        elif kind == "op" and tok == "*" and nxt is not None and nxt[1] == "=":
            out.put("* = ", at)
            self._operand(toks[2:], out, immediate=False)
            return [out.result(text)]
        elif kind == "name" and tok[0] not in ".@" and tok.lower() not in _MNEMONICS:
            word = nxt[1].lower() if nxt is not None else ""
            if word in ("=", ":=", ".var"):
                out.put(".set " if word != "=" else "", at)
                out.keep(tok, at)
                out.put(" = ", nxt[2])  # type: ignore[index]
                self._operand(toks[2:], out, immediate=False)
                return [out.result(text)]
            if word == ".macro":
                return self._macro(tok, toks[2:], at)
            if word == ".struct":
                return self._struct(tok, toks[2:], at)
            if word == ".dstruct":
                return self._instance(tok, toks[2:], at)
            if word == "#" and len(toks) > 2 and toks[2][1].lower() in self.structs:
                return self._instance(tok, toks[2:], at)
            if word in (".block", ".proc"):
                self.blocks.append(".endf")
                if word == ".proc":
                    self.proc_names.add(tok.lower())
                out.put(".func ", nxt[2])  # type: ignore[index]
                out.keep(tok, at)
                self._check_empty(toks[2:])
                return [out.result(text)]
            out.keep(tok + ":", at)
            out.put(" ", at)
            k = 1
            if nxt is not None and nxt[1] == ":" and nxt[2] == at + len(tok):
                k = 2
        if k >= len(toks) or toks[k][0] == "comment":
            return [out.result(text)]
        kind, word, at = toks[k]
        lower = word.lower()
        rest = toks[k + 1 :]
        if kind == "op" and word == "#" and rest and rest[0][1].lower() in self.structs:
            return self._instance("", rest, at)
        if kind == "op" and word == "#" and rest and rest[0][0] == "name":
            out.keep(rest[0][1], rest[0][2])  # `#name args`: a macro call
            out.put(" ", rest[0][2])
            self._operand(rest[1:], out, immediate=False)
            return [out.result(text)]
        if kind == "name" and lower[0] == "." and lower[1:] in self.macros:
            out.put(word[1:], at)
            out.put(" ", at)
            self._operand(rest, out, immediate=False)
            return [out.result(text)]
        if lower in (".ends", ".endstruct") and self.struct is not None:
            return self._struct_end()
        if lower == ".dstruct" or (
            kind == "op" and word == "#" and rest and rest[0][1].lower() in self.structs
        ):
            return self._instance("", rest, at)
        if lower in _UNSUPPORTED:
            raise LineError(f"64tass's '{word}' is not supported by w65", at + 1)
        if lower == ".comment":
            self.comment = True
            return [out.result(text)] if k else []
        if lower == ".endm" or lower == ".endmacro":
            if self.params is None:
                raise LineError(f"'{word}' without '.macro'", at + 1)
            self.params = None
            return [(".ends", None), (".endm", None)]
        if lower in (".block", ".proc"):
            self.blocks.append(".ends")
            out.put(".scope", at)
            return [out.result(text)]
        if lower in (".bend", ".pend"):
            if not self.blocks:
                raise LineError(f"'{word}' without '.block' or '.proc'", at + 1)
            out.put(self.blocks.pop(), at)
            return [out.result(text)]
        if lower == ".for":
            return [self._for(rest, at, text)]
        if lower in (".error", ".warn"):
            kind = "error" if lower == ".error" else "warning"
            out.put(f".assert 0, {kind}, ", at)
            self._operand(rest, out, immediate=False)
            return [out.result(text)]
        if lower in (".cerror", ".cwarn"):  # `.cerror cond, "message"`: when cond holds
            kind = "error" if lower == ".cerror" else "warning"
            end = _expression_end(rest, 0)
            out.put(".assert !(", at)
            self._operand(rest[:end], out, immediate=False)
            out.put(f"), {kind}", at)
            if end < len(rest):
                self._operand(rest[end:], out, immediate=False)
            return [out.result(text)]
        if lower in (".section", ".dsection"):
            if len(rest) < 1 or rest[0][0] != "name":
                raise LineError(f"'{word}' takes a section name", at + 1)
            out.put(f".w65_{lower[1:]} {rest[0][1]}", at)
            return [out.result(text)]
        if lower == ".send":
            out.put(".w65_send", at)
            return [out.result(text)]
        if lower in (".byte", ".word", ".long", ".dword", ".fill", ".char", ".addr") and any(
            t[1] == "?" for t in rest
        ):
            self._reserve(lower, rest, out, at)
            return [out.result(text)]
        out.put(_RENAMED.get(lower, word), at)
        out.put(" ", at + len(word))
        self._operand(rest, out, immediate=False, condition=lower in (".if", ".elsif"))
        return [out.result(text)]

    @staticmethod
    def _check_empty(toks: list[Token]) -> None:
        if toks and toks[0][0] != "comment":
            raise LineError("unexpected text after the block's name", toks[0][2] + 1)

    def _parameters(self, text: str) -> str:
        """A macro body's `\\1`, `\\name` and `\\{name}`, as the expander's parameters."""
        params = self.params or {}

        def sub(m: re.Match) -> str:
            if m.group(4):
                raise LineError("64tass's '\\@' is not supported by w65", m.start() + 1)
            if m.group(1):
                return _param(int(m.group(1)))
            name = m.group(2) or m.group(3)
            if name.lower() not in params:
                raise LineError(f"'\\{name}' is not a parameter of this macro", m.start() + 1)
            return _param(params[name.lower()])

        return _PARAM.sub(sub, text)

    def _macro(
        self, name: str, toks: list[Token], at: int
    ) -> list[tuple[str, tuple[int, ...] | None]]:
        if self.params is not None:
            raise LineError("a macro inside a macro is not supported by w65", at + 1)
        params: dict[str, int] = {}
        for t in toks:
            if t[0] == "comment":
                break
            if t[0] == "name":
                params[t[1].lower()] = len(params) + 1
            elif t[1] != ",":
                raise LineError(
                    "64tass's default parameter values are not supported by w65", t[2] + 1
                )
        if len(params) > _MAX_PARAMS:
            raise LineError(f"a macro takes at most {_MAX_PARAMS} parameters", at + 1)
        self.params = params
        self.macros.add(name.lower())
        plist = ", ".join(_param(n) for n in range(1, _MAX_PARAMS + 1))
        # each expansion is a scope, so its labels are its own
        return [(f".macro {name} {plist}", None), (".scope", None)]

    def _for(self, toks: list[Token], at: int, text: str) -> tuple[str, tuple[int, ...] | None]:
        """`.for i = 0, i < 8, i += 1` as the expander's `.for i, 0, i < 8, i + (1)`."""
        parts: list[list[Token]] = [[]]
        depth = 0
        for t in toks:
            if t[0] == "comment":
                break
            depth += t[1] in ("(", "[")
            depth -= t[1] in (")", "]")
            if t[1] == "," and depth == 0:
                parts.append([])
            else:
                parts[-1].append(t)
        init, cond, step = parts if len(parts) == 3 else ([], [], [])
        form = "'.for' is written .for i = start, condition, i += step in w65"
        if (
            len(init) < 3
            or init[0][0] != "name"
            or init[1][1] not in ("=", ":=")
            or not cond
            or len(step) < 3
            or step[0][1].lower() != init[0][1].lower()
        ):
            raise LineError(form, at + 1)
        name = init[0][1]
        out = Rewrite()
        out.put(f".for {name}, ", at)
        self._operand(init[2:], out, immediate=False)
        out.put(", ", cond[0][2])
        self._operand(cond, out, immediate=False)
        out.put(", ", step[0][2])
        op = step[1][1]
        if op in ("=", ":="):
            self._operand(step[2:], out, immediate=False)
        elif op in ("+", "-", "*", "/") and step[2][1] == "=":
            # `i += 1`: the scanner reads `+` and `=` apart
            out.put(f"{name} {op} (", step[1][2])
            self._operand(step[3:], out, immediate=False)
            out.put(")", step[-1][2])
        else:
            raise LineError(form, at + 1)
        return out.result(text)

    def _struct(
        self, name: str, toks: list[Token], at: int
    ) -> list[tuple[str, tuple[int, ...] | None]]:
        """`NAME .struct [params]`: kept as a macro, laid out at offset 0 at its end."""
        lines = self._macro(f"__struct_{name}", toks, at)
        self.macros.discard(f"__struct_{name}".lower())
        self.struct = name
        self.structs[name.lower()] = len(self.params or {})
        return lines[:1]  # no scope of its own: an instance names its scope

    def _struct_end(self) -> list[tuple[str, tuple[int, ...] | None]]:
        name = self.struct
        assert name is not None
        self.struct = None
        self.params = None
        zeros = ", ".join(["0"] * self.structs[name.lower()])
        # the layout: NAME.field is the field's offset, NAME.__size__ the size (`size()`)
        return [
            (".endm", None),
            (".virtual 0", None),
            (f".scope {name}", None),
            (f"__struct_{name} {zeros}", None),
            ("__size__ = $", None),
            (".ends", None),
            (".endv", None),
        ]

    def _instance(
        self, label: str, toks: list[Token], at: int
    ) -> list[tuple[str, tuple[int, ...] | None]]:
        """`[label] .dstruct NAME[, args]` or `[label] #NAME [args]`: a structure's bytes here,
        its fields as `label.field`."""
        items = [t for t in toks if t[0] != "comment"]
        if items and items[0][1] == "#":
            items = items[1:]
        if not items or items[0][1].lower() not in self.structs:
            raise LineError("'.dstruct' takes the name of a structure defined above", at + 1)
        name = items[0][1]
        args = items[1:]
        if args and args[0][1] == ",":
            args = args[1:]
        out = Rewrite()
        out.put(f"__struct_{name} ", items[0][2])
        self._operand(args, out, immediate=False)
        call = out.result("")
        opener, closer = (f".func {label}", ".endf") if label else (".scope", ".ends")
        return [(opener, None), call, (closer, None)]

    def _reserve(self, directive: str, toks: list[Token], out: Rewrite, at: int) -> None:
        """`.byte ?, ?` and the like: room, no bytes."""
        size = {".word": 2, ".addr": 2, ".long": 3, ".dword": 4}.get(directive, 1)
        items = [t for t in toks if t[0] != "comment"]
        if directive == ".fill":
            if len(items) != 3 or items[2][1] != "?":
                raise LineError("'.fill' reserves with 'n, ?'", at + 1)
            out.put(".res ", at)
            self._operand(items[:1], out, immediate=False)
            return
        if any(t[1] not in ("?", ",") for t in items):
            raise LineError("'?' and values in one list are not supported by w65", at + 1)
        count = sum(1 for t in items if t[1] == "?")
        out.put(f".res {count * size}", at)

    def _operand(
        self, toks: list[Token], out: Rewrite, immediate: bool, condition: bool = False
    ) -> None:
        force = ""
        drop: set[int] = set()
        for j in range(1, len(toks)):
            t = toks[j]
            if (
                toks[j - 1][1] == ","
                and t[0] == "name"
                and t[1].lower() in _SIZE_ITEMS
                and (
                    j + 1 == len(toks)
                    or toks[j + 1][1] in (",", ")", "]")
                    or toks[j + 1][0] == "comment"
                )
            ):
                force = _SIZE_ITEMS[t[1].lower()]
                drop.update((j - 1, j))
        toks = [t for j, t in enumerate(toks) if j not in drop]
        k = 0
        if toks and toks[0][0] == "name" and toks[0][1].lower() in _SIZE_PREFIXES:
            if force:
                raise LineError("two address sizes asked for", toks[0][2] + 1)
            force = _SIZE_PREFIXES[toks[0][1].lower()]
            k = 1
        start = True
        if force:
            while k < len(toks) and toks[k][1] in ("(", "["):
                out.keep(toks[k][1], toks[k][2])
                k += 1
            out.put(force, toks[k][2] if k < len(toks) else 0)
        while k < len(toks):
            if start and k == 0 and toks[k][1] == "!":
                out.put("0+", toks[k][2])  # 64tass's `!` is a logical not; w65 would force abs
            k = self._expr_from(toks, k, out, start, condition)
            start = False

    def _expr_from(
        self, toks: list[Token], k: int, out: Rewrite, start: bool, condition: bool
    ) -> int:
        kind, tok, at = toks[k]
        prev = toks[k - 1][1] if k else None
        if kind == "comment":
            out.keep(tok, at)
            return len(toks)
        if kind == "string":
            body = tok[1:-1].replace(tok[0] * 2, tok[0])
            out.put(w65_string(body, at), at)
            return k + 1
        # `-`, `--`, `+`: an anonymous label reference, standing alone as an item
        if kind == "op" and tok in ("-", "+") and prev in (None, ",", "("):
            j = k
            while j < len(toks) and toks[j][1] == tok:
                j += 1
            if j == len(toks) or toks[j][1] in (",", ")") or toks[j][0] == "comment":
                out.put(
                    anonymous_ref("b" if tok == "-" else "f", j - k, "m" if tok == "-" else "p"), at
                )
                return j
        if kind == "op" and tok == ">" and k + 1 < len(toks) and toks[k + 1][1] == "`":
            tok = ">`"
            end_tok = k + 2
        else:
            end_tok = k + 1
        if (
            kind == "op"
            and (tok in _SELECTORS or (start and tok in ("<", ">")))
            and (prev is None or prev in ("#", ",", "(", "[") or start)
        ):
            mask, shift = _SELECTORS.get(tok, ("255", "" if tok == "<" else ">>8"))
            end = _expression_end(toks, end_tok)
            out.put(("0+" if start else "") + f"({mask}&(", at)
            j = end_tok
            while j < end:
                j = self._expr_from(toks, j, out, False, condition)
            out.put(f"){shift})", toks[end - 1][2] if end > end_tok else at)
            return end
        if kind == "op" and tok == "`":
            raise LineError("'`' is a prefix of the bank byte only", at + 1)
        if kind == "op" and tok == "^":
            raise LineError("64tass's '^' (decimal text) is not supported by w65", at + 1)
        if kind == "op" and tok == "=":
            out.put("==", at)
            return k + 1
        if kind == "op" and tok == "\\":
            raise LineError("a macro parameter outside a macro", at + 1)
        if (
            kind == "name"
            and tok.lower() == "size"
            and k + 3 < len(toks)
            and toks[k + 1][1] == "("
            and toks[k + 2][0] == "name"
            and toks[k + 3][1] == ")"
        ):
            out.put(SCOPE_MARK.join((toks[k + 2][1], "__size__")), at)  # a structure's size
            return k + 4
        if kind == "name" and k + 1 < len(toks) and _member(toks, k + 1):
            # `block.name`: the name inside the block (or .proc), as w65's scopes key it
            parts = [tok]
            j = k + 1
            while j < len(toks) and _member(toks, j):
                parts.append(toks[j][1][1:])
                j += 1
            out.put(SCOPE_MARK.join(parts), at)
            return j
        if kind == "name" and tok[0] == "." and tok.lower()[1:] not in ("b", "w", "l"):
            raise LineError(f"64tass's '{tok}' is not supported by w65", at + 1)
        out.keep(tok, at)
        return k + 1

    def finish(self, lines: list[Line], sink: Sink) -> None:
        _place_sections(lines, sink)
        name_anonymous(lines, sink)
        if self.proc_names:
            _check_procs(lines, self.proc_names, sink)


def _member(toks: list[Token], k: int) -> bool:
    """Whether the token at `k` is `.name` written right after the name before it."""
    kind, tok, at = toks[k]
    before = toks[k - 1]
    return kind == "name" and tok[0] == "." and before[2] + len(before[1]) == at


def _expression_end(toks: list[Token], k: int) -> int:
    """Where the expression from `k` ends: a comma or closer at its own depth, or the end."""
    depth = 0
    for j in range(k, len(toks)):
        t = toks[j][1]
        if toks[j][0] == "comment":
            return j
        if t in ("(", "["):
            depth += 1
        elif t in (")", "]"):
            if depth == 0:
                return j
            depth -= 1
        elif t == "," and depth == 0:
            return j
    return len(toks)


_MARK = re.compile(r"\s*\.w65_(section|dsection|send)\b\s*([A-Za-z_][A-Za-z0-9_]*)?")


def _place_sections(lines: list[Line], sink: Sink) -> None:
    """Move each `.section`'s lines to its `.dsection`, as 64tass places them."""
    if not any(".w65_" in line.text for line in lines):
        return
    held: dict[str, list[Line]] = {}
    opened: dict[str, Line] = {}
    stack: list[str] = []
    kept: list[Line] = []
    for line in lines:
        m = _MARK.match(line.text) if ".w65_" in line.text else None
        if m is None:
            (held[stack[-1]] if stack else kept).append(line)
            continue
        kind, name = m.group(1), m.group(2)
        if kind == "section":
            stack.append(name)  # type: ignore[arg-type]
            held.setdefault(name, [])  # type: ignore[arg-type]
            opened.setdefault(name, line)  # type: ignore[arg-type]
        elif kind == "send":
            if not stack:
                sink.error("'.send' without '.section'", line.origin, 1)
            else:
                stack.pop()
        else:
            (held[stack[-1]] if stack else kept).append(line)
    for name in stack:
        sink.error(f"'.section {name}' has no '.send'", opened[name].origin, 1)
    out: list[Line] = []
    placed: set[str] = set()
    for line in kept:
        m = _MARK.match(line.text) if ".w65_" in line.text else None
        if m is None:
            out.append(line)
            continue
        name = m.group(2)
        placed.add(name)  # type: ignore[arg-type]
        out.extend(held.get(name, []))  # type: ignore[arg-type]
    for name, line in opened.items():
        if name not in placed:
            sink.error(f"section '{name}' has no '.dsection' placing it", line.origin, 1)
    lines[:] = out


def _check_procs(lines: list[Line], names: set[str], sink: Sink) -> None:
    """64tass leaves out a `.proc` nothing refers to; w65 would not: say so."""
    for name in names:
        word = re.compile(rf"(?<![A-Za-z0-9_.]){re.escape(name)}(?![A-Za-z0-9_])")
        uses = [line for line in lines if name in line.text and word.search(line.text)]
        if len(uses) <= 1:
            where = uses[0].origin if uses else None
            sink.error(
                f"'.proc {name}' is never referred to: 64tass leaves it out, which w65 "
                "does not do (refer to it, or write .block)",
                where,
                1,
            )

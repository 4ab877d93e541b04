"""WDC's syntax (WDC816AS, and the Dev65 style close to it), rewritten line by line into
w65's (`--compat wdc`).

Rewritten: a label is any name in column 1 (its colon optional), `*` in column 1 starts a
comment line; `?1` and `1?` local labels (w65's `@` locals); `NAME [.]MACRO params` ...
`[.]ENDM`/`MEND`; `NAME SET expr`, `NAME EQU expr` (quietly; `*` is the address here);
`CODE`/`DATA`/`UDATA`/`KDATA` ... `ENDS` sections, placed by `ORG` (without one, a section
follows the one used before it); `BB:AAAA` bank-colon addresses; `.OR. .AND. .XOR. .NOT.`;
strings in either quote without escapes; `DC` (bytes), `APPEND` (an include);
`CHIP`, `PW`, `PL`, `TITLE`, `STTL`, `PAGE`, `LIST`, `CONDLIST`, `XREF`, `XDEF`, `PUBLIC`
(listing and linking only). The WDC rule that an operand without `<` is absolute is the
dialect's `bare_absolute`. What is not read (`.IFSAME`, `DL`, ...) is a located error.
"""

from __future__ import annotations

import re

from w65tool.asm.builder import LineError
from w65tool.asm.dialect_text import Reader, Rewrite, Token, scanner, w65_string
from w65tool.asm.dialect_text import tokens as scan
from w65tool.asm.expander import UNIQUE_MARK, strip_comment

_SCAN = scanner(r'"[^"\n]*"|\'[^\'\n]*\'')
_LOCAL = re.compile(r"\?[A-Za-z0-9_]+|[A-Za-z0-9_]+\?")
_NAME = re.compile(r"[A-Za-z_?][A-Za-z0-9_?]*")
# listing, paging and linking directives: they do not change the bytes of a single source set
_DROPPED = frozenset(
    {
        "pw",
        "pl",
        "title",
        "sttl",
        "page",
        "list",
        "condlist",
        "xref",
        "xdef",
        "public",
        "extern",
        "global",
        "macfirst",
        "expand",
        "incldlist",
        "inclist",
        "ttl",
        "leadzero",
    }
)
_EXPORT = re.compile(
    r"(?:[A-Za-z_?][A-Za-z0-9_?]*:?)?[ \t]+\.?(xdef|public|global)\b[ \t]*(.*)", re.IGNORECASE
)
_SECTIONS = {"code": "CODE", "data": "DATA", "udata": "UDATA", "kdata": "KDATA"}
_RENAMED = {
    "dc": ".byte",
    "append": ".include",
    "mend": ".endm",
    "endm": ".endm",
    "ends": ".endsection",
    "ds": ".res",
    "ifsame": ".ifsame",
    "ifnsame": ".ifnsame",
    "endc": ".endif",
}
_UNSUPPORTED = frozenset({"dl", "llchar", "section", "dsect"})
_OPERATOR_WORDS = {
    ".or": "|",
    ".and": "&",
    ".xor": "^",
    ".not": "~",
    ".eq": "==",
    ".ne": "!=",
    ".lt": "<",
    ".gt": ">",
    ".le": "<=",
    ".ge": ">=",
}
_CPUS = frozenset({"65816", "65c816", "65265", "65c265", "w65c816", "w65c265"})


def _local(name: str) -> str:
    """WDC's `?name` and `name?` locals as w65's `@` locals (kept apart)."""
    return "@_q" + name[1:] if name[0] == "?" else "@_s" + name[:-1]


def _label(name: str) -> str:
    return _local(name) if _LOCAL.fullmatch(name) else name


class WdcReader(Reader):
    """One run's WDC lines (the rewrite depends on a line's text alone: it is kept)."""

    def __init__(self) -> None:
        super().__init__()
        self.done: dict[str, list[tuple[str, tuple[int, ...] | None]]] = {}

    def lines(self, text: str) -> list[tuple[str, tuple[int, ...] | None]]:
        if self.in_set:
            self._note_module(text)
        done = self.done.get(text)
        if done is None:
            done = self.done[text] = self._rewrite(text)
        return done

    def _note_module(self, text: str) -> None:
        """What a module's line exports (`XDEF`, `PUBLIC`, `GLOBAL`) or defines (column 1)."""
        found = _EXPORT.match(text)
        if found is not None:
            only_defined = found.group(1).lower() == "global"
            at = found.start(2)
            for name in strip_comment(found.group(2)).split(","):
                word = name.strip()
                if not _NAME.fullmatch(word):
                    raise LineError(f"'{word}' is not a name to export", at + 1)
                self.exports.append((word, at + text[at:].find(word) + 1, only_defined))
            return
        found = _NAME.match(text)
        if found is not None and not _LOCAL.fullmatch(found.group()):
            self.defined.add(found.group())

    def _rewrite(self, text: str) -> list[tuple[str, tuple[int, ...] | None]]:
        if text[:1] == "*":
            return [("", None)]
        toks = [t for t in scan(_SCAN, text) if t[0] != "ws"]
        toks = _join_unique(_join_locals(toks, text))
        if not toks or toks[0][0] == "comment":
            return [(text, None)]
        out = Rewrite()
        k = 0
        kind, tok, at = toks[0]
        if at == 0 and kind in ("name", "local", "number"):
            if not _NAME.fullmatch(tok) and kind != "local":
                raise LineError(f"'{tok}' is not a label name", 1)
            nxt = toks[1] if len(toks) > 1 else None
            word = nxt[1].lower().lstrip(".") if nxt is not None else ""
            if word in ("equ", "set", "gequ") and nxt is not None:
                out.keep(tok, at)
                out.put(" equ " if word != "set" else " .set ", nxt[2])
                self._operand(toks[2:], out)
                return [out.result(text)]
            if word == "macro" and nxt is not None:
                out.put(f".macro {tok} ", at)
                params = [t for t in toks[2:] if t[0] != "comment"]
                for t in params:
                    out.keep(t[1], t[2])
                return [out.result(text)]
            out.put(_label(tok) + ": ", at)
            k = 1
            if nxt is not None and nxt[1] == ":" and nxt[2] == at + len(tok):
                k = 2
        if k >= len(toks) or toks[k][0] == "comment":
            return [out.result(text)]
        kind, word, at = toks[k]
        lower = word.lower()
        bare = lower.lstrip(".")
        rest = toks[k + 1 :]
        if bare in _DROPPED:
            return [out.result(text)]
        if bare in _UNSUPPORTED:
            raise LineError(f"WDC's '{word}' is not supported by w65", at + 1)
        if bare == "chip":
            cpu = rest[0][1].lower() if rest and rest[0][0] != "comment" else ""
            if cpu not in _CPUS:
                raise LineError(f"w65 assembles for the 65816 only, not '{cpu}'", at + 1)
            return [out.result(text)]
        if bare in _SECTIONS:
            first, _ = out.result(text) if k else ("", None)
            return [
                *([(first, None)] if k else []),
                (".pushseg", None),
                (f'.segment "{_SECTIONS[bare]}"', None),
            ]
        out.put(_RENAMED.get(bare, word), at)
        out.put(" ", at + len(word))
        self._operand(rest, out)
        return [out.result(text)]

    def _operand(self, toks: list[Token], out: Rewrite) -> None:
        k = 0
        while k < len(toks):
            kind, tok, at = toks[k]
            lower = tok.lower()
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if kind == "comment":
                out.keep(tok, at)
                return
            if kind == "string":
                out.put(w65_string(tok[1:-1], at), at)
            elif kind == "local":
                out.put(_local(tok), at)
            elif kind == "number" and nxt is not None and nxt[1] == ":" and nxt[2] == at + len(tok):
                after = toks[k + 2] if k + 2 < len(toks) else None
                if after is None or after[0] != "number" or after[2] != nxt[2] + 1:
                    raise LineError("a bank-colon address needs its address after ':'", at + 1)
                out.put(f"${_bank(tok, at) << 16 | _address(after[1], after[2]):06X}", at)
                k += 3
                continue
            elif kind == "name" and lower in _OPERATOR_WORDS and nxt is not None and nxt[1] == ".":
                out.put(_OPERATOR_WORDS[lower], at)
                k += 2
                continue
            elif kind == "op" and tok == "*" and _operand_here(toks, k):
                out.put("$", at)
            else:
                out.keep(tok, at)
            k += 1


def _operand_here(toks: list[Token], k: int) -> bool:
    """Whether `*` at `k` stands for an operand (the address), not a product."""
    if k == 0:
        return True
    prev = toks[k - 1]
    return (
        prev[0] == "op"
        and prev[1] not in (")", "]")
        and not (prev[1] == "*" and not _operand_here(toks, k - 1))
    )


def _value(text: str, at: int) -> int:
    from w65tool.asm.numbers import NumberError, parse_number

    try:
        return parse_number(text)[0]
    except NumberError as err:
        raise LineError(str(err), at + 1) from None


def _address(text: str, at: int) -> int:
    """The hex digits after the colon of `$BB:AAAA`."""
    try:
        value = int(text, 16)
    except ValueError:
        raise LineError(f"'{text}' is not a 16-bit hex address", at + 1) from None
    if value > 0xFFFF:
        raise LineError(f"'{text}' is not a 16-bit hex address", at + 1)
    return value


def _bank(text: str, at: int) -> int:
    value = _value(text, at)
    if not 0 <= value <= 0xFF:
        raise LineError(f"bank {text} is not 8 bits", at + 1)
    return value


def _join_unique(toks: list[Token]) -> list[Token]:
    """`name#` (a name each macro expansion makes its own) as one name with the mark."""
    out: list[Token] = []
    for t in toks:
        before = out[-1] if out else None
        if (
            t[1] == "#"
            and before is not None
            and before[0] == "name"
            and before[2] + len(before[1]) == t[2]
        ):
            out[-1] = ("name", before[1] + UNIQUE_MARK, before[2])
            continue
        out.append(t)
    return out


def _join_locals(toks: list[Token], text: str) -> list[Token]:
    """`?1`, `?xx` and `1?` as one token each (the scanner splits them)."""
    if "?" not in text:
        return toks
    out: list[Token] = []
    k = 0
    while k < len(toks):
        kind, tok, at = toks[k]
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if tok == "?" and nxt is not None and nxt[2] == at + 1 and nxt[0] in ("name", "number"):
            out.append(("local", "?" + nxt[1], at))
            k += 2
            continue
        if (
            kind in ("name", "number")
            and nxt is not None
            and nxt[1] == "?"
            and nxt[2] == at + len(tok)
        ):
            out.append(("local", tok + "?", at))
            k += 2
            continue
        out.append(toks[k])
        k += 1
    return out

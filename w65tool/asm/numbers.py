"""Number and character literals of the dialect.

Forms: `$1F`, `0x1F`, `1Fh` (leading digit), `%1010`, `0b1010`, `101b`, `17q`/`17o` (octal),
decimal, `_` between digits, and `'c'` with C escapes. A decimal with a leading zero (`017`)
is decimal for w65 (with a warning) and octal under naken_asm compatibility.
"""

from __future__ import annotations

_ESCAPES = {
    "n": 10,
    "r": 13,
    "t": 9,
    "0": 0,
    "a": 7,
    "b": 8,
    "f": 12,
    "v": 11,
    "e": 27,
    "\\": 92,
    "'": 39,
    '"': 34,
    "?": 63,
}


class NumberError(ValueError):
    """A literal that does not read as a number; the message says why."""


def _digits(text: str, base: int, original: str) -> int:
    body = text.replace("_", "")
    if not body or text.startswith("_") or text.endswith("_"):
        raise NumberError(f"bad number '{original}': no digits")
    try:
        return int(body, base)
    except ValueError:
        kind = {2: "binary", 8: "octal", 10: "decimal", 16: "hexadecimal"}[base]
        raise NumberError(f"bad number '{original}': not a {kind} number") from None


def parse_number(text: str, octal_zero: bool = False) -> tuple[int, bool]:
    """The value of a number token, and whether it was a decimal with a leading zero.

    With `octal_zero`, a leading-zero decimal reads as octal, as naken_asm reads it.
    """
    first = text[0]
    if first == "$":
        return _digits(text[1:], 16, text), False
    if first == "%":
        return _digits(text[1:], 2, text), False
    lower = text.lower()
    if lower.startswith("0x"):
        return _digits(text[2:], 16, text), False
    if lower.startswith("0b") and len(text) > 2 and not lower.endswith("h"):
        return _digits(text[2:], 2, text), False
    last = lower[-1]
    if last == "h":
        return _digits(text[:-1], 16, text), False
    if last in "qo":
        return _digits(text[:-1], 8, text), False
    if last == "b" and all(c in "01_" for c in text[:-1]):
        return _digits(text[:-1], 2, text), False
    value = _digits(text, 10, text)
    leading_zero = len(text) > 1 and text[0] == "0" and value != 0
    if leading_zero and octal_zero and all(c in "01234567_" for c in text):
        return int(text.replace("_", ""), 8), True
    return value, leading_zero


def unescape(body: str, original: str) -> bytes:
    """The bytes of a quoted literal's body (quotes removed), C escapes applied.

    Characters are taken as Latin-1 so that every byte value can be written directly.
    """
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            code = ord(c)
            if code > 255:
                raise NumberError(f"character '{c}' in {original} is not a single byte")
            out.append(code)
            i += 1
            continue
        i += 1
        if i >= len(body):
            raise NumberError(f"escape at the end of {original}")
        e = body[i]
        if e in "xX":
            j = i + 1
            while j < len(body) and j < i + 3 and body[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 1:
                raise NumberError(f"'\\x' without hex digits in {original}")
            out.append(int(body[i + 1 : j], 16))
            i = j
        elif e in "01234567" and i + 1 < len(body) and body[i + 1] in "01234567":
            j = i
            while j < len(body) and j < i + 3 and body[j] in "01234567":
                j += 1
            out.append(int(body[i:j], 8) & 0xFF)
            i = j
        elif e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 1
        else:
            raise NumberError(f"unknown escape '\\{e}' in {original}")
    return bytes(out)

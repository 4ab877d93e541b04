"""Addresses as a user types them in the TUI: hex in the monitor's forms, or a symbol name."""

from __future__ import annotations

from collections.abc import Mapping

from w65tool.addresses import format_address, parse_address
from w65tool.errors import W65Error

__all__ = ["format_address", "resolve"]


def resolve(text: str, symbols: Mapping[str, int], what: str = "address") -> int:
    """A 24-bit address from `text`: a symbol (exact case first, then any case) or hex.

    Hex is read as the monitor shows it (`00:2000`) or as `2000`, `$2000`, `0x2000`. A name
    that is neither a symbol nor hex raises a `W65Error` naming the text."""
    raw = text.strip()
    if not raw:
        raise W65Error(f"no {what} given: type hex such as 2000 or 00:2000, or a symbol")
    if raw in symbols:
        return _in_range(symbols[raw], raw, what)
    folded = {name.lower(): value for name, value in symbols.items()}
    if raw.lower() in folded:
        return _in_range(folded[raw.lower()], raw, what)
    try:
        return parse_address(raw, what)
    except W65Error:
        if symbols:
            raise W65Error(f"bad {what} {raw!r}: not hex and not a known symbol") from None
        raise W65Error(
            f"bad {what} {raw!r}: not hex (load a symbol file with --symbols to use names)"
        ) from None


def _in_range(value: int, name: str, what: str) -> int:
    if not 0 <= value <= 0xFFFFFF:
        raise W65Error(f"bad {what} {name!r}: its value ${value:X} is not a 24-bit address")
    return value

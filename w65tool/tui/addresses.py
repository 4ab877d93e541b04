"""Addresses as a user types them in the TUI: hex in the monitor's forms, or a symbol name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from w65tool.addresses import format_address, parse_address
from w65tool.errors import W65Error

if TYPE_CHECKING:
    from w65tool.debug_map import DebugMap

__all__ = ["format_address", "locate", "resolve"]


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


FILE_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+)$")
BANK = re.compile(r"^\$?[0-9A-Fa-f]{1,2}$")


def locate(
    text: str, symbols: Mapping[str, int], debug_map: DebugMap | None, what: str = "address"
) -> int:
    """Like `resolve`, and also `file:line` (`samples/x.asm:12` or `x.asm:12`) through the
    loaded program's debug map. `00:2000` stays an address: a bank is one or two hex digits."""
    raw = text.strip()
    match = FILE_LINE.match(raw)
    if match is None or BANK.match(match["file"]) or raw in symbols:
        return resolve(raw, symbols, what)
    name, number = match["file"], int(match["line"])
    if debug_map is None:
        raise W65Error(
            f"bad {what} {raw!r}: no source is known (upload a .asm file, or a HEX file "
            "with its .dbg.json from w65 asm --debug-map)"
        )
    files = [f for f in debug_map.files if f == name or Path(f).name == Path(name).name]
    if not files:
        known = ", ".join(sorted(Path(f).name for f in debug_map.files)) or "none"
        raise W65Error(f"bad {what} {raw!r}: no source file {name} (known: {known})")
    address = debug_map.address_of(files[0], number)
    if address is None:
        raise W65Error(f"bad {what} {raw!r}: line {number} made no code (comment, blank or data?)")
    return address

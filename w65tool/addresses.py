"""Addresses as a user types and reads them: `BB:AAAA` as the monitor shows them, or plain hex.

A leaf module shared by the commands (`w65 dump 00:2000 00:20FF`) and the TUI (its fields add
symbol names on top, in `tui/addresses.py`), so neither imports the other.
"""

from __future__ import annotations

from w65tool.errors import W65Error


def parse_address(text: str, what: str = "address") -> int:
    """A 24-bit address as the monitor shows it (`00:2000`) or hex (`2000`, `$2000`, `0x2000`)."""
    raw = text.strip()
    bank = 0
    if ":" in raw:
        bank_text, raw = raw.split(":", 1)
        bank = _hex(bank_text, text, what)
        if bank > 0xFF:
            raise W65Error(f"bad {what} {text!r}: the bank is one byte (00-FF)")
        if _hex(raw, text, what) > 0xFFFF:
            raise W65Error(f"bad {what} {text!r}: the offset after ':' is 16 bits")
    value = bank << 16 | _hex(raw, text, what)
    if value > 0xFFFFFF:
        raise W65Error(f"bad {what} {text!r}: addresses are 24 bits (up to FF:FFFF)")
    return value


def _hex(part: str, text: str, what: str) -> int:
    digits = part.strip().removeprefix("$").removeprefix("0x").removeprefix("0X")
    try:
        return int(digits, 16)
    except ValueError:
        raise W65Error(f"bad {what} {text!r}: expected hex such as 2000 or 00:2000") from None


def format_address(address: int) -> str:
    """`BB:AAAA`, as the monitor shows addresses."""
    return f"{address >> 16:02X}:{address & 0xFFFF:04X}"

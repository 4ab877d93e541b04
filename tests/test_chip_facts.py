"""The chip's facts live once: no module but `chip.py` spells the clock, the I/O window or the
ROM base, and no module but `board/registers.py` spells an I/O register's address."""

import io
import re
import tokenize
from pathlib import Path

import w65tool
from w65tool import chip

PACKAGE = Path(w65tool.__file__).parent
CHIP = PACKAGE / "chip.py"
REGISTERS = PACKAGE / "board" / "registers.py"

FACTS = {chip.FCLK_HZ, chip.IO_FIRST, chip.IO_LAST, chip.ROM_FIRST}


def _numbers(path: Path) -> list[tuple[int, str, int]]:
    """(line, spelling, value) of every integer literal in code and f-string fields."""
    found = []
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    for token in tokens:
        if token.type == tokenize.NUMBER:
            spellings = [token.string]
        elif (
            token.type == tokenize.STRING and "f" in re.match("[a-zA-Z]*", token.string)[0].lower()
        ):
            # before Python 3.12 an f-string is one token: read the numbers in its fields
            fields = " ".join(re.findall(r"\{([^{}]*)\}", token.string))
            spellings = re.findall(r"\b0[xX][0-9a-fA-F_]+\b|\b\d[\d_]*\b", fields)
        else:
            continue
        for spelling in spellings:
            try:
                value = int(spelling, 0)
            except ValueError:
                continue  # a float, an imaginary literal, or a digit run inside a name
            found.append((token.start[0], spelling, value))
    return found


def _stray(path: Path, where: str) -> list[str]:
    stray = []
    for line, spelling, value in _numbers(path):
        is_hex = spelling.lower().startswith("0x")
        if value == chip.FCLK_HZ or (is_hex and value in FACTS):
            stray.append(f"{where}:{line}: {spelling} (use w65tool.chip)")
        elif is_hex and chip.IO_FIRST <= value <= chip.IO_LAST and path != REGISTERS:
            stray.append(f"{where}:{line}: {spelling} (use board.registers.io_address)")
    return stray


def test_the_scanner_finds_the_facts_where_they_are_defined():
    values = {value for _, _, value in _numbers(CHIP)}
    assert values >= FACTS


def test_no_module_copies_a_chip_fact():
    stray = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != CHIP:
            stray += _stray(path, str(path.relative_to(PACKAGE.parent)))
    assert not stray, "copies of chip facts:\n" + "\n".join(stray)


def test_a_copy_is_found(tmp_path):
    copy = tmp_path / "copy.py"
    copy.write_text(
        'CLOCK = 3_686_400\nPORT = 0xDF23\nTEXT = "0xE000"  # 0xDF00\nBAUD = f"{3686400 // 16}"\n'
    )
    assert _stray(copy, "copy.py") == [
        "copy.py:1: 3_686_400 (use w65tool.chip)",
        "copy.py:2: 0xDF23 (use board.registers.io_address)",
        "copy.py:4: 3686400 (use w65tool.chip)",
    ]

"""Connection defaults: `[tool.w65]` in pyproject.toml or a `w65.toml`, then the environment.

The command line wins over `W65_PORT` / `W65_BAUD`, which win over the file, which wins over
the built-in defaults (no port, 9600 baud, no RTS/CTS, the W65C265SXB board). The file is looked
for from the current directory upward; the first directory holding a `w65.toml` or a
`pyproject.toml` with a `[tool.w65]` table is used (`w65.toml` first). Its keys:

    port = "/dev/ttyUSB0"     # or "auto", a glob, a pyserial URL
    baud = 9600
    rtscts = false
    board = "sxb"             # or "mensch": the board --sim, w65 run and w65 sim emulate
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from w65tool.board.kinds import DEFAULT_BOARD, KINDS
from w65tool.errors import LocatedError, W65Error

DEFAULT_BAUD = 9600
BOARDS = tuple(KINDS)
BAUD_RATES = (110, 150, 300, 600, 1200, 1800, 2400, 4800, 9600, 14400, 19200, 38400)
"""The rates the ROM's SELECT_COMMON_BAUD_RATE offers (index 0-$B)."""


@dataclass
class Settings:
    """Where to find the board and how to talk to it; `origin` says where each value came from."""

    port: str | None = None
    baud: int = DEFAULT_BAUD
    rtscts: bool = False
    board: str = DEFAULT_BOARD
    origin: dict[str, str] = field(default_factory=dict)


def find_config(start: Path) -> tuple[Path, dict[str, object]] | None:
    """The nearest config file from `start` upward, with its w65 table."""
    for folder in (start, *start.parents):
        own = folder / "w65.toml"
        if own.is_file():
            return own, _read(own)
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {})
            if isinstance(table, dict) and isinstance(table.get("w65"), dict):
                return project, table["w65"]
    return None


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise W65Error(f"cannot read {path}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        # tomllib puts the place at the end of its message: "... (at line 2, column 8)"
        message, place = str(err), str(path)
        if match := re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message):
            message, place = match[1], f"{path}:{match[2]}:{match[3]}"
        raise LocatedError(place, message) from None


def load_settings(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """The defaults in force before the command line: file, then environment."""
    env = os.environ if env is None else env
    settings = Settings()
    found = find_config(Path.cwd() if cwd is None else cwd)
    if found is not None:
        path, table = found
        where = f"{path.name} ({path})"
        for key, value in table.items():
            _apply(settings, key, value, where)
    if env.get("W65_PORT"):
        _apply(settings, "port", env["W65_PORT"], "W65_PORT")
    if env.get("W65_BAUD"):
        raw = env["W65_BAUD"].strip()
        if not raw.isdigit():
            raise W65Error(f"W65_BAUD must be a whole number of baud, not {raw!r}")
        _apply(settings, "baud", int(raw), "W65_BAUD")
    return settings


def _apply(settings: Settings, key: str, value: object, where: str) -> None:
    """Set one key, checking its type and value; errors name the file or variable."""
    if key == "port" and isinstance(value, str) and value:
        settings.port = value
    elif key == "baud" and isinstance(value, int) and not isinstance(value, bool):
        settings.baud = check_baud(value, where)
    elif key == "rtscts" and isinstance(value, bool):
        settings.rtscts = value
    elif key == "board" and value in BOARDS:
        settings.board = str(value)
    elif key in ("port", "baud", "rtscts", "board"):
        want = {"port": "a string", "baud": "a number", "rtscts": "true or false"}
        raise W65Error(f"{where}: {key} must be {want.get(key, ' or '.join(BOARDS))}: {value!r}")
    else:
        raise W65Error(f"{where}: unknown setting {key!r} (port, baud, rtscts, board)")
    settings.origin[key] = where


def check_baud(baud: int, where: str = "--baud") -> int:
    """`baud` if the ROM monitor can run at it, else a clear error."""
    if baud not in BAUD_RATES:
        rates = ", ".join(map(str, BAUD_RATES))
        raise W65Error(f"{where}: the monitor cannot run at {baud} baud (it offers {rates})")
    return baud

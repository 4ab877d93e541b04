"""App-wide messages: what the workers talking to the target report back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from w65tool.board.bus import Watch
from w65tool.disasm import Line
from w65tool.tui.session import View


@dataclass
class RegistersShown(Message):
    """Registers read (or set) on the target."""

    view: View


@dataclass
class CodeShown(Message):
    """Disassembly around PC; `note` replaces it on screen where it means nothing (the
    emulated ROM)."""

    lines: list[Line]
    pc: int
    note: str = ""
    source: list[tuple[int | None, int, str]] = field(default_factory=list)
    """Source lines around PC (address, line number, text) where a debug map has them."""
    source_file: str = ""
    pc_line: int = 0


@dataclass
class MemoryShown(Message):
    """Bytes read from `address` on (None where the I/O window was not read)."""

    address: int
    values: list[int | None]


@dataclass
class ConsoleReceived(Message):
    """Bytes the board sent on its console."""

    data: bytes


@dataclass
class LedsShown(Message):
    """The lamps changed."""

    leds: dict[str, bool]


@dataclass
class RunStateChanged(Message):
    """The emulated board started or stopped running; `reason` says why it stopped."""

    running: bool
    reason: str | None = None


@dataclass
class BreakpointsShown(Message):
    """The breakpoints now armed, and those kept but disabled."""

    addresses: frozenset[int]
    disabled: frozenset[int] = frozenset()


@dataclass
class WatchShown(Message):
    """The watch expressions' values and the stack from S+1 up, one line each."""

    values: list[str]
    stack: list[str]
    s: int | None


@dataclass
class WatchesShown(Message):
    """The watchpoints now set."""

    watches: tuple[Watch, ...]


@dataclass
class TargetFailed(Message):
    """An operation failed; `lost` when the connection itself is gone."""

    text: str
    lost: bool = False


@dataclass
class Reconnected(Message):
    """The target was opened again; `left_behind` names BRKs left on the board given up."""

    description: str
    left_behind: str = ""


@dataclass
class Done(Message):
    """An operation finished; `text` says what happened."""

    text: str


@dataclass
class UploadProgress(Message):
    """`done` of `total` bytes are sent to the board (`phase` "sending") or read back
    ("verifying")."""

    done: int
    total: int
    phase: str = "sending"


@dataclass
class UploadFinished(Message):
    """An upload ended (`ok`: loaded and verified), with what it adds to the session."""

    text: str
    ok: bool
    summary: str  # one line for the status bar
    symbols: dict[str, int] = field(default_factory=dict)
    entry: int | None = None

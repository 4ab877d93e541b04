"""The one error type for failures a user can cause, and the exit codes of `w65`."""

from __future__ import annotations

import errno
from pathlib import Path

EXIT_OK = 0
EXIT_ERROR = 1  # bad source, bad file, board not answering, verify mismatch
EXIT_USAGE = 2  # argparse's own code for a malformed command line
EXIT_INTERRUPTED = 130  # Ctrl-C


class W65Error(Exception):
    """A failure the user can cause and fix: bad input, missing port, silent board.

    The message is one line that says what went wrong and where; `cli` prints it as
    `w65: error: <message>` (or as the diagnostics it carries) and exits with `exit_code`.
    """

    exit_code = EXIT_ERROR
    prefix = "w65: error: "  # what `render` puts before the message

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The text `cli` prints on stderr; subclasses with richer reports override it."""
        text = self.prefix + self.message
        if self.hint:
            text += f"\nw65: hint: {self.hint}"
        return text


class LocatedError(W65Error):
    """A mistake at a place in an input file, printed as `file:line:col: error: message`,
    the form editors and compilers use (so it is not prefixed with `w65: error:` again)."""

    prefix = ""

    def __init__(self, where: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"{where}: error: {message}", hint)


_READ_REASONS = {
    errno.ENOENT: "no such file",
    errno.EISDIR: "it is a directory, not a file",
    errno.EACCES: "permission denied",
}


def cannot_read(path: str | Path, err: OSError) -> W65Error:
    """The one wording for an input file that cannot be opened: `cannot read X: no such file`."""
    reason = _READ_REASONS.get(err.errno or 0) or err.strerror or str(err)
    return W65Error(f"cannot read {path}: {reason}")


def check_input_file(path: str | Path) -> None:
    """Raise `cannot_read`'s error unless `path` is a file (before any work is done on it)."""
    p = Path(path)
    if p.is_dir():
        raise cannot_read(path, IsADirectoryError(errno.EISDIR, "Is a directory"))
    if not p.exists():
        raise cannot_read(path, FileNotFoundError(errno.ENOENT, "No such file"))

"""Progress for long transfers: a rich bar on a terminal, a start and an end line otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[int, int], None]


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Progress]:
    """Yield a `progress(done, total)` callback drawing on stderr while the block runs.

    On a terminal it is a rich bar with rate and time left; elsewhere (a pipe, CI) nothing
    is drawn, so logs keep only the summary line the command prints afterwards.
    """
    if not enabled or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        last = 0.0

        def update(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done >= total or now - last > 0.05:
                bar.update(task, completed=done, total=total)
                last = now

        yield update

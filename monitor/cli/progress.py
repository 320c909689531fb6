"""Progress bars that share the terminal with the log: while a bar is live, log lines go through its
console, which prints them whole above the bar (a plain handler writing to stderr would tear it)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from monitor.logs import JsonFormatter


@contextlib.contextmanager
def progress_bar(console: Console, transient: bool = False) -> Iterator[Progress]:
    """A bar with count, elapsed time and ETA. With JSON logs (a machine reads stderr) there is no bar."""
    root = logging.getLogger()
    json_logs = any(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=transient,
        disable=json_logs,
    )
    with progress, _logs_through(console, enabled=not json_logs):
        yield progress


@contextlib.contextmanager
def _logs_through(console: Console, enabled: bool) -> Iterator[None]:
    root = logging.getLogger()
    kept = root.handlers[:]
    if not enabled or not kept:
        yield
        return
    handler = RichHandler(console=console, show_path=False, markup=False, highlighter=None, log_time_format="%X")
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for old in kept:
        for check in old.filters:
            handler.addFilter(check)
    root.handlers[:] = [handler]
    try:
        yield
    finally:
        root.handlers[:] = kept

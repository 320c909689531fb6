"""Logging set up by the CLI (never on import): one event per line, as text or JSON."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from datetime import UTC, datetime

from monitor.escape import for_terminal

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def fields(event: str, **values: object) -> dict[str, object]:
    """`extra=` for a log call: what happened, as a name and typed fields. JSON logs carry them
    beside the message, so a log pipeline filters on `event` and `accession`, not on prose."""
    return {"event": event, **values}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


class TerminalSafe(logging.Filter):
    """Log messages quote filers' words (company names, errors naming them): one line each, with no
    control sequence reaching the terminal or the log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = for_terminal(record.getMessage()), None
        return True


class FailureLog:
    """A failure that repeats (a full disk, a database gone for a while) in a few lines, not thousands:
    one when it starts, with its traceback where it is not one of ours, a count every `every` seconds
    while it lasts, and one when it ends."""

    def __init__(self, logger: logging.Logger, what: str, every: float = 60.0) -> None:
        self._logger = logger
        self._what = what
        self._every = every
        self._count = 0
        self._last_line = 0.0

    def failed(self, error: BaseException, expected: tuple[type[BaseException], ...] = ()) -> None:
        now = time.monotonic()
        self._count += 1
        reason = getattr(error, "orig", None) or error  # SQLAlchemy's own text repeats the statement
        if self._count == 1:
            trace = None if isinstance(error, expected) else error
            self._logger.error(
                "%s failed: %s (said again only as a count, until it works)", self._what, error, exc_info=trace
            )
            self._last_line = now
        elif now - self._last_line >= self._every:
            self._logger.error("%s still failing: %d times so far; last: %s", self._what, self._count, reason)
            self._last_line = now

    def succeeded(self) -> None:
        if self._count:
            self._logger.warning("%s works again, after %d failures", self._what, self._count)
            self._count = 0


class ShutdownNoise(logging.Filter):
    """APScheduler reports a job cancelled by its own shutdown as an error with a traceback, and so
    does SQLAlchemy's pool when the rollback that returns a cancelled job's connection is itself
    cancelled (the connection is discarded, its transaction never committed): at a clean stop both
    are expected, not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        cancelled = record.exc_info is not None and record.exc_info[0] is asyncio.CancelledError
        return not (cancelled and record.name.startswith(("apscheduler", "sqlalchemy.pool")))


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ShutdownNoise())
    handler.addFilter(TerminalSafe())
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiohttp's access log and APScheduler's per-run lines would drown the daemon's own summary
    # lines; a poll skipped because the previous one still runs is coalescing doing its job.
    for noisy in ("aiohttp.access", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)

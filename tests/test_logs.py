"""Repeated failures are logged as they start, as a count while they last, and as they end."""

from __future__ import annotations

import asyncio
import logging
import sys

import pytest

from monitor.logs import FailureLog, ShutdownNoise


def test_a_thousand_failures_in_a_minute_are_two_lines(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    failures = FailureLog(logging.getLogger("t"), "storing filings")
    failures.failed(OSError(28, "No space left on device"), expected=(OSError,))
    for _ in range(998):
        failures.failed(OSError(28, "No space left on device"), expected=(OSError,))
    failures.succeeded()
    failures.succeeded()
    lines = [r.getMessage() for r in caplog.records]
    assert (
        lines[0]
        == "storing filings failed: [Errno 28] No space left on device (said again only as a count, until it works)"
    )
    assert lines[-1] == "storing filings works again, after 999 failures"
    assert caplog.records[0].exc_info is None  # an expected failure needs no traceback


def test_a_count_line_comes_at_most_once_a_period(caplog: pytest.LogCaptureFixture) -> None:
    failures = FailureLog(logging.getLogger("t"), "polling", every=3600.0)
    for _ in range(500):
        failures.failed(RuntimeError("bug"))
    assert len(caplog.records) == 1 and caplog.records[0].exc_info is not None  # a bug shows its traceback once
    often = FailureLog(logging.getLogger("t"), "polling", every=0.0)
    for _ in range(3):
        often.failed(RuntimeError("bug"))
    assert [r.getMessage() for r in caplog.records][-1] == "polling still failing: 3 times so far; last: bug"


def test_a_job_cancelled_by_the_schedulers_shutdown_is_not_logged_as_an_error() -> None:
    try:
        raise asyncio.CancelledError
    except asyncio.CancelledError:
        cancelled = sys.exc_info()
    record = logging.LogRecord(
        "apscheduler.executors.default", logging.ERROR, "f", 1, "Error running job poll", None, cancelled
    )
    assert not ShutdownNoise().filter(record)
    other = logging.LogRecord("monitor.daemon.queue", logging.ERROR, "f", 1, "processing failed", None, cancelled)
    assert ShutdownNoise().filter(other)
    # A SIGTERM during a database read: the pool's rollback of the cancelled job's connection is
    # cancelled too, and SQLAlchemy logged "Exception during reset or similar" with a traceback.
    reset = logging.LogRecord(
        "sqlalchemy.pool.impl.AsyncAdaptedQueuePool", logging.ERROR, "f", 1, "Exception during reset", None, cancelled
    )
    assert not ShutdownNoise().filter(reset)
    failed = (OSError, OSError("disk I/O error"), None)
    assert ShutdownNoise().filter(
        logging.LogRecord(
            "sqlalchemy.pool.impl.QueuePool", logging.ERROR, "f", 1, "Exception during reset", None, failed
        )
    )

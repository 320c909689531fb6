"""Retry-After, read one way for EDGAR, Slack and webhooks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.retry_after import retry_after_seconds

NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("30", 30.0),
        (" 1.5 ", 1.5),
        ("-4", 0.0),  # never a negative wait
        ("Mon, 30 Nov 2026 12:01:30 GMT", 90.0),  # the HTTP-date form (RFC 9110)
        ("Mon, 30 Nov 2026 11:00:00 GMT", 0.0),  # a date in the past: go now
        (None, None),
        ("", None),
        ("soon", None),  # unreadable: the caller's own backoff applies
        ("nan", None),
        ("inf", None),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds

"""EDGAR's business day is Eastern time: a filing accepted at 9 p.m. in New York belongs to that day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")


def edgar_day(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(EASTERN).date()


def edgar_today() -> date:
    return edgar_day(datetime.now(UTC))


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included (none when first > last)."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]

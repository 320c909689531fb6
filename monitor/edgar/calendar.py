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


def accepted_utc(eastern_wall: str | None) -> datetime | None:
    """The header's <ACCEPTANCE-DATETIME> (Eastern wall time, no offset, as the reader gives it in
    ISO form) as an aware UTC time; None when absent or not a time."""
    if not eastern_wall:
        return None
    try:
        wall = datetime.fromisoformat(eastern_wall)
    except ValueError:
        return None
    if wall.tzinfo is not None:
        return wall.astimezone(UTC)
    return wall.replace(tzinfo=EASTERN).astimezone(UTC)


def disseminating(moment: datetime) -> bool:
    """Whether EDGAR is in its dissemination hours (about 6 a.m. to 10 p.m. Eastern, Monday to
    Friday): outside them nothing new arrives, so the age of the newest filing is no lag."""
    eastern = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(EASTERN)
    return eastern.weekday() < 5 and 6 <= eastern.hour < 22

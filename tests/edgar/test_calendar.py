"""EDGAR's clock is Eastern wall time without an offset: the acceptance time, and the hours it disseminates."""

from __future__ import annotations

from datetime import UTC, datetime

from monitor.edgar.calendar import accepted_utc, disseminating


def test_acceptance_times_are_eastern_standard_or_daylight_time_by_their_date() -> None:
    assert accepted_utc("2026-11-24T16:05:12") == datetime(2026, 11, 24, 21, 5, 12, tzinfo=UTC)  # EST, UTC-5
    assert accepted_utc("2026-07-01T09:30:00") == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)  # EDT, UTC-4


def test_a_missing_or_broken_acceptance_time_is_none_not_an_error() -> None:
    assert accepted_utc(None) is None
    assert accepted_utc("") is None
    assert accepted_utc("2026-13-45T99:00:00") is None


def test_edgar_disseminates_on_weekdays_from_six_to_ten_eastern() -> None:
    tuesday_morning = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # 6:00 a.m. EST
    assert disseminating(tuesday_morning)
    assert not disseminating(datetime(2026, 11, 24, 10, 59, tzinfo=UTC))  # 5:59 a.m.
    assert not disseminating(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))  # 10 p.m. Tuesday
    assert not disseminating(datetime(2026, 11, 28, 16, 0, tzinfo=UTC))  # Saturday 11 a.m.

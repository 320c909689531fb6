"""Dates in text: a sentence about a deal done long before the filing recalls an old deal."""

from __future__ import annotations

import re
from datetime import date, timedelta

from monitor.filings.model import Filing

# A prospectus or 8-K that recalls a financing dated this long before the filing itself is
# describing history ("In June 2022, we issued ... Series B preferred stock"), not a new deal.
STALE_AFTER = timedelta(days=180)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d\d)\b",
    re.I,
)
_REFERENCE_WINDOW = 30_000


def dates_in(text: str) -> list[date]:
    found = []
    for match in _DATE.finditer(text):
        month = _MONTHS.index(match.group(1).lower()) + 1
        day = int(match.group(2)) if match.group(2) else 28
        try:
            found.append(date(int(match.group(3)), month, day))
        except ValueError:
            continue
    return found


def reference_date(filing: Filing) -> date | None:
    """The filing's own date: from the SEC header, else the latest date on its first pages."""
    if filing.header.filed:
        return date.fromisoformat(filing.header.filed)
    if not filing.documents:
        return None
    return max(dates_in(filing.documents[0].text[:_REFERENCE_WINDOW]), default=None)


def is_stale(sentence: str, reference: date | None) -> bool:
    if reference is None:
        return False
    latest = max(dates_in(sentence), default=None)
    return latest is not None and latest < reference - STALE_AFTER

"""Dates in text: a sentence about a deal done long before the filing recalls an old deal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from filings.model import Filing
from rules.fields import MONTHS

# A prospectus or 8-K that recalls a financing dated this long before the filing itself is
# describing history ("In June 2022, we issued ... Series B preferred stock"), not a new deal.
STALE_AFTER = timedelta(days=180)
# A prospectus tells its own offering in the present and the future ("we are offering"); a deal it
# dates two months or more back is one it recalls (a "Recent Developments" paragraph, last autumn's
# registered direct offering), while a current report may recount a signing weeks before its closing.
PROSPECTUS_STALE_AFTER = timedelta(days=60)
_PROSPECTUS_FORMS = ("424B", "S-1", "S-3", "F-1", "F-3", "POS AM")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# "June 5, 2023", "June 2023", "June of 2023", and a span whose later month counts: "June and November
# of 1997", "March through May 2024".
_DATE = re.compile(
    rf"\b{_MONTH}\s+(?:(\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(?:(?:and|through|to|or)\s+{_MONTH}\s+)?(?:of\s+)?((?:19|20)\d\d)\b",
    re.I,
)
_REFERENCE_WINDOW = 30_000


def dates_in(text: str) -> list[date]:
    return [found for _, found in _dated(text)]


# Every date above holds a year: a text without one (most sentences) is passed over in one quick
# search instead of trying the month names at each word.
_A_YEAR = re.compile(r"(?:19|20)\d\d")


def _dated(text: str) -> list[tuple[re.Match[str], date]]:
    found: list[tuple[re.Match[str], date]] = []
    if _A_YEAR.search(text) is None:
        return found
    for match in _DATE.finditer(text):
        first, day_text, later, year = match.groups()
        month = MONTHS[(later or first).lower()]
        day = int(day_text) if day_text and not later else 28
        try:
            found.append((match, date(int(year), month, day)))
        except ValueError:
            continue
    return found


def reference_date(filing: Filing) -> date | None:
    """The filing's own date: from the SEC header, else the latest date on its first pages that is
    not a date to come (a note "matures on October 2, 2027" says nothing of when it was filed)."""
    if filing.header.filed:
        return date.fromisoformat(filing.header.filed)
    if not filing.documents:
        return None
    text = filing.documents[0].text[:_REFERENCE_WINDOW]
    reported = _REPORT_DATE.search(text, 0, 5000)
    if reported and (of_report := dates_in(reported.group(0))):
        return of_report[-1]  # an 8-K's cover: "Date of Report (Date of earliest event reported): ..."
    dates = [
        found
        for match, found in _dated(text)
        if not _A_DATE_TO_COME.search(text, max(0, match.start() - 40), match.start())
    ]
    return max(dates, default=None)


# "matures on", "due", "expires on", "until", "no later than", "payable on": what follows is a date to come;
# so is a date told with its hour ("ending at 5:00 p.m. local time on August 4, 2009"): a deadline.
_A_DATE_TO_COME = re.compile(
    r"(?:(?:matur\w*|due|expir\w*|until|terminat\w*|no\s+later\s+than|prior\s+to|before|on\s+or\s+after|payable|repaid|redeem\w*|exercisable\s+through|beginning|commencing|starting|ending)"
    r"(?:\s+date(?:\s+(?:of|is|will\s+be))?)?|\d{1,2}:\d\d\s*[ap]\.?\s?m\.?(?:[\s,]+[A-Za-z]+){0,4})\W+(?:on\W+|in\W+)?$",
    re.I,
)
# The date an 8-K's cover gives its report, before or after the words that name it.
_REPORT_DATE = re.compile(
    r"Date\s+of\s+(?:Report|earliest\s+event\s+reported)[^\n]{0,60}?\)?\s*:?\s*[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}"
    r"|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}\s*\n?\s*\(?Date\s+of\s+(?:Report|earliest\s+event)",
    re.I,
)


# A year on its own ("our 2021 private placement", "the 2021 Investor Warrants"), not an amount, nor
# a series of notes named by its maturity and rate ("the 2024 5.0% Convertible Senior Notes").
_BARE_YEAR = re.compile(r"(?<![$\d,.])\b(19[89]\d|20[0-4]\d)\b(?![,.]\d|\s*(?:shares|%)|\s+\d+(?:\.\d+)?\s*%)")
_TO_COME_REACH = 40


def _deal_and_maturity_years(sentence: str) -> tuple[list[int], list[int]]:
    """The bare years that may date a deal, and those that are a maturity ("notes due 2023",
    "expiring in 2027"), which tells when notes end, not when they were sold."""
    deals: list[int] = []
    maturities: list[int] = []
    for match in _BARE_YEAR.finditer(sentence):
        to_come = _A_DATE_TO_COME.search(sentence, max(0, match.start() - _TO_COME_REACH), match.start())
        (maturities if to_come else deals).append(int(match.group(1)))
    return deals, maturities


def is_stale(sentence: str, reference: date | None, window: timedelta = STALE_AFTER) -> bool:
    """True when the latest date in the sentence is long before the filing.

    A full date counts from `window` (180 days unless told); a year alone only when it is before the
    previous calendar year, so that "the 2024 Notes" in a January 2025 filing is still news.
    """
    if reference is None:
        return False
    latest = max(dates_in(sentence), default=None)
    years, maturities = _deal_and_maturity_years(sentence)
    if maturities and min(maturities) <= reference.year:
        return True  # notes named by a maturity year that has come are old notes, not sold now
    if years and (latest is None or max(years) > latest.year):
        return max(years) < reference.year - 1
    return latest is not None and latest < reference - window


@dataclass(frozen=True, slots=True)
class Recency:
    """A filing's date and how far back a dated deal in it is still its own news."""

    filed: date
    window: timedelta = STALE_AFTER

    def recalls(self, sentence: str, paragraph_before: str = "") -> bool:
        """True when the sentence's own latest date is long before the filing, or, for a sentence
        that dates nothing, when the paragraph's latest full date before it is: "On December 10,
        2023, we entered into a Standby Equity Purchase Agreement. Pursuant to the SEPA, we have the
        right to sell up to $25,000,000" recalls an old agreement in both sentences."""
        if dates_in(sentence) or _BARE_YEAR.search(sentence):
            return is_stale(sentence, self.filed, self.window)
        latest = max(dates_in(paragraph_before), default=None)
        return latest is not None and latest < self.filed - self.window

    def __str__(self) -> str:
        return self.filed.isoformat()


def recency(filing: Filing) -> Recency | None:
    filed = reference_date(filing)
    if filed is None:
        return None
    form = (filing.form or filing.header.form or "").upper()
    return Recency(filed, PROSPECTUS_STALE_AFTER if form.startswith(_PROSPECTUS_FORMS) else STALE_AFTER)

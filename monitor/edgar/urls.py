"""The paths of the real EDGAR service, under a configurable base URL (docs/architecture.md, "EDGAR")."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

FEED_PAGE_SIZE = 100  # the most the latest-filings feed returns per page


def feed_url(base_url: str, form: str, start: int = 0) -> str:
    query = urlencode(
        {
            "action": "getcurrent",
            "type": form,
            "company": "",
            "dateb": "",
            "owner": "include",
            "start": start,
            "count": FEED_PAGE_SIZE,
            "output": "atom",
        }
    )
    return f"{base_url}/cgi-bin/browse-edgar?{query}"


def submission_url(base_url: str, cik: str, accession: str) -> str:
    return f"{base_url}/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{accession}.txt"


def daily_index_url(base_url: str, day: date) -> str:
    quarter = (day.month - 1) // 3 + 1
    return f"{base_url}/Archives/edgar/daily-index/{day.year}/QTR{quarter}/form.{day:%Y%m%d}.idx"


def public_filing_url(cik: str, accession: str) -> str:
    """The filing's index page on sec.gov, for people: stable whatever base URL the daemon reads from."""
    return f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{accession}-index.htm"


def public_submission_url(cik: str, accession: str) -> str:
    """The filing's full text submission on sec.gov."""
    return f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{accession}.txt"

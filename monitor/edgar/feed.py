"""The latest-filings Atom feed -> one entry per filing (deduplicated by accession number)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import feedparser

from monitor.errors import MonitorError

_ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")
_TITLE = re.compile(r"^(?P<form>.+?) - (?P<company>.*) \((?P<cik>\d+)\)(?: \((?P<role>[^)]*)\))?\s*$")
_CIK_IN_LINK = re.compile(r"/edgar/data/(\d+)/")
_FILED = re.compile(r"Filed:\s*(?:</b>)?\s*(\d{4}-\d{2}-\d{2})")
_ITEM = re.compile(r"Item (\d{1,2}\.\d{2})")
_XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 controls but tab, newline, return


class FeedError(MonitorError):
    """A feed page that is not a readable Atom feed (an error page, a truncated or malformed body)."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    accession: str
    cik: str
    form: str
    company: str
    filed: date | None = None
    items: tuple[str, ...] = field(default=())
    updated: datetime | None = None  # the feed's time for the filing (acceptance), UTC


@dataclass(frozen=True, slots=True)
class FeedPage:
    entries: list[FeedEntry]  # the filings on the page, newest first, one per accession number
    raw_count: int  # raw entries: tells whether the page was full (a filer and an owner take two)
    unreadable: list[str] = field(default_factory=list)  # entries without a usable accession or filer


def parse_feed(body: bytes) -> FeedPage:
    """The filings on one feed page. A bad entry costs only itself: a field it gets wrong is left
    out (a filing with an impossible date is still queued), and one that names no filing is listed
    in `unreadable`, to be found again in the daily index. Characters XML forbids (a control
    character in a company name) are dropped rather than losing the whole page."""
    parsed = feedparser.parse(_XML_FORBIDDEN.sub(b"", body))
    if parsed.get("bozo") and not _harmless(parsed.get("bozo_exception")):
        raise FeedError(f"malformed feed page: {parsed.get('bozo_exception')}")
    if not str(parsed.get("version", "")).startswith("atom"):
        raise FeedError("not an Atom feed (an error page?)")
    entries: dict[str, FeedEntry] = {}
    unreadable: list[str] = []
    for raw in parsed.entries:
        entry = _entry(raw)
        if entry is None:
            unreadable.append(str(raw.get("id") or raw.get("title") or "an entry without id or title")[:200])
        elif entry.accession not in entries:
            entries[entry.accession] = entry
    return FeedPage(list(entries.values()), len(parsed.entries), unreadable)


def _harmless(error: object) -> bool:
    # The feed declares ISO-8859-1; feedparser notes when it has to re-decode, which loses nothing.
    return type(error).__name__ in {"CharacterEncodingOverride", "NonXMLContentType"}


def _entry(raw: feedparser.FeedParserDict) -> FeedEntry | None:
    found = _ACCESSION.search(str(raw.get("id", ""))) or _ACCESSION.search(str(raw.get("summary", "")))
    title = _TITLE.match(str(raw.get("title", "")))
    link = _CIK_IN_LINK.search(str(raw.get("link", "")))
    if found is None or (title is None and link is None):
        return None
    terms = [str(tag.get("term")) for tag in raw.get("tags", []) if tag.get("term")]
    form = terms[0] if terms else (title.group("form") if title else "")
    summary = str(raw.get("summary", ""))
    cik = title.group("cik") if title else link.group(1) if link else "0"
    return FeedEntry(
        accession=found.group(0),
        cik=str(int(cik)),
        form=form.strip(),
        company=title.group("company").strip() if title else "",
        filed=_filed(summary),
        items=tuple(dict.fromkeys(_ITEM.findall(summary))),
        updated=_utc(raw.get("updated_parsed")),
    )


def _filed(summary: str) -> date | None:
    """The entry's filing date; None where it is not a date (the filing is still worth fetching)."""
    found = _FILED.search(summary)
    try:
        return date.fromisoformat(found.group(1)) if found else None
    except ValueError:
        return None


def _utc(parsed: object) -> datetime | None:
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except ValueError:  # a time feedparser read but no calendar holds
        return None

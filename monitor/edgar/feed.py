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


def parse_feed(body: bytes) -> tuple[list[FeedEntry], int]:
    """The filings on one feed page, newest first, and the number of raw entries the page held.

    The raw count tells whether the page was full (there may be more behind it): one filing with a
    filer and a reporting owner takes two entries.
    """
    parsed = feedparser.parse(body)
    if parsed.get("bozo") and not _harmless(parsed.get("bozo_exception")):
        raise FeedError(f"malformed feed page: {parsed.get('bozo_exception')}")
    if not str(parsed.get("version", "")).startswith("atom"):
        raise FeedError("not an Atom feed (an error page?)")
    entries: dict[str, FeedEntry] = {}
    for raw in parsed.entries:
        entry = _entry(raw)
        if entry is not None and entry.accession not in entries:
            entries[entry.accession] = entry
    return list(entries.values()), len(parsed.entries)


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
    filed = _FILED.search(summary)
    cik = title.group("cik") if title else link.group(1) if link else "0"
    return FeedEntry(
        accession=found.group(0),
        cik=str(int(cik)),
        form=form.strip(),
        company=title.group("company").strip() if title else "",
        filed=date.fromisoformat(filed.group(1)) if filed else None,
        items=tuple(dict.fromkeys(_ITEM.findall(summary))),
        updated=_utc(raw.get("updated_parsed")),
    )


def _utc(parsed: object) -> datetime | None:
    if not isinstance(parsed, time.struct_time):
        return None
    return datetime(*parsed[:6], tzinfo=UTC)

"""The latest-filings Atom feed -> one entry per filing (deduplicated by accession number)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import feedparser

from monitor.errors import MonitorError

_ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")
# A CIK has at most 10 digits: a longer run is no CIK (and int() of 5,000 digits raises).
_TITLE = re.compile(r"^(?P<form>[^\n]{1,40}?) - (?P<company>.*) \((?P<cik>\d{1,10})\)(?: \((?P<role>[^)]*)\))?\s*$")
_CIK_IN_LINK = re.compile(r"/edgar/data/(\d{1,10})/")
# Real entries are about 1 KB, titles under 200 characters: past these an entry is junk or hostile,
# and reading it would only cost time on the event loop and memory.
MAX_ENTRY_BYTES = 64_000
MAX_TITLE_CHARS = 1_000
_ENTRY_START, _ENTRY_END = b"<entry", b"</entry>"
# `&` that starts no XML entity (a raw ampersand in a company name, an HTML entity such as &nbsp;)
_STRAY_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)")
_ENCODING = re.compile(rb"^\s*<\?xml[^>]{0,200}encoding=[\"']([A-Za-z0-9._-]{1,40})[\"']")
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
    out (a filing with an impossible date is still queued), and one that names no filing, is
    oversized or is not XML is listed in `unreadable`, to be found again in the daily index.
    Characters XML forbids (a control character in a company name) are dropped, a stray `&` is
    read as text, rather than losing the whole page."""
    head, chunks, tail = _split_entries(body)
    if b"<feed" not in head[:4096]:
        raise FeedError("not an Atom feed (an error page?)")
    if b"</feed>" not in (tail if chunks else head):
        # A page cut short would look like the feed's last page and end the poll early.
        raise FeedError("the feed page is cut short (no </feed>)")
    unreadable: list[str] = []
    kept: list[bytes] = []
    for chunk in chunks:
        if len(chunk) > MAX_ENTRY_BYTES:
            unreadable.append(f"an entry of {len(chunk):,} bytes ({_accession_in(chunk)})")
        else:
            kept.append(_STRAY_AMPERSAND.sub(b"&amp;", _XML_FORBIDDEN.sub(b"", chunk)))
    raw = _parsed_entries(head, kept, tail, unreadable)
    entries: dict[str, FeedEntry] = {}
    for entry_raw in raw:
        entry = _entry(entry_raw)
        if entry is None:
            unreadable.append(
                str(entry_raw.get("id") or entry_raw.get("title") or "an entry without id or title")[:200]
            )
        elif entry.accession not in entries:
            entries[entry.accession] = entry
    return FeedPage(list(entries.values()), len(chunks), unreadable)


def _split_entries(body: bytes) -> tuple[bytes, list[bytes], bytes]:
    """The page before its first entry, each `<entry>...</entry>`, and what follows the last: found
    with plain searches, in time linear in the page whatever it holds."""
    chunks: list[bytes] = []
    start = body.find(_ENTRY_START)
    head = body if start < 0 else body[:start]
    end = 0
    while start >= 0:
        close = body.find(_ENTRY_END, start)
        if close < 0:
            break  # a page cut short: its last entry is lost, not the page
        end = close + len(_ENTRY_END)
        chunks.append(body[start:end])
        start = body.find(_ENTRY_START, end)
    return head, chunks, body[end:] if chunks else b""


def _parsed_entries(
    head: bytes, chunks: list[bytes], tail: bytes, unreadable: list[str]
) -> list[feedparser.FeedParserDict]:
    """The entries as feedparser reads them: the page at once, or where that fails (one malformed
    entry), entry by entry, each in a feed of its own."""
    page = feedparser.parse(_XML_FORBIDDEN.sub(b"", head) + b"".join(chunks) + b"</feed>")
    readable = not page.get("bozo") or _harmless(page.get("bozo_exception"))
    if readable and (str(page.get("version", "")).startswith("atom") or not chunks):
        return list(page.entries)
    found = _ENCODING.match(head)
    declaration = b'<?xml version="1.0" encoding="' + (found.group(1) if found else b"ISO-8859-1") + b'"?>'
    entries: list[feedparser.FeedParserDict] = []
    for chunk in chunks:
        alone = feedparser.parse(declaration + b'<feed xmlns="http://www.w3.org/2005/Atom">' + chunk + b"</feed>")
        if (alone.get("bozo") and not _harmless(alone.get("bozo_exception"))) or len(alone.entries) != 1:
            unreadable.append(f"a malformed entry ({_accession_in(chunk)})")
        else:
            entries.extend(alone.entries)
    return entries


def _accession_in(chunk: bytes) -> str:
    found = re.search(rb"\d{10}-\d{2}-\d{6}", chunk[:4096])
    return found.group(0).decode() if found else "no accession number"


def _harmless(error: object) -> bool:
    # The feed declares ISO-8859-1; feedparser notes when it has to re-decode, which loses nothing.
    return type(error).__name__ in {"CharacterEncodingOverride", "NonXMLContentType"}


def _entry(raw: feedparser.FeedParserDict) -> FeedEntry | None:
    found = _ACCESSION.search(str(raw.get("id", ""))[:200]) or _ACCESSION.search(str(raw.get("summary", ""))[:4000])
    title_text = str(raw.get("title", ""))
    title = _TITLE.match(title_text) if len(title_text) <= MAX_TITLE_CHARS else None
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

"""EDGAR full submissions (SGML): the header and every document, read one document at a time."""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator
from dataclasses import dataclass

from filings.errors import FilingError
from filings.model import Header
from filings.source import FileBytes

# A submission's bytes: in memory, mapped from a file the daemon itself wrote, or read on demand.
Buffer = bytes | mmap.mmap | FileBytes

_HEADER_FIELDS = {
    "accession": re.compile(r"ACCESSION NUMBER:\s*([\d-]+)"),
    "form": re.compile(r"CONFORMED SUBMISSION TYPE:\s*(\S[^\r\n]*)"),
    "company": re.compile(r"COMPANY CONFORMED NAME:\s*(\S[^\r\n]*)"),
    "cik": re.compile(r"CENTRAL INDEX KEY:\s*(\d+)"),
    "filed": re.compile(r"FILED AS OF DATE:\s*(\d{8})"),
    "accepted": re.compile(r"<ACCEPTANCE-DATETIME>\s*(\d{14})"),
}
_ITEM_INFORMATION = re.compile(r"ITEM INFORMATION:\s*(\S[^\r\n]*)")
_TAG_LINE = re.compile(rb"<(TYPE|SEQUENCE|FILENAME|DESCRIPTION)>([^\r\n<]*)")
_LEADING_TAG_LINE = re.compile(rb"\s*<[A-Z-]+>[^\r\n<]*\r?\n")

# The SEC header names 8-K items by title; rules filter on their numbers.
ITEM_CODES = {
    "entry into a material definitive agreement": "1.01",
    "termination of a material definitive agreement": "1.02",
    "bankruptcy or receivership": "1.03",
    "completion of acquisition or disposition of assets": "2.01",
    "results of operations and financial condition": "2.02",
    "creation of a direct financial obligation or an obligation under an off-balance sheet arrangement "
    "of a registrant": "2.03",
    "costs associated with exit or disposal activities": "2.05",
    "material impairments": "2.06",
    "notice of delisting or failure to satisfy a continued listing rule or standard; transfer of listing": "3.01",
    "unregistered sales of equity securities": "3.02",
    "material modification to rights of security holders": "3.03",
    "changes in registrant's certifying accountant": "4.01",
    "changes in control of registrant": "5.01",
    "departure of directors or certain officers; election of directors; appointment of certain officers; "
    "compensatory arrangements of certain officers": "5.02",
    "amendments to articles of incorporation or bylaws; change in fiscal year": "5.03",
    "departure of directors or principal officers; election of directors; appointment of principal officers": "5.02",
    "submission of matters to a vote of security holders": "5.07",
    "regulation fd disclosure": "7.01",
    "other events": "8.01",
    "financial statements and exhibits": "9.01",
}


@dataclass(frozen=True, slots=True)
class RawDocument:
    type: str
    sequence: int
    filename: str | None
    description: str | None
    data: Buffer  # the whole submission; the body is sliced from it only when wanted
    body_start: int  # what stands between <TEXT> and </TEXT>
    body_end: int

    @property
    def body_size(self) -> int:
        return self.body_end - self.body_start

    def body(self, limit: int) -> bytes:
        """At most `limit` bytes of the body: a 200 MB exhibit is never copied whole."""
        return bytes(self.data[self.body_start : min(self.body_end, self.body_start + limit)])


def is_submission(head: bytes) -> bool:
    start = head[:65536]
    return b"<SEC-HEADER>" in start or b"<IMS-HEADER>" in start or b"<DOCUMENT>" in start[:4096]


def parse_header(data: bytes) -> Header:
    end = _header_end(data)
    if end < 0:
        return _collection_header(data)
    text = data[:end].decode("latin-1")
    values = {name: _first(pattern, text) for name, pattern in _HEADER_FIELDS.items()}
    cik = values["cik"]
    return Header(
        accession=values["accession"],
        form=values["form"],
        company=values["company"],
        cik=cik.lstrip("0") or "0" if cik else None,
        filed=_iso_date(values["filed"]),
        accepted=_iso_datetime(values["accepted"]),
        items=tuple(_item_code(title) for title in _ITEM_INFORMATION.findall(text)),
    )


# A public collection of 8-Ks keeps each one in a <DOCUMENT> whose first lines say what EDGAR's
# header would: "FILE:AA/AA-8K-20090324110641.txt.gz", "TIME:20090324110641", "EVENTS:\tOther events".
_COLLECTION_FILE = re.compile(r"\AFILE:\S*?-(?P<form>\d+[A-Z]+)-\d{8}", re.M)
_COLLECTION_TIME = re.compile(r"^TIME:(?P<time>\d{14})\s*$", re.M)
_COLLECTION_EVENTS = re.compile(r"^EVENTS:(?P<events>[^\n]*)$", re.M)
_COLLECTION_FORMS = {"8K": "8-K", "8KA": "8-K/A", "6K": "6-K", "10Q": "10-Q", "10K": "10-K"}


def _collection_header(data: bytes) -> Header:
    """The header such a collection's wrapper lines give, or an empty one."""
    head = data[:2048].decode("latin-1").removeprefix("<DOCUMENT>").lstrip()
    found = _COLLECTION_FILE.match(head)
    if found is None:
        return Header()
    time = _COLLECTION_TIME.search(head)
    events = _COLLECTION_EVENTS.search(head)
    titles = [title for title in events.group("events").split("\t") if title.strip()] if events else []
    return Header(
        form=_COLLECTION_FORMS.get(found.group("form")),
        filed=_iso_date(time.group("time")) if time else None,
        accepted=_iso_datetime(time.group("time")) if time else None,
        items=tuple(_item_code(title) for title in titles),
    )


def iter_documents(data: Buffer) -> Iterator[RawDocument]:
    """Yield each <DOCUMENT> without copying the whole submission; refuse a truncated one."""
    if (_header_start(data) >= 0) and _header_end(data) < 0:
        raise FilingError("truncated submission: the SEC header has no closing </SEC-HEADER>")
    position = 0
    while (start := data.find(b"<DOCUMENT>", position)) >= 0:
        end = data.find(b"</DOCUMENT>", start)
        if end < 0:
            raise FilingError(f"truncated submission: the <DOCUMENT> at byte {start} has no </DOCUMENT>")
        yield _raw_document(data, start + len(b"<DOCUMENT>"), end)
        position = end + len(b"</DOCUMENT>")


def _raw_document(data: Buffer, start: int, end: int) -> RawDocument:
    text_start = data.find(b"<TEXT>", start, end)
    tags_end = text_start if text_start >= 0 else end
    tags = {name.decode(): value.decode("latin-1").strip() for name, value in _TAG_LINE.findall(data[start:tags_end])}
    if text_start < 0:
        # No <TEXT>: not as EDGAR wraps a document (collections of filings keep their own wrapper
        # lines, "FILE:...", "TEXT:"), so the body is what follows the document's tag lines.
        body_start, body_end = _after_tag_lines(data, start, end), end
    else:
        text_end = data.rfind(b"</TEXT>", text_start, end)
        body_start, body_end = text_start + len(b"<TEXT>"), text_end if text_end >= 0 else end
    sequence = tags.get("SEQUENCE", "")
    return RawDocument(
        type=tags.get("TYPE", "").upper() or "UNKNOWN",
        sequence=int(sequence) if sequence.isdigit() else 0,
        filename=tags.get("FILENAME") or None,
        description=tags.get("DESCRIPTION") or None,
        data=data,
        body_start=body_start,
        body_end=body_end,
    )


def _after_tag_lines(data: Buffer, start: int, end: int) -> int:
    head = bytes(data[start : min(end, start + 4096)])
    position = 0
    while (match := _LEADING_TAG_LINE.match(head, position)) is not None:
        position = match.end()
    return start + position


def _header_start(data: Buffer) -> int:
    found = data.find(b"<SEC-HEADER>", 0, 65536)
    return found if found >= 0 else data.find(b"<IMS-HEADER>", 0, 65536)


def _header_end(data: Buffer) -> int:
    found = data.find(b"</SEC-HEADER>", 0, 1 << 20)
    return found if found >= 0 else data.find(b"</IMS-HEADER>", 0, 1 << 20)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1).strip() if match else None


def _iso_date(value: str | None) -> str | None:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if value else None


def _iso_datetime(value: str | None) -> str | None:
    if not value:
        return None
    return f"{_iso_date(value[:8])}T{value[8:10]}:{value[10:12]}:{value[12:14]}"


def _item_code(title: str) -> str:
    cleaned = re.sub(r"\s+", " ", title.strip().lower().replace("\u2019", "'"))
    return ITEM_CODES.get(cleaned, cleaned)

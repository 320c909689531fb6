"""Recognise what a file is (submission, HTML, Form D XML, plain text) and build its Filing."""

from __future__ import annotations

import os
import re
from pathlib import Path

from filings.cover import cover_document
from filings.errors import FilingError
from filings.formd import form_d_header, is_form_d, parse_form_d, summary_text
from filings.html import html_text, looks_like_html
from filings.model import DOCUMENT_SEPARATOR, FORM_D_FORMS, FORM_D_SUMMARY_TYPE, Document, Filing, FormD, Header
from filings.roles import form_of, roles_of
from filings.schedule import schedule_documents
from filings.source import FileBytes, NotRegularFile, open_regular_file
from filings.submission import Buffer, RawDocument, is_submission, iter_documents, parse_header
from filings.text import decode, looks_binary, plain_text

# Past this a document is cut: memory stays bounded whatever EDGAR or a user's disk serves.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
# The main document and the exhibits that carry deal terms: underwriting and placement agreements
# (EX-1), instruments (EX-4), material contracts (EX-10), press releases (EX-99).
_DEAL_EXHIBIT = re.compile(r"^EX-(?:1|4|10|99)(?:\.|$|[A-Z])")
_BINARY_NAME = re.compile(r"\.(?:jpe?g|gif|png|pdf|zip|xlsx?|xsd|xml|json|js|css)$", re.I)
_BODY_ITEM = re.compile(r"^\s*item\s+(\d{1,2}(?:\.\d{2})?)\b", re.I | re.M)


def read_path(path: Path) -> Filing:
    """Read one file from disk; every failure is a FilingError naming what is wrong."""
    try:
        descriptor = open_regular_file(path)
    except FileNotFoundError as error:
        raise FilingError("no such file") from error
    except IsADirectoryError as error:
        raise FilingError("is a directory") from error
    except PermissionError as error:
        raise FilingError("permission denied") from error
    except NotRegularFile as error:
        raise FilingError("not a regular file (a FIFO, a device or a socket)") from error
    try:
        size = os.fstat(descriptor).st_size
        if size == 0:
            raise FilingError("empty file")
        return read_filing(FileBytes(descriptor, size), str(path))
    finally:
        os.close(descriptor)


def read_filing(data: Buffer, source: str) -> Filing:
    """The filing in these bytes, with its form and roles (filings.roles) known to the rules."""
    filing = _read(data, source)
    filing.form = form_of(filing)
    filing.roles = roles_of(filing, filing.form)
    cover = cover_document(filing, _next_offset(filing))
    if cover is not None:
        filing.documents.append(cover)
    filing.documents.extend(schedule_documents(filing.documents, _next_offset(filing)))
    return filing


def _next_offset(filing: Filing) -> int:
    """Where a document appended to the filing starts in its extracted text."""
    text = filing.text
    return len(text) + len(DOCUMENT_SEPARATOR) if text else 0


def _read(data: Buffer, source: str) -> Filing:
    head = bytes(data[:65536])
    if not head.strip():
        raise FilingError("empty file")
    if looks_binary(head):
        raise FilingError("binary content, not a filing")
    if is_submission(head):
        return _read_submission(data, source)
    if is_form_d(head):
        form_d = parse_form_d(bytes(data[:MAX_DOCUMENT_BYTES]))
        filing = Filing(source=source, header=form_d_header(form_d), form_d=form_d)
        filing.documents.append(Document(FORM_D_SUMMARY_TYPE, 1, Path(source).name, "Form D", summary_text(form_d), 0))
        return filing
    return _read_single_document(bytes(data[:MAX_DOCUMENT_BYTES]), source, len(data))


def _read_submission(data: Buffer, source: str) -> Filing:
    header = parse_header(bytes(data[: 1 << 20]))
    filing = Filing(source=source, header=header)
    offset = 0
    for raw in iter_documents(data):
        if raw.type in FORM_D_FORMS or (raw.filename or "").lower() == "primary_doc.xml":
            filing.form_d = filing.form_d or _form_d_of(raw)
            continue
        if not _is_deal_document(raw, first=not filing.documents):
            continue
        if _is_uuencoded(raw.body(256)):
            continue  # images and PDFs inside the submission, however large
        text = _document_text(_bounded(raw, filing.warnings), raw.filename)
        if not text:
            continue
        filing.documents.append(Document(raw.type, raw.sequence, raw.filename, raw.description, text, offset))
        offset += len(text) + len(DOCUMENT_SEPARATOR)
    if filing.form_d:
        filing.documents.append(
            Document(FORM_D_SUMMARY_TYPE, 0, "primary_doc.xml", "Form D", summary_text(filing.form_d), offset)
        )
        if not header.company:
            filing.header = form_d_header(filing.form_d)
    if not filing.header.items and filing.documents:
        filing.header = _with_body_items(filing.header, filing.documents[0].text)
    return filing


def _read_single_document(data: bytes, source: str, size: int) -> Filing:
    warnings: list[str] = []
    if size > MAX_DOCUMENT_BYTES:
        warnings.append(f"file is {size >> 20} MB; only the first {MAX_DOCUMENT_BYTES >> 20} MB were read")
    text = _document_text(data, source)
    doc_type = "HTML" if _is_html(source, decode(data[:4096])) else "TEXT"
    documents = [Document(doc_type, 1, Path(source).name, None, text, 0)] if text else []
    header = _with_body_items(Header(), text)
    return Filing(source=source, header=header, documents=documents, warnings=warnings)


def _is_uuencoded(head: bytes) -> bool:
    return head.lstrip()[:6].lower().startswith(b"begin ")


def _document_text(body: bytes, filename: str | None) -> str:
    if _is_uuencoded(body[:256]):
        return ""  # uuencoded binary (images, PDFs)
    if looks_binary(body[:8192]):
        return ""
    text = decode(body)
    return html_text(text) if _is_html(filename, text) else plain_text(text)


def _is_html(filename: str | None, head: str) -> bool:
    return (filename or "").lower().endswith((".htm", ".html")) or looks_like_html(head)


def _is_deal_document(raw: RawDocument, first: bool) -> bool:
    if raw.filename and _BINARY_NAME.search(raw.filename):
        return False
    return first or raw.sequence == 1 or bool(_DEAL_EXHIBIT.match(raw.type))


def _form_d_of(raw: RawDocument) -> FormD:
    return parse_form_d(raw.body(MAX_DOCUMENT_BYTES))


def _bounded(raw: RawDocument, warnings: list[str]) -> bytes:
    if raw.body_size > MAX_DOCUMENT_BYTES:
        warnings.append(
            f"document {raw.sequence} ({raw.type}) is {raw.body_size >> 20} MB; "
            f"only the first {MAX_DOCUMENT_BYTES >> 20} MB were read"
        )
    return raw.body(MAX_DOCUMENT_BYTES)


def _with_body_items(header: Header, text: str) -> Header:
    """Old 8-Ks name their items only in the body ("ITEM 5. OTHER EVENTS")."""
    items = tuple(dict.fromkeys(_BODY_ITEM.findall(text[:200_000])))
    if not items:
        return header
    return Header(header.accession, header.form, header.company, header.cik, header.filed, header.accepted, items)

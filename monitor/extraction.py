"""Extraction, as `scan` and the daemon share it: bytes (a file, a fetched submission) -> a Filing ->
the rules -> one ScanResult, errors included; a bad file costs only itself."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deals.facts import Recall, recall_of
from deals.matching import RECALL_FORMS
from filings.errors import FilingError
from filings.model import Filing, Header
from filings.reader import read_filing, read_path
from filings.submission import Buffer
from rules.engine import RuleSet, scan_filing
from rules.events import Event

log = logging.getLogger(__name__)
SCANNED_SUFFIXES = {".txt", ".htm", ".html", ".xml", ".sgml", ".nc"}


@dataclass(slots=True)
class ScanResult:
    source: str
    header: Header = field(default_factory=Header)
    events: list[Event] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    recall: Recall = field(default_factory=Recall)  # what a registration without events may recall of a deal

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "accession": self.header.accession,
            "form": self.header.form,
            "company": self.header.company,
            "cik": self.header.cik,
            "filed": self.header.filed,
        }
        if self.error is not None:
            data["error"] = self.error
        else:
            data["events"] = [event.to_json() for event in self.events]
        if self.warnings:
            data["warnings"] = self.warnings
        return data


def expand_paths(paths: list[str]) -> list[str]:
    """Folders become every filing-like file below them, sorted; files are kept as given."""
    expanded: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            expanded.extend(
                str(found)
                for found in sorted(path.rglob("*"))
                if found.is_file() and found.suffix.lower() in SCANNED_SUFFIXES
            )
        else:
            expanded.append(given)
    return expanded


def scan_paths(paths: list[str], ruleset: RuleSet) -> Iterator[ScanResult]:
    for source in expand_paths(paths):
        yield scan_one(source, ruleset)


def scan_one(source: str, ruleset: RuleSet) -> ScanResult:
    """`scan`'s step: a file on disk -> its result (an error result if it cannot be read)."""
    try:
        return scan_read_filing(read_path(Path(source)), ruleset)
    except FilingError as error:
        return ScanResult(source=source, error=str(error))
    except Exception as error:  # a bug must cost one file, not the whole scan
        return _internal_error(source, error)


def scan_bytes(data: Buffer, source: str, ruleset: RuleSet) -> ScanResult:
    """The daemon's step: a fetched submission -> its result, by the same reading and rules as `scan`."""
    try:
        return scan_read_filing(read_filing(data, source), ruleset, recall=True)
    except FilingError as error:
        return ScanResult(source=source, error=str(error))
    except Exception as error:  # a bug must cost one filing (kept as failed, retried), not the worker
        return _internal_error(source, error)


def _internal_error(source: str, error: Exception) -> ScanResult:
    log.debug("scanning %s failed", source, exc_info=True)
    return ScanResult(source=source, error=f"internal error: {type(error).__name__}: {error} (run with -v for details)")


def scan_read_filing(filing: Filing, ruleset: RuleSet, recall: bool = False) -> ScanResult:
    """The rules over a read filing; with `recall` (the daemon and replay, which place filings in
    deals), also the share counts a registration without events writes."""
    try:
        events = scan_filing(filing, ruleset)
    except RecursionError:
        return ScanResult(source=filing.source, header=filing.header, error="document too deeply nested to scan")
    recalled = _recall(filing) if recall and not events else Recall()
    return ScanResult(filing.source, filing.header, events, warnings=filing.warnings, recall=recalled)


def _recall(filing: Filing) -> Recall:
    """A registration or prospectus without events of its own may register a deal's shares for
    resale: the figures it writes, read here while its text is at hand (deals/matching.py)."""
    form = (filing.form or filing.header.form or "").upper()
    if not form.startswith(RECALL_FORMS):
        return Recall()
    return recall_of("\n".join(document.text for document in filing.documents))

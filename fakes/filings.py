"""Filings as the fake EDGAR publishes them: real submissions, or documents put in EDGAR's envelope."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

_EASTERN = ZoneInfo("America/New_York")
_SEC_HEADER_LINE = re.compile(rb"<SEC-HEADER>[^\n]*\n")
SAMPLE_SUFFIXES = {".txt", ".htm", ".html", ".xml"}
_HEADER_FIELDS = {
    "accession": re.compile(rb"ACCESSION NUMBER:\s*(\S+)"),
    "form": re.compile(rb"CONFORMED SUBMISSION TYPE:\s*(\S+)"),
    "company": re.compile(rb"COMPANY CONFORMED NAME:\s*([^\r\n]+)"),
    "cik": re.compile(rb"CENTRAL INDEX KEY:\s*(\d+)"),
    "filed": re.compile(rb"FILED AS OF DATE:\s*(\d{8})"),
}


@dataclass(frozen=True, slots=True)
class FakeFiling:
    accession: str
    cik: str
    form: str
    company: str
    day: date
    body: bytes
    accepted: datetime | None = None  # set when published, if not given
    items: tuple[str, ...] = ()
    feed_date: str | None = None  # what the feed entry says after "Filed:" (default: the day); a hostile mode

    @property
    def path(self) -> str:
        return f"/Archives/edgar/data/{int(self.cik)}/{self.accession.replace('-', '')}/{self.accession}.txt"

    def stamped(self, accepted: datetime) -> FakeFiling:
        """Accepted at `accepted`: a submission's header says so in <ACCEPTANCE-DATETIME> (Eastern wall
        time, no offset), as every real one does; one that already says it keeps its own."""
        body = self.body
        header = _SEC_HEADER_LINE.search(body[:5000])
        if header and b"<ACCEPTANCE-DATETIME>" not in body[:5000]:
            stamp = f"<ACCEPTANCE-DATETIME>{accepted.astimezone(_EASTERN):%Y%m%d%H%M%S}\n".encode()
            body = body[: header.end()] + stamp + body[header.end() :]
        return replace(self, accepted=accepted, body=body)

    def renumbered(self, accession: str, day: date | None = None) -> FakeFiling:
        """The same filing under another accession number (and day): many distinct filings from a few files."""
        body = self.body.replace(self.accession.encode(), accession.encode())
        return replace(self, accession=accession, body=body, day=day or self.day)


def from_submission(body: bytes, day: date | None = None) -> FakeFiling:
    """A real EDGAR full submission (`<SEC-HEADER>` ...), published as it is."""
    found = {name: pattern.search(body[:20000]) for name, pattern in _HEADER_FIELDS.items()}
    missing = [name for name, match in found.items() if match is None and name != "filed"]
    if missing:
        raise ValueError(f"not an EDGAR submission: no {', '.join(missing)} in its header")
    value = {name: match.group(1).decode("latin-1").strip() for name, match in found.items() if match}
    filed = datetime.strptime(value["filed"], "%Y%m%d").date() if "filed" in value else date(2000, 1, 1)
    return FakeFiling(value["accession"], str(int(value["cik"])), value["form"], value["company"], day or filed, body)


def enveloped(
    document: bytes,
    *,
    accession: str,
    cik: str,
    company: str,
    form: str = "8-K",
    day: date = date(2026, 11, 23),
    filename: str = "document.htm",
) -> FakeFiling:
    """A lone document (HTML, text, Form D XML) put in the SGML envelope EDGAR serves."""
    stamp = f"{day:%Y%m%d}"
    header = (
        f"<SEC-DOCUMENT>{accession}.txt : {stamp}\n<SEC-HEADER>{accession}.hdr.sgml : {stamp}\n"
        f"ACCESSION NUMBER:\t\t{accession}\nCONFORMED SUBMISSION TYPE:\t{form}\nPUBLIC DOCUMENT COUNT:\t\t1\n"
        f"FILED AS OF DATE:\t\t{stamp}\n\nFILER:\n\n\tCOMPANY DATA:\t\n\t\tCOMPANY CONFORMED NAME:\t\t\t{company}\n"
        f"\t\tCENTRAL INDEX KEY:\t\t\t{int(cik):010d}\n</SEC-HEADER>\n"
        f"<DOCUMENT>\n<TYPE>{'D' if form.startswith('D') else form}\n<SEQUENCE>1\n<FILENAME>{filename}\n<TEXT>\n"
    ).encode()
    body = header + document + b"\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"
    return FakeFiling(accession, str(int(cik)), form, company, day, body)


def from_path(path: Path, number: int, day: date | None = None) -> FakeFiling:
    """Any sample file: submissions as they are, lone documents enveloped under a made-up accession."""
    data = path.read_bytes()
    if b"<SEC-HEADER>" in data[:5000]:
        return from_submission(data, day)
    is_form_d = path.suffix.lower() == ".xml" and b"<edgarSubmission" in data[:5000]
    return enveloped(
        data,
        accession=f"0009{number:06d}-26-{number:06d}",
        cik=str(9_000_000 + number),
        company=f"SAMPLE FILER {number} INC",
        form="D" if is_form_d else "8-K",
        day=day or date(2026, 11, 23),
        filename="primary_doc.xml" if is_form_d else path.name,
    )


def load_samples(folder: Path) -> list[FakeFiling]:
    """Every sample file in a folder, lone documents enveloped under the header `envelopes.toml` gives."""
    manifest_path = folder / "envelopes.toml"
    manifest = tomllib.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    filings = []
    for number, path in enumerate(sorted(p for p in folder.iterdir() if p.suffix in SAMPLE_SUFFIXES)):
        meta = manifest.get(path.name)
        if meta is None:
            filings.append(from_path(path, number))
            continue
        filings.append(
            enveloped(
                path.read_bytes(),
                accession=meta["accession"],
                cik=meta["cik"],
                company=meta["company"],
                form=meta["form"],
                day=meta["filed"],
                filename="primary_doc.xml" if meta["form"] == "D" else path.name,
            )
        )
    return filings

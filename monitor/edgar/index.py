"""The daily form index (`form.YYYYMMDD.idx`): fixed-width text, one filing per line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ACCESSION = re.compile(r"(\d{10}-\d{2}-\d{6})\.txt$")
_TAIL = re.compile(r"\s(?P<cik>\d{1,10})\s+(?P<filed>\d{8}|\d{4}-\d{2}-\d{2})\s+(?P<path>\S+)\s*$")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    form: str
    company: str
    cik: str
    filed: date
    path: str

    @property
    def accession(self) -> str:
        found = _ACCESSION.search(self.path)
        return found.group(1) if found else ""


def parse_form_index(text: str) -> list[IndexEntry]:
    """Every filing line of a form index.

    The form type ends where the title line's "Company Name" column begins (form types such as
    "SC 13G" hold spaces); the CIK, date and file name are read from the right, because company
    names hold spaces too and long ones push the later columns out of line.
    """
    lines = text.splitlines()
    title = next((i for i, line in enumerate(lines) if line.startswith("Form Type")), None)
    if title is None:
        return []
    company_column = lines[title].find("Company Name")
    entries: list[IndexEntry] = []
    for line in lines[title + 1 :]:
        if not line.strip() or set(line.strip()) == {"-"}:
            continue
        tail = _TAIL.search(line)
        if tail is None or company_column <= 0:
            continue
        filed = tail.group("filed").replace("-", "")
        entry = IndexEntry(
            form=line[:company_column].strip(),
            company=line[company_column : tail.start()].strip(),
            cik=str(int(tail.group("cik"))),
            filed=date(int(filed[:4]), int(filed[4:6]), int(filed[6:])),
            path=tail.group("path"),
        )
        if entry.accession:
            entries.append(entry)
    return entries

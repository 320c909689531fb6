"""An agreement's schedule of purchasers, read as the table it is: who buys, and the totals.

A securities purchase agreement names its buyers in a schedule (`Schedule I`, `Exhibit A - Schedule
of Purchasers`) with columns such as Purchaser | Number of Shares | Purchase Price and a TOTAL row.
Flattened to text, the cells run together, one per line or all on one line, and no sentence states
who bought or for how much. The reader states it in a short document of its own (type SCHEDULE):
"Schedule of purchasers: purchasers A, B and C. Schedule of purchasers: in total 2,200,000 shares
for $9,240,000." Rules read it with `documents = ["SCHEDULE"]`, and their evidence quotes it.
"""

from __future__ import annotations

import re

from filings.model import SCHEDULE_SUMMARY_TYPE, Document

# The column that names the buyer, then (soon after) the one that gives what each paid.
_HEADER = re.compile(
    r"\b(?:(?:Name\s+of\s+)?(?:Purchaser|Buyer|Investor|Subscriber|Holder)s?|Name(?:\s+and\s+Address)?)\b[^$\d]{0,300}?"
    r"\b(?:Aggregate\s+)?(?:Purchase\s+Price|Subscription\s+Amount|Purchase\s+Amount|Investment\s+Amount|"
    r"Subscription\s+Price)\b(?:\s+of\s+[A-Z][\w ]{0,40}?(?=\n))?",
)
_HEADING = re.compile(r"^\s*(?:SCHEDULE|Schedule|EXHIBIT|Exhibit|ANNEX|Annex)\b", re.M)
_TOTAL = re.compile(r"\bTOTALS?\b|\bTotals?\b(?=\s*[:|$\d])")
_NUMBER = re.compile(r"\$?\s?\d[\d,]*(?:\.\d+)?")
_TOTAL_NUMBERS = re.compile(r"(?:[\s|:\u00a0]*(\$?\s?\d[\d,]*(?:\.\d+)?))+")
_ADDRESS = re.compile(
    r"\b(?:St|Street|Ave|Avenue|Road|Rd|Suite|Floor|Blvd|Boulevard|Attention|Attn|E-?mail|Fax|Tel|Telephone|"
    r"P\.?O\.? Box)\b|@",
    re.I,
)
_PARTY = re.compile(r"^[A-Z][\w.&'\-]*(?:,?\s+[A-Z0-9&][\w.&'\-]*|\s+(?:of|de|and|for)\b)+\.?$")
_HEADING_WITHIN = 400
# Agreements are exhibits (EX-10.1, EX-4.2) or documents read on their own (TEXT, HTML).
_MAY_HOLD_SCHEDULE = re.compile(r"^(?:EX-|TEXT$|HTML$)", re.I)
_TABLE_CHARS = 6000
_MAX_PURCHASERS = 40


def schedule_documents(documents: list[Document], offset: int) -> list[Document]:
    """A SCHEDULE document for each document that holds a schedule of purchasers."""
    found: list[Document] = []
    for document in documents:
        if not _MAY_HOLD_SCHEDULE.match(document.type):
            continue  # an 8-K's or a prospectus's own text: its "Exhibit 10.1" lines head no schedule
        facts = _schedule_facts(document.text)
        if facts:
            found.append(Document(SCHEDULE_SUMMARY_TYPE, 0, None, "Schedule of purchasers", facts, offset))
            offset += len(facts) + 2
    return found


def _schedule_facts(text: str) -> str | None:
    for heading in _HEADING.finditer(text):
        header = _HEADER.search(text, heading.end(), heading.end() + _HEADING_WITHIN)
        if header is None:
            continue
        table = text[header.end() : header.end() + _TABLE_CHARS]
        total = _TOTAL.search(table)
        if total is None:
            continue
        rows = table[: total.start()]
        if "\n" not in header.group(0):  # cells run on in lines: a line break is a name wrapped
            rows = rows.replace("\n", " ")
        facts = _facts(_purchasers(rows), _totals(table[total.end() :]))
        if facts:
            return facts
    return None


def _purchasers(rows: str) -> list[str]:
    """The cells between the numbers that read as parties' names (not addresses)."""
    names: list[str] = []
    for cell in _NUMBER.split(rows.replace("\u00a0", " ")):
        for line in re.split(r"\s*\n\s*|\s*\|\s*", cell):
            name = " ".join(line.split()).strip(" ,;:")
            if _is_party(name) and name not in names:
                names.append(name)
    return names[:_MAX_PURCHASERS]


def _is_party(name: str) -> bool:
    if not _PARTY.match(name) or _ADDRESS.search(name) or len(name) > 90:
        return False
    return not re.search(r"\b(?:Number|Shares|Warrants|Price|Amount|Total|Name|Address|Notes)\b", name)


def _totals(after: str) -> tuple[str | None, str | None]:
    """The TOTAL row: the first plain count, and the last dollar amount (the price column)."""
    numbers = _TOTAL_NUMBERS.match(after)
    if numbers is None:
        return None, None
    values = _NUMBER.findall(numbers.group(0))
    counts = [v.strip() for v in values if not v.startswith("$") and "," in v]
    amounts = [v.replace(" ", "") for v in values if v.startswith("$")]
    return (counts[0] if counts else None), (amounts[-1] if amounts else None)


def _facts(purchasers: list[str], totals: tuple[str | None, str | None]) -> str | None:
    shares, amount = totals
    facts: list[str] = []
    if purchasers:
        listed = ", ".join(purchasers[:-1]) + (" and " if len(purchasers) > 1 else "") + purchasers[-1]
        facts.append(f"Schedule of purchasers: purchasers {listed}.")
    if amount:
        bought = f"{shares} shares " if shares else ""
        facts.append(f"Schedule of purchasers: in total {bought}for {amount}.")
    return " ".join(facts) if amount else None

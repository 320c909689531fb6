"""A prospectus cover, read as the layout it is: the offering's size on a line of its own, the
security below it, the underwriters' names in a row. Flattened to text, none of it is a sentence a
rule could read, so the reader states what the cover shows in a short document of its own (type
COVER), which rules scope to with `documents = ["COVER"]` and which evidence quotes.

Only the cover of an offering's prospectus: not a resale or a shelf base prospectus (filings.roles),
and only when the line below the amount names equity (an ABS or a structured note is no share sale).
An at-the-market prospectus's cover ("Up to $31,794,031 / Common Stock", a sales agreement named
below) states the program's present size, which the text may put beside an older, larger one; its
fact is worded apart ("an at-the-market offering of up to"), so that no share-sale rule reads it.
An S-3 often holds a shelf base prospectus and then an ATM prospectus: the later covers are read too.
"""

from __future__ import annotations

import re

from filings.model import COVER_SUMMARY_TYPE, Document, Filing
from filings.roles import RESALE_PROSPECTUS, SHELF_PROSPECTUS

# An offering's own prospectus; S-3/F-3 registrations hold a shelf base prospectus (and often an ATM
# prospectus) whose cover amounts are no sale.
_PROSPECTUS_FORMS = re.compile(r"^(?:S-1|F-1|424B)", re.I)
_ATM_FORMS = re.compile(r"^(?:S-1|F-1|S-3|F-3|424B)", re.I)
_HEADING = re.compile(r"\bPROSPECTUS(?!\s+SUMMARY)(?:\s+SUPPLEMENT)?\b")
_NOT_A_SALE = re.compile(
    r"\b(?:sales\s+agreement|at[\s-]+the[\s-]+market|equity\s+distribution|debt\s+securities|subscription\s+rights|"
    r"selling\s+(?:stock|share)holders?)\b",
    re.I,
)
_AMOUNT_LINE = re.compile(r"^\s*(?:US)?\$\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?)\s*$")
_UP_TO_AMOUNT_LINE = re.compile(r"^\s*(?:Up\s+to\s+)?(?:US)?\$\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?)\s*$", re.I)
_SHARES_LINE = re.compile(
    r"^\s*(\d{1,3}(?:,\d{3})+)\s+(Shares|Units|Ordinary\s+Shares|American\s+Depositary\s+Shares)"
    r"(?:\s+of\s+(?:Class\s+[A-Z]\s+)?Common\s+Stock)?\s*$",
    re.I,
)
_ATM = re.compile(r"\b(?:sales\s+agreement|at[\s-]+the[\s-]+market|equity\s+distribution)\b", re.I)
_EQUITY = re.compile(
    r"\b(?:common\s+stock|ordinary\s+shares|common\s+shares|units|american\s+depositary|shares)\b", re.I
)
_UNDERWRITTEN = re.compile(r"\bunderwriters?\b|\bunderwriting\s+discounts?\b", re.I)
_NAME = r"[A-Z][\w.&'\-]*(?:\s+(?:[A-Z][\w.&'\-]*|&|and|of))*"
_MANAGERS_LABEL = re.compile(
    r"^(?:sole\s+|lead\s+|joint\s+)*(?:book-?running\s+managers?|bookrunners?|lead\s+managers?|"
    r"representatives?\s+of\s+the\s+underwriters|underwriters?)$",
    re.I,
)
# A pricing table's header row ("Per Share | Per Pre-Funded Warrant | Total") names no managers.
_TABLE_HEADER = re.compile(r"\b(?:Per|Total|Shares?|Warrants?|Units?|Price|Proceeds|Amount)\b")
_MANAGERS_ROW = re.compile(rf"^\s*({_NAME})(?:\s*\|\s*({_NAME})){{1,6}}\s*$")
# Pricing table rows whose total is a fee: how the fact names it, and the row's label.
_FEE_ROWS = (
    (
        "underwriting discounts and commissions",
        re.compile(
            r"^underwrit(?:ing|er)(?:'s|s')?\s+(?:discounts?|commissions?)(?:\s+and\s+\w+)?(?:\s*\(\d\))?", re.I
        ),
    ),
    (
        "placement agent fees",
        re.compile(r"^placement\s+(?:agents?(?:'s|')?\s+)?(?:fees?|commissions?)(?:\s*\(\d\))?", re.I),
    ),
)
_VALUE_CELL = re.compile(r"^(?:\(?\d\)|\$?\s?[\d,]*\.?\d+\s*(?:\(\d\))?|\$|[-\u2014\u2013])$")
_TOTAL_AMOUNT = re.compile(r"^(\$\s?\d{1,3}(?:,\d{3})+(?:\.\d+)?)\s*(?:\(\d\))?$")
COVER_CHARS = 16_000
_DATE_LINE = re.compile(r"\bThe date of this prospectus(?:\s+supplement)? is\b[^\n]*")
_HEADING_WITHIN = 60_000


def cover_document(filing: Filing, offset: int) -> Document | None:
    """The cover's facts as text, or None when this is no offering's prospectus cover."""
    if not filing.documents or not filing.form or not _ATM_FORMS.match(filing.form):
        return None
    if {RESALE_PROSPECTUS, SHELF_PROSPECTUS} & filing.roles:
        return None
    offering = _PROSPECTUS_FORMS.match(filing.form) is not None
    main = filing.documents[0].text
    for heading in _HEADING.finditer(main, 0, _HEADING_WITHIN if offering else len(main)):
        cover = _cover_text(main, heading.end())
        lines = [line.strip() for line in cover.splitlines()]
        if _ATM.search(cover[:3000]) and (atm := _atm_facts(lines)):
            return _cover(atm, offset)
        facts = _facts(lines) if offering else []
        if facts:
            # a resale's or another kind of cover: other rules read those
            return None if _NOT_A_SALE.search(cover[:3000]) else _cover(facts, offset)
    return None


def _cover_text(main: str, start: int) -> str:
    """The cover page: up to its date line ("The date of this prospectus is ..."), at most COVER_CHARS."""
    cover = main[start : start + COVER_CHARS]
    dated = _DATE_LINE.search(cover)
    return cover[: dated.end()] if dated else cover


def _cover(facts: list[str], offset: int) -> Document:
    return Document(COVER_SUMMARY_TYPE, 0, None, "Prospectus cover", " ".join(facts), offset)


def _atm_facts(lines: list[str]) -> list[str]:
    amount = _offering_amount(lines, _UP_TO_AMOUNT_LINE)
    return [f"Prospectus cover: an at-the-market offering of up to ${amount}."] if amount else []


def _facts(lines: list[str]) -> list[str]:
    amount = _offering_amount(lines)
    shares = _offered_shares(lines)
    if amount is None and shares is None:
        return []
    cover = "\n".join(lines)
    facts = [f"Prospectus cover: an offering of ${amount}."] if amount else []
    if shares:
        facts.append(f"Prospectus cover: {shares[0]} {' '.join(shares[1].lower().split())} offered.")
    if _UNDERWRITTEN.search(cover):
        facts.append("Prospectus cover: the offering is underwritten.")
        managers = _managers(lines)
        if managers:
            facts.append(f"Prospectus cover: underwriters {'; '.join(managers)}.")
    for label, fee in _FEE_ROWS:
        total = _row_total(lines, fee)
        if total:
            facts.append(f"Prospectus cover: {label} of {total} in total.")
    return facts


def _row_total(lines: list[str], label: re.Pattern[str]) -> str | None:
    """The pricing table's Total column for a row: `Underwriting discounts | $0.55 | $13,750,000`,
    or the same with a cell per line. The last amount of the row is its total."""
    for number, line in enumerate(lines):
        found = label.match(line)
        if found is None:
            continue
        cells = [cell.strip() for cell in line[found.end() :].split("|") if cell.strip()]
        for following in lines[number + 1 : number + 8]:
            if not cells or not _VALUE_CELL.match(cells[-1]):
                cells = []
            if not _VALUE_CELL.match(following):
                break
            cells.append(following)
        amounts = [found.group(1) for cell in cells if (found := _TOTAL_AMOUNT.match(cell))]
        if amounts:
            return amounts[-1]
    return None


def _offering_amount(lines: list[str], amount_line: re.Pattern[str] = _AMOUNT_LINE) -> str | None:
    """The amount on a line of its own among the cover's first lines, with equity named below it."""
    for number, line in enumerate(lines[:8]):
        found = amount_line.match(line)
        if found and _EQUITY.search(" ".join(lines[number + 1 : number + 3])):  # the issuer, then the security
            return found.group(1)
    return None


def _offered_shares(lines: list[str]) -> tuple[str, str] | None:
    """`330,000 Shares of Common Stock` on a line of its own among the cover's first lines."""
    for line in lines[:8]:
        found = _SHARES_LINE.match(line)
        if found:
            return found.group(1), found.group(2)
    return None


def _managers(lines: list[str]) -> list[str]:
    """The book-running managers' row (`Barclays | Morgan Stanley`), or the name under a
    `Sole Book-Running Manager` label."""
    for number, line in enumerate(lines):
        if _MANAGERS_LABEL.match(line) and number + 1 < len(lines):
            below = lines[number + 1]
            if re.fullmatch(_NAME, below) and len(below.split()) <= 6:
                return [below]
        if _MANAGERS_ROW.match(line) and not any(ch.isdigit() for ch in line) and not _TABLE_HEADER.search(line):
            return [name.strip() for name in line.split("|") if name.strip()]
    return []

"""What deal matching reads: a filing's events and recalled figures, and an issuer's open deals."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from rules.fields import FieldValue

# Whole numbers written with thousands separators ("624,324"): the share counts a resale
# registration recalls. A prospectus writes thousands of numbers; a set of them is small.
_GROUPED_NUMBER = re.compile(r"(?<![\d,.$])\d{1,3}(?:,\d{3})+(?![\d,]*\.\d)(?!,\d)")
_SELLING_HOLDERS = re.compile(r"selling\s+(?:stock|share|security|unit|note)?\s*holders?", re.IGNORECASE)
MAX_FIGURES = 50_000


@dataclass(frozen=True, slots=True)
class Term:
    """One event of a filing, as deals read it: its type and fields."""

    type: str
    fields: Mapping[str, FieldValue]
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class Recall:
    """What a filing without events of its own says that may tie it to a deal: the share counts it
    writes, and whether it registers shares for selling holders (a resale registration)."""

    figures: frozenset[int] = frozenset()
    resale: bool = False


@dataclass(frozen=True, slots=True)
class FilingFacts:
    accession: str
    form: str
    filed: date | None
    terms: tuple[Term, ...] = ()
    recall: Recall = field(default_factory=Recall)
    items: tuple[str, ...] = ()  # an 8-K's items (1.01, 3.02 ...)


@dataclass(frozen=True, slots=True)
class DealFiling:
    accession: str
    form: str
    filed: date | None
    part: str


@dataclass(frozen=True, slots=True)
class OpenDeal:
    """A deal of the issuer, as its filings so far left it."""

    id: int
    terms: Mapping[str, Mapping[str, FieldValue]]  # type -> its fields, later filings' values over earlier
    filings: tuple[DealFiling, ...]

    @property
    def last_filed(self) -> date | None:
        return max((f.filed for f in self.filings if f.filed), default=None)


@dataclass(frozen=True, slots=True)
class Decision:
    """Where a filing goes: the deal it joins (None: it opens a new one, or none at all when
    `opens` is False), the part it plays, and why, in words `deals show` prints."""

    deal_id: int | None
    part: str
    reason: str
    opens: bool = True


def recall_of(text: str) -> Recall:
    """The figures and resale wording a registration or prospectus without events of its own holds."""
    figures: set[int] = set()
    for found in _GROUPED_NUMBER.finditer(text):
        figures.add(int(found.group(0).replace(",", "")))
        if len(figures) >= MAX_FIGURES:
            break
    return Recall(frozenset(figures), _SELLING_HOLDERS.search(text) is not None)

"""Typed objects for a filing as the rules see it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Header:
    """What the SEC header (or a Form D) says about a submission; None where it says nothing."""

    accession: str | None = None
    form: str | None = None
    company: str | None = None
    cik: str | None = None
    filed: str | None = None  # ISO date
    accepted: str | None = None  # ISO datetime, Eastern time as EDGAR gives it
    items: tuple[str, ...] = ()  # 8-K items, e.g. ("1.01", "3.02") or ("5", "7")


@dataclass(frozen=True, slots=True)
class Document:
    """One document of a submission, turned into plain text."""

    type: str
    sequence: int
    filename: str | None
    description: str | None
    text: str
    offset: int = 0  # where this text starts in the filing's extracted plain text


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    broker_dealer: str | None = None


@dataclass(frozen=True, slots=True)
class FormD:
    """The parts of a Form D (`primary_doc.xml`) that describe money raised."""

    issuer: str | None
    cik: str | None
    submission_type: str | None
    is_amendment: bool
    security_types: tuple[str, ...]
    total_offering: float | None
    total_sold: float | None
    sales_commissions: float
    finders_fees: float
    recipients: tuple[Recipient, ...]
    first_sale: str | None
    business_combination: bool


@dataclass(slots=True)
class Filing:
    """A submission, a lone HTML/text document or a Form D, ready for the rules."""

    source: str
    header: Header
    documents: list[Document] = field(default_factory=list)
    form_d: FormD | None = None
    warnings: list[str] = field(default_factory=list)
    # The form type as the rules see it (the header's, else the one the cover names; filings.roles)
    # and what kind of filing it is: periodic_report, proxy_statement, resale_prospectus, ...
    form: str | None = None
    roles: frozenset[str] = frozenset()

    @property
    def text(self) -> str:
        """The filing's extracted plain text: the documents' texts joined; offsets refer to it."""
        return DOCUMENT_SEPARATOR.join(d.text for d in self.documents)


DOCUMENT_SEPARATOR = "\n\n"

# Document types of our own, beside EDGAR's (8-K, EX-99.1, ...): the one place that names them.
# Types given to a document read on its own, whose EDGAR type is not known.
LONE_DOCUMENT_TYPES = frozenset({"HTML", "TEXT"})
FORM_D_SUMMARY_TYPE = "FORM-D"  # a Form D's offering data, rendered as text that evidence can quote
COVER_SUMMARY_TYPE = "COVER"  # what a prospectus cover's layout shows (filings.cover), as text
SCHEDULE_SUMMARY_TYPE = "SCHEDULE"  # an agreement's schedule of purchasers (filings.schedule), as text
FORM_D_FORMS = frozenset({"D", "D/A"})  # EDGAR's form (and document) types of a Form D

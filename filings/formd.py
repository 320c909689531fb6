"""Form D (`primary_doc.xml`) -> FormD, parsed without expanding entities or fetching anything."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from filings.errors import FilingError
from filings.model import FormD, Header, Recipient

_NONE_VALUES = {"", "none", "n/a", "na", "not applicable"}


# What may stand before the root element: the <XML> wrapper of a document cut out of a submission,
# a byte-order mark, the XML declaration, comments, processing instructions, a DOCTYPE.
_WRAPPER = re.compile(rb"\s*(?:\xef\xbb\xbf)?\s*<XML>\s*", re.I)
_WRAPPER_END = re.compile(rb"\s*</XML>\s*$", re.I)
_PROLOG_PART = re.compile(rb"\s*(?:\xef\xbb\xbf|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S)
_ROOT = re.compile(rb"\s*<([\w.:-]+)")


def is_form_d(head: bytes) -> bool:
    """Whether the document's root element is a Form D's <edgarSubmission>, however long its prolog."""
    return (_root_name(head) or b"").rpartition(b":")[2] == b"edgarSubmission"


def _root_name(head: bytes) -> bytes | None:
    wrapper = _WRAPPER.match(head)
    position = wrapper.end() if wrapper else 0
    while part := _PROLOG_PART.match(head, position):
        position = part.end()
    root = _ROOT.match(head, position)
    return root.group(1) if root else None


def unwrapped(xml: bytes) -> bytes:
    """The XML inside the <XML> ... </XML> that wraps a document in a full submission."""
    wrapper = _WRAPPER.match(xml)
    if wrapper is None:
        return xml
    body = xml[wrapper.end() :]
    end = _WRAPPER_END.search(body)
    return body[: end.start()] if end else body


def parse_form_d(xml: bytes) -> FormD:
    try:
        root = fromstring(unwrapped(xml).lstrip(), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise FilingError(
            f"XML refused: {type(error).__name__} (entities and external references are never expanded)"
        ) from error
    except ElementTree.ParseError as error:
        raise FilingError(f"malformed XML: {error}") from error
    offering = root.find("{*}offeringData")
    if offering is None:
        raise FilingError("XML is not a Form D: no <offeringData>")
    return FormD(
        issuer=_text(root, "{*}primaryIssuer/{*}entityName"),
        cik=_cik(_text(root, "{*}primaryIssuer/{*}cik")),
        submission_type=_text(root, "{*}submissionType"),
        is_amendment=_flag(offering, "{*}typeOfFiling/{*}newOrAmendment/{*}isAmendment"),
        security_types=_security_types(offering),
        total_offering=_amount(_text(offering, "{*}offeringSalesAmounts/{*}totalOfferingAmount")),
        total_sold=_amount(_text(offering, "{*}offeringSalesAmounts/{*}totalAmountSold")),
        sales_commissions=_amount(_text(offering, "{*}salesCommissionsFindersFees/{*}salesCommissions/{*}dollarAmount"))
        or 0.0,
        finders_fees=_amount(_text(offering, "{*}salesCommissionsFindersFees/{*}findersFees/{*}dollarAmount")) or 0.0,
        recipients=_recipients(offering),
        first_sale=_text(offering, "{*}typeOfFiling/{*}dateOfFirstSale/{*}value"),
        business_combination=_flag(offering, "{*}businessCombinationTransaction/{*}isBusinessCombinationTransaction"),
    )


def form_d_header(form_d: FormD) -> Header:
    return Header(form=form_d.submission_type, company=form_d.issuer, cik=form_d.cik)


def _text(node: ElementTree.Element, path: str) -> str | None:
    found = node.find(path)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return None if value.lower() in _NONE_VALUES else value


def _flag(node: ElementTree.Element, path: str) -> bool:
    return (_text(node, path) or "").lower() == "true"


def _amount(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.replace(",", "").replace("$", ""))
    except ValueError:
        return None  # "Indefinite" and the like


def _cik(value: str | None) -> str | None:
    return value.lstrip("0") or "0" if value and value.isdigit() else value


def _security_types(offering: ElementTree.Element) -> tuple[str, ...]:
    types = offering.find("{*}typesOfSecuritiesOffered")
    if types is None:
        return ()
    names = []
    for child in types:
        tag = child.tag.rsplit("}", 1)[-1]
        if (child.text or "").strip().lower() == "true" and tag.startswith("is") and tag.endswith("Type"):
            names.append(tag[2:-4])
        elif tag == "descriptionOfOtherType" and child.text:
            names.append(child.text.strip())
    return tuple(names)


def _recipients(offering: ElementTree.Element) -> tuple[Recipient, ...]:
    found = []
    for recipient in offering.iterfind("{*}salesCompensationList/{*}recipient"):
        name = _text(recipient, "{*}recipientName")
        dealer = _text(recipient, "{*}associatedBDName")
        if name or dealer:
            found.append(Recipient(name=name or dealer or "", broker_dealer=dealer if name else None))
    return tuple(found)


def summary_text(form_d: FormD) -> str:
    """A plain-text rendering of the Form D's offering data: the evidence its events quote."""

    def money(value: float | None) -> str:
        return "not stated" if value is None else f"${value:,.0f}"

    recipients = "; ".join(f"{r.name} ({r.broker_dealer})" if r.broker_dealer else r.name for r in form_d.recipients)
    lines = [
        f"Form {form_d.submission_type or 'D'} filed by {form_d.issuer or 'an unnamed issuer'}"
        + (" (amendment)" if form_d.is_amendment else ""),
        f"Types of securities offered: {', '.join(form_d.security_types) or 'not stated'}",
        f"Date of first sale: {form_d.first_sale or 'not stated'}",
        f"Total offering amount: {money(form_d.total_offering)}",
        f"Total amount sold: {money(form_d.total_sold)}",
        f"Sales commissions: {money(form_d.sales_commissions)}; finders' fees: {money(form_d.finders_fees)}",
        f"Sales compensation recipients: {recipients or 'none'}",
    ]
    return "\n".join(lines)

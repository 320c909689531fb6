"""Form D data -> events directly: the form states the amounts, no pattern is needed."""

from __future__ import annotations

from filings.model import FORM_D_SUMMARY_TYPE, Filing, FormD
from rules.catalogue import current_catalogue
from rules.events import Event
from rules.fields import FieldValue

RULE_ID = "form-d"


def form_d_events(filing: Filing) -> list[Event]:
    form_d = filing.form_d
    summary = next((d for d in filing.documents if d.type == FORM_D_SUMMARY_TYPE), None)
    if form_d is None or summary is None:
        return []
    if form_d.business_combination and not form_d.total_sold:
        return []  # securities issued in a merger or exchange, not sold for cash
    # The catalogue says which types receive Form D's data (rules/catalogue.toml, `form_d`).
    catalogue = current_catalogue()
    sale, fee_type = catalogue.form_d_type("amount_sold"), catalogue.form_d_type("sales_commissions")
    events = []
    if sale:
        events.append(_event(sale, _sale_fields(form_d), summary.text, summary.offset, "Total amount sold"))
    fee = _fee_fields(form_d)
    if fee and fee_type:
        events.append(_event(fee_type, fee, summary.text, summary.offset, "Sales commissions"))
    return events


def _sale_fields(form_d: FormD) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {"offering": "private_placement"}
    if form_d.total_sold is not None:
        fields["gross_proceeds"] = form_d.total_sold
    if form_d.security_types:
        fields["security"] = ", ".join(form_d.security_types)
    if form_d.first_sale:
        fields["date"] = form_d.first_sale
    return fields


def _fee_fields(form_d: FormD) -> dict[str, FieldValue]:
    cash = form_d.sales_commissions + form_d.finders_fees
    if cash <= 0:
        return {}
    fields: dict[str, FieldValue] = {"cash": cash}
    fields["role"] = "placement_agent" if form_d.sales_commissions >= form_d.finders_fees else "finder"
    if form_d.recipients:
        first = form_d.recipients[0]
        fields["recipient"] = f"{first.name} ({first.broker_dealer})" if first.broker_dealer else first.name
    return fields


def _event(kind: str, fields: dict[str, FieldValue], text: str, offset: int, label: str) -> Event:
    start = max(text.find(label), 0)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return Event(kind, RULE_ID, fields, text[start:end], offset + start, offset + end, FORM_D_SUMMARY_TYPE, [RULE_ID])

"""The event catalogue: every event type, its fields, their kinds, and how they are shown.

The one place that lists the six types scripts rely on (`scan --json`, `events list --json`; listed
in docs/rules.md). The engine checks rules against it, storage and the tables read field kinds from
it, Slack blocks take titles and labels from it, and `events list --type` offers its names. A new
type is one entry here (and rules that report it)."""

from __future__ import annotations

from dataclasses import dataclass

from rules.fields import FieldValue


@dataclass(frozen=True, slots=True)
class FieldSpec:
    kind: str  # a field type of rules.fields.TYPES: how a pattern's placeholder matches and parses
    title: str  # how people read it: a Slack field label, a table heading


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    title: str
    fields: dict[str, FieldSpec]
    # Several events of one type in a filing are told apart by a series a rule captured ("Series
    # A-5"), or by this field (fees: who is paid).
    key_field: str | None = None

    def kinds(self) -> dict[str, str]:
        return {name: spec.kind for name, spec in self.fields.items()}

    def title_of(self, field: str) -> str:
        spec = self.fields.get(field)
        return spec.title if spec else field.replace("_", " ").capitalize()

    def kind_of(self, field: str) -> str:
        spec = self.fields.get(field)
        return spec.kind if spec else ""


CATALOGUE: dict[str, EventType] = {
    t.name: t
    for t in (
        EventType(
            "share_sale",
            "Share sale",
            {
                "shares": FieldSpec("count", "Shares"),
                "price_per_share": FieldSpec("money", "Price per share"),
                "gross_proceeds": FieldSpec("money", "Gross proceeds"),
                "security": FieldSpec("equity", "Security"),
                "investors": FieldSpec("names", "Investors"),
                "offering": FieldSpec("text", "Offering"),
                "date": FieldSpec("date", "Date"),
            },
        ),
        EventType(
            "warrant",
            "Warrants",
            {
                "warrant_shares": FieldSpec("count", "Warrant shares"),
                "exercise_price": FieldSpec("money", "Exercise price"),
                "term_years": FieldSpec("term", "Term"),
                "holders": FieldSpec("names", "Holders"),
            },
        ),
        EventType(
            "finder_fee",
            "Finder / placement fee",
            {
                "recipient": FieldSpec("name", "Recipient"),
                "cash": FieldSpec("money", "Cash fee"),
                "percent": FieldSpec("percent", "Fee (%)"),
                "warrant_shares": FieldSpec("count", "Warrant shares"),
                "role": FieldSpec("role", "Role"),
            },
            key_field="role",
        ),
        EventType(
            "convertible_note",
            "Convertible notes",
            {
                "principal": FieldSpec("money", "Principal"),
                "conversion_price": FieldSpec("money", "Conversion price"),
                "interest_rate": FieldSpec("percent", "Interest rate"),
                "maturity": FieldSpec("date", "Maturity"),
            },
        ),
        EventType(
            "preferred_stock",
            "Preferred stock",
            {
                "shares": FieldSpec("count", "Shares"),
                "stated_value": FieldSpec("money", "Stated value"),
                "conversion_price": FieldSpec("money", "Conversion price"),
                "gross_proceeds": FieldSpec("money", "Gross proceeds"),
            },
        ),
        EventType(
            "atm_program",
            "At-the-market program",
            {"max_amount": FieldSpec("money", "Program size"), "agent": FieldSpec("name", "Agent")},
        ),
    )
}
EVENT_TYPES = tuple(CATALOGUE)


def event_type(name: str) -> EventType:
    """The catalogue's entry; an unknown name (an older database's) gets a plain one, shown as stored."""
    return CATALOGUE.get(name) or EventType(name, name.replace("_", " ").capitalize(), {})


def format_value(value: FieldValue, kind: str = "") -> str:
    """A field's value as a reader expects it: $8,000,000, $15.375, 7.5%, 5 years, 520,324."""
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, str):
        return value
    if kind == "money":
        return _money(float(value))
    if kind == "percent":
        return f"{value:g}%"
    if kind == "term":
        return f"{value:g} year" + ("" if value == 1 else "s")
    return f"{value:,}" if isinstance(value, int) else f"{value:,g}"


def _money(value: float) -> str:
    if value >= 1000:
        return f"${value:,.0f}"
    if round(value, 2) == value:
        return f"${value:,.2f}"
    return f"${value:,.4f}".rstrip("0")  # sub-cent prices: $0.0001, $3.4899


def format_fields(type_name: str, fields: dict[str, FieldValue]) -> str:
    """An event's fields on one line, each shown by its kind: `shares=520,324, price_per_share=$15.375`."""
    kind_of = event_type(type_name).kind_of
    return ", ".join(f"{name}={format_value(value, kind_of(name))}" for name, value in fields.items()) or "-"

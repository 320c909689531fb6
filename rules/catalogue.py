"""The event catalogue: every event type, its fields, their kinds, and how they are shown.

Filled from declarations: the built-in types come from `rules/catalogue.toml` (always on), and a
rule pack declares its own the same way, in `[[event]]` tables (docs/rules.md, "Event types"). The
engine checks rules against it, merges and cross-checks events by it; the tables, Slack blocks,
routes and `events list --type` read it. No other module names an event type."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rules.errors import RuleError
from rules.fields import KINDS, FieldValue
from rules.tomlfile import TomlFile, TomlFileError

BUILTIN_FILE = Path(__file__).parent / "catalogue.toml"
FORM_D_PARTS = ("amount_sold", "sales_commissions")  # what Form D data an event type may receive
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TYPE_KEYS = {
    "name",
    "title",
    "description",
    "fields",
    "key",
    "listed_by",
    "headline",
    "form_d",
    "checks",
    "new_shares",
    "deal",
}
_DEAL_KEYS = {"part", "fixed"}
# What an event adds to the shares outstanding, for an alert's dilution: shares sold now ("sold"),
# shares its warrants may buy ("may_buy"), or shares it converts into, money over a price ("converts").
NEW_SHARES_KINDS = ("sold", "may_buy", "converts")
_CHECKS = {
    "product": {"check", "of", "equals", "note"},
    "at_most": {"check", "field", "times", "of"},
    "percent_of": {"check", "field", "percent", "of"},
}


FIELD_ROLES = ("amount", "count", "price")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    kind: str  # a kind of rules.fields.KINDS: how a placeholder matches and parses, how the value is shown
    title: str  # how people read it: a Slack field label, a table's words
    role: str = ""  # amount (what routes' min_amount compares), count or price (count x price), or none


@dataclass(frozen=True, slots=True)
class Check:
    """Numbers of an event that must agree. `of` names this event's fields, or `type.field` of
    another event in the same filing (the first of that type)."""

    check: str  # product | at_most | percent_of
    field: str = ""
    of: tuple[str, ...] = ()
    equals: str = ""
    times: float = 0
    percent: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    title: str
    fields: dict[str, FieldSpec]
    description: str = ""
    # Several events of one type in a filing are told apart by a series a rule captured ("Series
    # A-5"), or by this field (fees: who is paid).
    key_field: str | None = None
    # A count field by which one sentence may list several unnamed series ("warrants to purchase
    # 3,075,273 shares at $2.00 and warrants to purchase 2,050,185 shares at $2.50"): each is an event.
    listed_by: str | None = None
    headline: tuple[str, ...] = ()  # the fields a one-line summary shows (default: money and counts)
    form_d: str | None = None  # the part of a Form D's data it receives
    checks: tuple[Check, ...] = ()
    origin: str = ""  # the file that declared it
    new_shares: tuple[str, tuple[str, ...]] | None = None  # (a NEW_SHARES_KINDS kind, its fields)
    # How deals (deals/) read it: `deal_part`, it comes with a deal's instrument (warrants, a fee)
    # and never makes a deal's kind; `deal_fixed`, fields two filings of one deal cannot differ in.
    deal_part: bool = False
    deal_fixed: tuple[str, ...] = ()

    def kinds(self) -> dict[str, str]:
        return {name: spec.kind for name, spec in self.fields.items()}

    def title_of(self, field: str) -> str:
        spec = self.fields.get(field)
        return spec.title if spec else field.replace("_", " ").capitalize()

    def fields_of_role(self, role: str) -> tuple[str, ...]:
        return tuple(name for name, spec in self.fields.items() if spec.role == role)

    def kind_of(self, field: str) -> str:
        spec = self.fields.get(field)
        return spec.kind if spec else ""

    def headline_fields(self) -> tuple[str, ...]:
        if self.headline:
            return self.headline
        return tuple(name for name, spec in self.fields.items() if spec.kind in ("money", "count"))

    def same_declaration(self, other: EventType) -> bool:
        """The same type, whoever declared it and however it is described."""
        return replace(self, origin="", description="") == replace(other, origin="", description="")


@dataclass(slots=True)
class Catalogue:
    """The event types in force in this process: the built-in ones, and those packs declared."""

    types: dict[str, EventType] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.types

    def __getitem__(self, name: str) -> EventType:
        return self.types[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.types)

    def names(self) -> tuple[str, ...]:
        return tuple(self.types)

    def builtin(self) -> tuple[str, ...]:
        return tuple(name for name, declared in self.types.items() if declared.origin == str(BUILTIN_FILE))

    def declare(self, declared: EventType, line: int | None = None) -> None:
        """Add a type. A pack may not redeclare a built-in type, nor one another file declared
        differently; the same file declaring it again (a reload after an edit) replaces it."""
        known = self.types.get(declared.name)
        if known is not None and known.origin != declared.origin and not known.same_declaration(declared):
            built_in = " built-in" if known.origin == str(BUILTIN_FILE) else ""
            raise RuleError(
                declared.origin,
                f"event type {declared.name!r} is already declared{built_in} in {known.origin}: choose another name",
                line,
            )
        self.types[declared.name] = declared

    def form_d_type(self, part: str) -> str | None:
        """The type that receives this part of a Form D's offering data."""
        return next((name for name, declared in self.types.items() if declared.form_d == part), None)


def event_type(name: str) -> EventType:
    """The catalogue's entry; an unknown name (an older database's, a pack no longer loaded) gets a
    plain one: its fields are shown as stored."""
    return current_catalogue().types.get(name) or EventType(name, name.replace("_", " ").capitalize(), {})


def declarations(source: TomlFile) -> list[EventType]:
    """The `[[event]]` tables of a TOML file as event types; a malformed one is a RuleError at its line."""
    tables = source.data.get("event", [])
    if isinstance(tables, str):
        return []  # a file of one rule, written without [[rule]]: `event` names its type
    try:
        if not isinstance(tables, list):
            raise _Malformed(("event",), "'event' must be an array of tables ([[event]])")
        return [_event_type(table, str(source.path), ("event", n)) for n, table in enumerate(tables)]
    except _Malformed as error:
        raise RuleError(str(source.path), error.message, source.line_of(error.place)) from None


def declared_names(files: list[Path]) -> list[str]:
    """The names of the event types these files declare, read leniently (loading the rules reports
    what is malformed): for the config's check of route types."""
    names = []
    for file in files:
        try:
            tables = TomlFile.read(file).data.get("event", [])
        except TomlFileError:
            continue  # reported, with its line, when the rules load
        if isinstance(tables, list):
            names += [t["name"] for t in tables if isinstance(t, dict) and isinstance(t.get("name"), str)]
    return names


def declare_leniently(files: list[Path]) -> None:
    """Declare what these files declare, skipping what is malformed (loading the rules reports it):
    for commands that only show stored events of the user's types."""
    for file in files:
        try:
            declare_all(TomlFile.read(file))
        except (TomlFileError, RuleError):
            continue


def declare_all(source: TomlFile) -> list[str]:
    """Declare a file's event types into the current catalogue (a candidate while rules load); their names."""
    declared = declarations(source)
    catalogue = current_catalogue()
    for n, event in enumerate(declared):
        catalogue.declare(event, source.line_of(("event", n, "name")))
    return [event.name for event in declared]


class _Malformed(Exception):
    def __init__(self, place: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.place = place
        self.message = message


def _event_type(table: Any, origin: str, place: tuple[str | int, ...]) -> EventType:
    if not isinstance(table, dict):
        raise _Malformed(place, "an [[event]] must be a table")
    unknown = sorted(set(table) - _TYPE_KEYS)
    if unknown:
        raise _Malformed((*place, unknown[0]), f"unknown key {unknown[0]!r} in [[event]]")
    name = _text(table, "name", place)
    if not _NAME.match(name):
        raise _Malformed((*place, "name"), f"event type {name!r}: lower-case letters, digits and '_'")
    fields = _fields(table.get("fields"), (*place, "fields"))
    key = table.get("key")
    if key is not None and key not in fields:
        raise _Malformed((*place, "key"), f"key {key!r} is not a field of {name}")
    listed_by = table.get("listed_by")
    if listed_by is not None and (listed_by not in fields or fields[listed_by].kind != "count"):
        raise _Malformed((*place, "listed_by"), f"listed_by {listed_by!r} is not a count field of {name}")
    headline = tuple(table.get("headline", ()))
    for wanted in headline:
        if wanted not in fields:
            raise _Malformed((*place, "headline"), f"headline field {wanted!r} is not a field of {name}")
    form_d = table.get("form_d")
    if form_d is not None and form_d not in FORM_D_PARTS:
        raise _Malformed((*place, "form_d"), f"form_d must be one of {', '.join(FORM_D_PARTS)}")
    checks = tuple(_check(spec, fields, (*place, "checks")) for spec in table.get("checks", ()))
    new_shares = _new_shares(table.get("new_shares"), fields, (*place, "new_shares"))
    deal_part, deal_fixed = _deal(table.get("deal", {}), fields, (*place, "deal"))
    return EventType(
        name=name,
        title=_text(table, "title", place),
        fields=fields,
        description=str(table.get("description", "")),
        key_field=key,
        listed_by=listed_by,
        headline=headline,
        form_d=form_d,
        checks=checks,
        origin=origin,
        new_shares=new_shares,
        deal_part=deal_part,
        deal_fixed=deal_fixed,
    )


def _deal(spec: Any, fields: Mapping[str, FieldSpec], place: tuple[str | int, ...]) -> tuple[bool, tuple[str, ...]]:
    """`deal = { part = true, fixed = ["exercise_price"] }`: how a deal follows the type across filings."""
    if not isinstance(spec, dict) or set(spec) - _DEAL_KEYS:
        raise _Malformed(place, "deal takes part (true or false) and fixed (a list of fields)")
    part, fixed = spec.get("part", False), spec.get("fixed", [])
    if not isinstance(part, bool):
        raise _Malformed((*place, "part"), "deal.part is true or false")
    if not isinstance(fixed, list) or any(name not in fields for name in fixed):
        raise _Malformed((*place, "fixed"), "deal.fixed lists fields of this type")
    return part, tuple(fixed)


def _new_shares(
    spec: Any, fields: Mapping[str, FieldSpec], place: tuple[str | int, ...]
) -> tuple[str, tuple[str, ...]] | None:
    """`new_shares = { sold = "shares" }`, `{ may_buy = "warrant_shares" }` or `{ converts = ["principal",
    "conversion_price"] }`: which fields say how many shares the event adds."""
    if spec is None:
        return None
    if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in NEW_SHARES_KINDS:
        raise _Malformed(place, f"new_shares takes one of {', '.join(NEW_SHARES_KINDS)}")
    kind, named = next(iter(spec.items()))
    names = (named,) if isinstance(named, str) else tuple(named) if isinstance(named, list) else ()
    if len(names) != (2 if kind == "converts" else 1) or any(n not in fields for n in names):
        wanted = "an amount field and a price field" if kind == "converts" else "a count field"
        raise _Malformed((*place, kind), f"new_shares.{kind} names {wanted} of this type")
    return kind, names


def _text(table: Mapping[str, Any], key: str, place: tuple[str | int, ...]) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Malformed((*place, key), f"[[event]] needs a {key} (text)")
    return value


def _fields(table: Any, place: tuple[str | int, ...]) -> dict[str, FieldSpec]:
    if not isinstance(table, dict) or not table:
        raise _Malformed(place, "[[event]] needs fields: fields.NAME = { kind = ..., title = ... }")
    fields = {}
    for name, spec in table.items():
        if not _NAME.match(name) or not isinstance(spec, dict) or set(spec) - {"kind", "title", "role"}:
            raise _Malformed((*place, name), f"field {name!r}: write fields.{name} = {{ kind = ..., title = ... }}")
        role = spec.get("role", "")
        if role and role not in FIELD_ROLES:
            raise _Malformed((*place, name), f"field {name!r}: unknown role {role!r} (roles: {', '.join(FIELD_ROLES)})")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise _Malformed((*place, name), f"field {name!r}: unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
        fields[name] = FieldSpec(kind, str(spec.get("title") or name.replace("_", " ").capitalize()), str(role))
    return fields


def _check(spec: Any, fields: Mapping[str, FieldSpec], place: tuple[str | int, ...]) -> Check:
    kind = spec.get("check") if isinstance(spec, dict) else None
    if kind not in _CHECKS or set(spec) - _CHECKS[kind]:
        raise _Malformed(place, f"a check is one of {', '.join(_CHECKS)}, with their keys (docs/rules.md)")
    of = spec.get("of", ())
    return Check(
        check=kind,
        field=str(spec.get("field", "")),
        of=tuple(of) if isinstance(of, list) else (str(of),),
        equals=str(spec.get("equals", "")),
        times=float(spec.get("times", 0)),
        percent=str(spec.get("percent", "")),
        note=str(spec.get("note", "")),
    )


def _builtin() -> Catalogue:
    catalogue = Catalogue()
    for declared in declarations(TomlFile.read(BUILTIN_FILE)):
        catalogue.declare(declared)
    return catalogue


CATALOGUE = _builtin()
# The catalogue a load is building, or a scan was loaded with; unset: the one in force (CATALOGUE).
_CURRENT: ContextVar[Catalogue | None] = ContextVar("catalogue", default=None)


def current_catalogue() -> Catalogue:
    """The catalogue this thread of work reads: a candidate being loaded, the one a rule set was
    loaded with, or else the one in force."""
    return _CURRENT.get() or CATALOGUE


@contextmanager
def using(catalogue: Catalogue) -> Iterator[Catalogue]:
    """Read types from `catalogue` inside the block: a rule set scans with the types it was loaded with."""
    token = _CURRENT.set(catalogue)
    try:
        yield catalogue
    finally:
        _CURRENT.reset(token)


def candidate() -> Catalogue:
    """A copy of the catalogue in force for a load to declare into: a refused load leaves the one
    in force as it was (an edit that drops a type's field must not reach filings scanned meanwhile)."""
    return Catalogue(dict(current_catalogue().types))


def adopt(catalogue: Catalogue) -> None:
    """Put a loaded catalogue in force, whole: one assignment, never a half-declared state."""
    CATALOGUE.types = catalogue.types


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
    if kind in ("term", "years"):
        return f"{value:g} year" + ("" if value == 1 else "s")
    return f"{value:,}" if isinstance(value, int) else f"{value:,g}"


def _money(value: float) -> str:
    if value >= 1000:
        return f"${value:,.0f}"
    if round(value, 2) == value:
        return f"${value:,.2f}"
    return f"${value:,.4f}".rstrip("0")  # sub-cent prices: $0.0001, $3.4899


def implied_price(type_name: str, fields: Mapping[str, FieldValue]) -> float | None:
    """Money over count where a filing states both and no price ("$50,000 for 15,002,718 shares" is
    about $0.0033 a share): what the fields' roles make of them, for a reader, never stored."""
    declared = event_type(type_name)
    prices = declared.fields_of_role("price")
    if not prices or any(fields.get(name) is not None for name in prices):
        return None
    counts = [fields.get(name) for name in declared.fields_of_role("count")]
    amounts = [fields.get(name) for name in declared.fields_of_role("amount")]
    count = next((c for c in counts if isinstance(c, int | float) and not isinstance(c, bool) and c > 0), None)
    amount = next((a for a in amounts if isinstance(a, int | float) and not isinstance(a, bool) and a > 0), None)
    return float(amount) / float(count) if count and amount else None


def format_implied_price(price: float) -> str:
    """A price a reader did not see in the filing: enough digits to mean something below a cent."""
    return f"≈ ${price:,.4f}" if price < 1 else f"≈ ${price:,.2f}"


def format_fields(type_name: str, fields: dict[str, FieldValue]) -> str:
    """An event's fields on one line, by name (for logs and the console): `shares=520,324, ...`."""
    kind_of = event_type(type_name).kind_of
    return ", ".join(f"{name}={format_value(value, kind_of(name))}" for name, value in fields.items()) or "-"


def titled_fields(type_name: str, fields: dict[str, FieldValue]) -> str:
    """An event's fields as people read them (tables): `Shares: 520,324; Price per share: $15.375`."""
    declared = event_type(type_name)
    shown = [f"{declared.title_of(n)}: {format_value(v, declared.kind_of(n))}" for n, v in fields.items()]
    return "; ".join(shown) or "-"


def markdown_table() -> str:
    """docs/rules.md's list of event types and their fields, generated from the built-in catalogue."""
    lines = ["| type | what it is | fields (kind) |", "| --- | --- | --- |"]
    for name in CATALOGUE.builtin():
        declared = CATALOGUE[name]
        fields = ", ".join(f"`{f}` ({spec.kind}): {spec.title}" for f, spec in declared.fields.items())
        lines.append(f"| `{name}` | {declared.title}. {declared.description} | {fields} |")
    return "\n".join(lines)

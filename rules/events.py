"""Partial findings of single rules -> one event per type and deal, cross-checked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rules.catalogue import CATALOGUE, EVENT_TYPES
from rules.fields import FieldValue


@dataclass(frozen=True, slots=True)
class Partial:
    """What one rule found in one sentence."""

    type: str
    rule: str
    priority: int
    supplement: bool
    fields: dict[str, FieldValue]
    series: str | None
    start: int
    end: int
    evidence: str
    document: str


@dataclass(slots=True)
class Event:
    type: str
    rule: str
    fields: dict[str, FieldValue]
    evidence: str
    start: int
    end: int
    document: str
    rules: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "rule": self.rule,
            "fields": self.fields,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
            "document": self.document,
            "rules": self.rules,
        }
        if self.checks:
            data["checks"] = self.checks
        return data


def merge(partials: list[Partial]) -> list[Event]:
    by_type: dict[str, list[Partial]] = defaultdict(list)
    for partial in partials:
        by_type[partial.type].append(partial)
    events: list[Event] = []
    for event_type in EVENT_TYPES:
        found = by_type.get(event_type, [])
        if any(not p.supplement for p in found):
            events.extend(_merge_type(event_type, found))
    cross_check(events)
    return events


def _key(partial: Partial) -> str | None:
    key_field = CATALOGUE[partial.type].key_field
    value = partial.fields.get(key_field) if key_field else None
    return partial.series or (str(value) if value is not None else None)


def _merge_type(event_type: str, partials: list[Partial]) -> list[Event]:
    groups: dict[str | None, list[Partial]] = defaultdict(list)
    keyed = [(p.start, p.end, key) for p in partials if (key := _key(p)) is not None]
    for partial in partials:
        groups[_key(partial) or _key_of_sentence(partial, keyed)].append(partial)
    keyless = groups.pop(None, [])
    own = {key: members for key, members in groups.items() if any(not p.supplement for p in members)}
    if not own:
        # One deal without named series: what supplements say of a series they name is about it.
        single = keyless + [p for members in groups.values() for p in members]
        return [_event(single, [])] if any(not p.supplement for p in single) else []
    # A sentence that names no series ("Each Warrant is exercisable at $3.24") speaks of all of
    # them; one that names a series no primary finding has (an old series recalled) is left out.
    return [_event(members, keyless) for members in own.values()]


def _key_of_sentence(partial: Partial, keyed: list[tuple[int, int, str]]) -> str | None:
    """A finding that names no series or role takes the one named in its own sentence, if just one is."""
    keys = {key for start, end, key in keyed if start < partial.end and partial.start < end}
    return keys.pop() if len(keys) == 1 else None


def _event(members: list[Partial], shared: list[Partial]) -> Event:
    fields: dict[str, FieldValue] = {}
    names = {name for p in members + shared for name in p.fields}
    order = list(CATALOGUE[(members or shared)[0].type].fields)
    for name in sorted(names, key=order.index):
        value = _vote(name, members) if any(name in p.fields for p in members) else _vote(name, shared)
        if value is not None:
            fields[name] = value
    # The sentence quoted is the one that states most of the deal: it reads best in an alert.
    lead = max(members or shared, key=lambda p: (not p.supplement, len(p.fields), p.priority, -p.start))
    rules = list(dict.fromkeys(p.rule for p in sorted(members + shared, key=lambda p: p.start)))
    return Event(lead.type, lead.rule, fields, lead.evidence, lead.start, lead.end, lead.document, rules)


def _vote(name: str, partials: list[Partial]) -> FieldValue | None:
    """The value most rules agree on, weighted by rule priority; the earliest wins a tie."""
    scores: list[tuple[FieldValue, float, int]] = []
    for partial in partials:
        if name not in partial.fields:
            continue
        value = partial.fields[name]
        for index, (known, score, first) in enumerate(scores):
            if _same(known, value):
                merged = _union(known, value)
                scores[index] = (merged, score + max(partial.priority, 0.5), first)
                break
        else:
            scores.append((value, max(partial.priority, 0.5), partial.start))
    if not scores:
        return None
    return max(scores, key=lambda item: (item[1], -item[2]))[0]


def _same(a: FieldValue, b: FieldValue) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1)
    if isinstance(a, list) and isinstance(b, list):
        return True  # name lists are pooled, not voted on
    return a == b


def _union(a: FieldValue, b: FieldValue) -> FieldValue:
    if isinstance(a, list) and isinstance(b, list):
        return list(dict.fromkeys(a + b))
    return a


def cross_check(events: list[Event]) -> None:
    """Flag numbers that contradict each other; never change them silently."""
    sale = next((e for e in events if e.type == "share_sale"), None)
    sold = _number(sale.fields.get("shares")) if sale else None
    gross = _number(sale.fields.get("gross_proceeds")) if sale else None
    for event in events:
        fields = event.fields
        if event.type in ("share_sale", "preferred_stock"):
            unit = fields.get("price_per_share") if event.type == "share_sale" else fields.get("stated_value")
            _check_product(event, _number(fields.get("shares")), _number(unit), _number(fields.get("gross_proceeds")))
        warrants = _number(fields.get("warrant_shares"))
        if event.type == "warrant" and sold and warrants and warrants > 3 * sold:
            event.checks.append(f"warrant_shares {warrants:,.0f} is more than three times the {sold:,.0f} shares sold")
        percent, cash = _number(fields.get("percent")), _number(fields.get("cash"))
        if event.type == "finder_fee" and gross and percent and cash is not None:
            implied = gross * percent / 100
            if abs(implied - cash) / implied > 0.05:
                event.checks.append(f"cash ${cash:,.0f} is not {percent:g}% of gross_proceeds ${gross:,.0f}")


def _number(value: FieldValue | None) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _check_product(event: Event, shares: float | None, unit: float | None, total: float | None) -> None:
    if shares is None or unit is None or not total:
        return
    product = shares * unit
    if abs(product - total) / total > 0.02:
        event.checks.append(
            f"shares x price = ${product:,.0f}, but gross_proceeds = ${total:,.0f} "
            "(other securities sold alongside, such as pre-funded warrants or preferred stock, may explain it)"
        )

"""Partial findings of single rules -> one event per type and deal, cross-checked."""

from __future__ import annotations

import dataclasses
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rules.catalogue import Check, current_catalogue, event_type
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
    # Terms a frame read in a sentence that sells nothing ("The Notes will mature on ..."): they
    # complete an event found elsewhere but are no evidence that the instrument is this filing's.
    recalled: bool = False
    # A sale of the instrument by its own name with no figure (frames with `bare_sale`): in a
    # current report it states the event, with whatever terms other sentences give.
    bare: bool = False
    # Fields said "approximately": a rounded figure weighs less than an exact one for the same field.
    approximate: frozenset[str] = frozenset()


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


# Terms of one instrument stated on their own (an 8-K's "Maturity: ... Conversion: ..." list) make
# its event when at least this many of its fields are told, though no sentence states the sale.
TERMS_MAKE_AN_EVENT = 3


def merge(partials: list[Partial], terms_alone: bool = False) -> list[Event]:
    """Partials into events, a type at a time. A type's supplements alone (terms such as a
    conversion price) make no event, unless `terms_alone` (a current report, where terms are news)
    and they tell TERMS_MAKE_AN_EVENT of its fields."""
    by_type: dict[str, list[Partial]] = defaultdict(list)
    for partial in partials:
        by_type[partial.type].append(partial)
    events: list[Event] = []
    for name in current_catalogue().names():  # in the catalogue's order: built-in types first
        found = by_type.get(name, [])
        if any(not p.supplement for p in found):
            events.extend(_merge_type(name, found))
        elif terms_alone and (_terms_told(found) >= TERMS_MAKE_AN_EVENT or any(p.bare for p in found)):
            events.extend(_merge_type(name, [dataclasses.replace(p, supplement=False) for p in found]))
    events = _without_collective_totals(events)
    cross_check(events)
    return events


def _without_collective_totals(events: list[Event]) -> list[Event]:
    """Drops an event whose listing count is only the sum of other series of its type: "the
    Unregistered Warrants to purchase up to 10,500,891 shares" totals the Common Warrants (8,316,882)
    and the Pre-Funded Warrants (2,184,009) reported beside it, and is no third series."""
    kept = []
    for event in events:
        field_name = current_catalogue()[event.type].listed_by
        total = _number(event.fields.get(field_name)) if field_name else None
        others = [
            count
            for other in events
            if other is not event and other.type == event.type and field_name
            if (count := _number(other.fields.get(field_name))) is not None
        ]
        if total is None or set(event.fields) - {field_name} or not _a_sum_of_several(total, others):
            kept.append(event)
    return kept


def _a_sum_of_several(total: float, counts: list[float]) -> bool:
    return any(
        abs(sum(chosen) - total) < 0.5
        for size in range(2, min(len(counts), 6) + 1)
        for chosen in itertools.combinations(counts, size)
    )


_FIGURES = frozenset({"money", "percent", "count"})


def _terms_told(partials: list[Partial]) -> int:
    """How many of a type's fields the findings tell, if two or more are figures (a price, a rate):
    a deal's circumstances alone (its investors, its date) are no terms."""
    told = {name for p in partials if not p.recalled for name in p.fields}
    if not told:
        return 0
    declared = event_type(partials[0].type)
    return len(told) if sum(declared.kind_of(name) in _FIGURES for name in told) >= 2 else 0


def _key(partial: Partial) -> str | None:
    key_field = current_catalogue()[partial.type].key_field
    value = partial.fields.get(key_field) if key_field else None
    return partial.series or (str(value) if value is not None else None)


def _merge_type(event_type: str, partials: list[Partial]) -> list[Event]:
    groups: dict[str | None, list[Partial]] = defaultdict(list)
    keyed = [(p, key) for p in partials if (key := _key(p)) is not None]
    for partial in partials:
        groups[_key(partial) or _key_of_sentence(partial, keyed)].append(partial)
    keyless = groups.pop(None, [])
    own = {key: members for key, members in groups.items() if any(not p.supplement for p in members)}
    if not own:
        # One deal without named series: what supplements say of a series they name is about it.
        single = keyless + [p for members in groups.values() for p in members]
        if not any(not p.supplement for p in single):
            return []
        listed_by = current_catalogue()[event_type].listed_by
        series = _unnamed_series(listed_by, single)
        if series:
            shared = [p for p in single if listed_by not in p.fields]
            return [_event(members, shared) for members in series]
        return [_event(single, [])]
    apart = [p for p in keyless if not p.supplement and _contradicts_every(p, own.values())]
    if apart:
        # "Pre-funded Warrants to purchase 1,609,114 shares" beside "Warrants to purchase 1,939,114
        # shares": the unnamed findings whose numbers no named series shares are a series of their
        # own, and what other sentences say without naming a series is said of it.
        unnamed = apart + [p for p in keyless if p.supplement]
        return [_event(members, []) for members in own.values()] + [_event(unnamed, [])]
    # A sentence that names no series ("Each Warrant is exercisable at $3.24") speaks of all of
    # them; one that names a series no primary finding has (an old series recalled) is left out.
    return [_event(members, keyless) for members in own.values()]


def _unnamed_series(field: str | None, partials: list[Partial]) -> list[list[Partial]]:
    """The series one sentence lists by their counts of `field` (the type's `listed_by`), each with
    the findings that state its count; none when no sentence lists two (a deal restated with other
    figures elsewhere is one deal)."""
    if field is None:
        return []
    primary = [p for p in partials if not p.supplement and isinstance(p.fields.get(field), int | float)]
    counts: list[float] = []
    for partial in primary:
        for other in primary:
            same_sentence = other.rule == partial.rule and other.start < partial.end and partial.start < other.end
            value = float(partial.fields[field])  # type: ignore[arg-type]  # a number: filtered above
            if same_sentence and not _same(other.fields[field], value) and not any(_same(value, c) for c in counts):
                counts.append(value)
    # Two counts where one is the others' total ("warrants to purchase up to 818,181 shares as
    # follows: 545,454 shares ... and 272,727 shares") are one grant told twice.
    if len(counts) < 2 or any(_same(sum(counts) - total, total) for total in counts):
        return []
    return [[p for p in partials if field in p.fields and _same(p.fields[field], count)] for count in counts]


def _contradicts_every(partial: Partial, groups: Iterable[list[Partial]]) -> bool:
    """Each group states a number for a field this finding states too, and none states the same."""
    for members in groups:
        shared = [
            (value, member.fields[name])
            for name, value in partial.fields.items()
            if isinstance(value, int | float)
            for member in members
            if isinstance(member.fields.get(name), int | float)
        ]
        if not shared or any(_same(value, other) for value, other in shared):
            return False
    return True


def _key_of_sentence(partial: Partial, keyed: list[tuple[Partial, str]]) -> str | None:
    """A finding that names no series or role takes the one named in its own sentence, if just one
    is, unless it states other numbers than that series does there (a second, unnamed series)."""
    beside = [(other, key) for other, key in keyed if other.start < partial.end and partial.start < other.end]
    keys = {key for _, key in beside}
    if len(keys) != 1 or any(_contradicts_every(partial, [[other]]) for other, _ in beside):
        return None
    return keys.pop()


def _event(members: list[Partial], shared: list[Partial]) -> Event:
    fields: dict[str, FieldValue] = {}
    names = {name for p in members + shared for name in p.fields}
    order = list(current_catalogue()[(members or shared)[0].type].fields)
    # A field the type no longer declares (rules changed under a scan) goes last rather than failing.
    for name in sorted(names, key=lambda n: order.index(n) if n in order else len(order)):
        value = _vote(name, members) if any(name in p.fields for p in members) else _vote(name, shared)
        if value is not None:
            fields[name] = value
    left_out = _agree_with_checks(fields, (members or shared)[0].type, members + shared)
    # The sentence quoted is the one that states most of the deal: it reads best in an alert.
    lead = max(members or shared, key=lambda p: (not p.supplement, len(p.fields), p.priority, -p.start))
    rules = list(dict.fromkeys(p.rule for p in sorted(members + shared, key=lambda p: p.start)))
    return Event(lead.type, lead.rule, fields, lead.evidence, lead.start, lead.end, lead.document, rules, left_out)


def _agree_with_checks(fields: dict[str, FieldValue], type_name: str, partials: list[Partial]) -> list[str]:
    """Where the vote broke a product check (shares x price = proceeds) and other values the rules
    found satisfy it, take those: 25,000,000 units at $10.00 for $250,000,000, not the 200,000,000
    shares a charter authorises; the value left out is named in the event's checks. When none do,
    the vote stands and the check flags it (cross_check)."""
    left_out: list[str] = []
    for check in event_type(type_name).checks:
        if check.check != "product" or _failed_product(check, fields) is None:
            continue
        names = [*check.of, check.equals]
        candidates = [_candidates(name, partials) for name in names]
        for combination in itertools.product(*candidates):
            trial = {**fields, **dict(zip(names, combination, strict=True))}
            if _failed_product(check, trial) is None:
                left_out.extend(
                    f"{name} {_shown(fields[name])} left out: it disagrees with {' x '.join(check.of)} = {check.equals}"
                    for name in names
                    if name in fields and not _same(fields[name], trial[name])
                )
                fields.update(trial)
                break
    return left_out


def _shown(value: FieldValue) -> str:
    return f"{value:,.0f}" if isinstance(value, int | float) and value >= 1000 else str(value)


def _candidates(name: str, partials: list[Partial]) -> list[FieldValue]:
    """Every number the rules found for a field, the most-voted first; a few at most."""
    values: list[FieldValue] = []
    for partial in sorted(partials, key=lambda p: -p.priority):
        value = partial.fields.get(name)
        if isinstance(value, int | float) and not any(_same(value, known) for known in values):
            values.append(value)
    return values[:6]


def _vote(name: str, partials: list[Partial]) -> FieldValue | None:
    """The value most rules agree on, weighted by rule priority; the earliest wins a tie. A value
    some sentence states exactly beats one only ever said "approximately" ("approximately
    10,000,000 shares" agreed, "10,250,958 shares" sold)."""
    scores: list[tuple[FieldValue, float, int, bool]] = []
    for partial in partials:
        if name not in partial.fields:
            continue
        value = partial.fields[name]
        exact = name not in partial.approximate
        for index, (known, score, first, stated) in enumerate(scores):
            if _same(known, value):
                merged = _union(known, value)
                scores[index] = (merged, score + max(partial.priority, 0.5), first, stated or exact)
                break
        else:
            scores.append((value, max(partial.priority, 0.5), partial.start, exact))
    if not scores:
        return None
    return max(scores, key=lambda item: (item[3], item[1], -item[2]))[0]


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
    """Flag numbers that contradict each other, as each type's declared checks say; never change them."""
    first_of: dict[str, Event] = {}
    for event in events:
        first_of.setdefault(event.type, event)
    for event in events:
        for check in event_type(event.type).checks:
            problem = _failed_check(check, event, first_of)
            if problem:
                event.checks.append(problem)


def _failed_check(check: Check, event: Event, first_of: dict[str, Event]) -> str | None:
    fields = event.fields
    if check.check == "product":
        return _failed_product(check, fields)
    other = _other_number(check.of[0] if check.of else "", first_of)
    value = _number(fields.get(check.field))
    if check.check == "at_most":
        if other and value and value > check.times * other:
            return f"{check.field} {value:,.0f} is more than {check.times:g} times the {other:,.0f} {check.of[0]}"
        return None
    percent = _number(fields.get(check.percent))
    if other and percent and value is not None:  # percent_of
        implied = other * percent / 100
        if abs(implied - value) / implied > 0.05:
            return f"{check.field} ${value:,.0f} is not {percent:g}% of {check.of[0]} ${other:,.0f}"
    return None


def _failed_product(check: Check, fields: dict[str, FieldValue]) -> str | None:
    factors = [_number(fields.get(name)) for name in check.of]
    total = _number(fields.get(check.equals))
    if not total or any(factor is None for factor in factors):
        return None
    product = 1.0
    for factor in factors:
        product *= factor or 0.0
    if abs(product - total) / total <= 0.02:
        return None
    note = f" ({check.note})" if check.note else ""
    return f"{' x '.join(check.of)} = ${product:,.0f}, but {check.equals} = ${total:,.0f}{note}"


def _other_number(reference: str, first_of: dict[str, Event]) -> float | None:
    """`type.field` of the filing's first event of that type."""
    type_name, _, name = reference.partition(".")
    other = first_of.get(type_name)
    return _number(other.fields.get(name)) if other else None


def _number(value: FieldValue | None) -> float | None:
    return float(value) if isinstance(value, int | float) else None

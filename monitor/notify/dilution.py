"""Dilution: a filing's new shares against the shares outstanding, as a trader reads an alert.

Shares sold count apart from the shares warrants and conversions may add later, each as a
percentage of the shares outstanding the company last reported (company facts, with their date).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monitor.edgar.facts import SharesOutstanding
from monitor.notify.base import AlertEvent
from rules.catalogue import event_type
from rules.fields import FieldValue


@dataclass(frozen=True, slots=True)
class NewShares:
    sold: int = 0  # shares (or units) sold now
    warrants: int = 0  # shares the warrants sold or paid in the filing may buy
    conversion: int = 0  # shares notes and preferred stock convert into, at their stated prices

    @property
    def any(self) -> bool:
        return bool(self.sold or self.warrants or self.conversion)


def new_shares(events: Iterable[AlertEvent]) -> NewShares:
    """What the events add, by each type's `new_shares` in the catalogue (rules/catalogue.toml)."""
    added = {"sold": 0, "may_buy": 0, "converts": 0}
    for event in events:
        declared = event_type(event.type).new_shares
        if declared is None:
            continue
        kind, names = declared
        values = [event.fields.get(name) for name in names]
        added[kind] += _ratio(values[0], values[1]) if kind == "converts" else _count(values[0])
    return NewShares(added["sold"], added["may_buy"], added["converts"])


def dilution_line(events: Iterable[AlertEvent], outstanding: SharesOutstanding | None) -> str | None:
    """ "520,324 shares sold = 4.1% of 12,650,000 outstanding (2000-03-31); warrants 104,000 = 0.8%",
    or what is missing; None where the filing states no share count to weigh."""
    new = new_shares(events)
    if not new.any:
        return None
    parts = [(new.sold, "shares sold"), (new.warrants, "warrant shares"), (new.conversion, "conversion shares")]
    shown = [(count, label) for count, label in parts if count]
    if outstanding is None or outstanding.shares <= 0:
        told = "; ".join(f"{count:,} {label}" for count, label in shown)
        return f"{told}; shares outstanding unknown"
    told = "; ".join(f"{count:,} {label} = {_percent(count, outstanding.shares)}" for count, label in shown)
    return f"{told} of {outstanding.shares:,} outstanding ({outstanding.as_of.isoformat()})"


def _percent(count: int, outstanding: int) -> str:
    share = 100.0 * count / outstanding
    return f"{share:.2f}%" if share < 1 else f"{share:.1f}%"


def _number(value: FieldValue | None) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _count(value: FieldValue | None) -> int:
    return int(_number(value))


def _ratio(amount: FieldValue | None, price: FieldValue | None) -> int:
    money, divisor = _number(amount), _number(price)
    return int(money / divisor) if money > 0 and divisor > 0 else 0

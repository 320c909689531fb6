"""Which destinations a financing filing is alerted to, from the [[routes]] in the config.

Every route whose criteria all hold fires (an empty list is no criterion); the default Slack channel
gets each alert that no channel route took. Event criteria (type, rule, tag) must hold for one and
the same event; the size filter compares the filing's largest amount (proceeds, principal, program
size, or shares x price) with `min_amount`, and a filing that states no amount does not pass it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Protocol, TypeGuard

from rules.catalogue import event_type
from rules.fields import FieldValue
from storage.states import Destination


class RoutedEvent(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def fields(self) -> Mapping[str, FieldValue]: ...


@dataclass(frozen=True, slots=True)
class Route:
    destination: str  # slack:#channel or webhook:name
    types: frozenset[str] = frozenset()
    forms: tuple[str, ...] = ()
    rules: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    ciks: frozenset[str] = frozenset()
    tickers: frozenset[str] = frozenset()
    min_amount: float = 0.0

    def matches(
        self,
        form: str | None,
        cik: str | None,
        events: Sequence[RoutedEvent],
        tags_of: Mapping[str, Sequence[str]],
        tickers: Mapping[str, str],
    ) -> bool:
        if self.forms and not any(fnmatchcase((form or "").upper(), f.upper()) for f in self.forms):
            return False
        if (self.ciks or self.tickers) and not self._watched(cik, tickers):
            return False
        if self.min_amount and (filing_amount(events) or 0.0) < self.min_amount:
            return False
        return any(self._event_matches(e, tags_of.get(e.rule, ())) for e in events)

    def _watched(self, cik: str | None, tickers: Mapping[str, str]) -> bool:
        number = (cik or "").lstrip("0")
        return number in self.ciks or any(tickers.get(t) == number for t in self.tickers)

    def _event_matches(self, event: RoutedEvent, tags: Sequence[str]) -> bool:
        return (
            (not self.types or event.type in self.types)
            and (not self.rules or event.rule in self.rules)
            and (not self.tags or not self.tags.isdisjoint(tags))
        )


class Router:
    def __init__(self, routes: Sequence[Route], default: Route | None, always: Sequence[str] = ()) -> None:
        self.routes = list(routes)
        self.default = default
        self.always = list(always)  # e.g. the console: every alert
        self._tickers: dict[str, str] = {}  # ticker -> CIK, from the SEC's company_tickers.json
        self._ticker_of: dict[str, str] = {}  # CIK -> its first ticker (the SEC lists the main one first)

    @property
    def tickers(self) -> dict[str, str]:
        return self._tickers

    @tickers.setter
    def tickers(self, tickers: dict[str, str]) -> None:
        self._tickers = tickers
        reverse: dict[str, str] = {}
        for ticker, cik in tickers.items():
            reverse.setdefault(cik.lstrip("0"), ticker)
        self._ticker_of = reverse

    def ticker_of(self, cik: str | None) -> str | None:
        """The ticker an alert shows beside the company's name, when the SEC's list has one."""
        return self._ticker_of.get(cik.lstrip("0")) if cik else None

    @property
    def wants_tickers(self) -> bool:
        return any(r.tickers for r in self.routes)

    def destinations(
        self, form: str | None, cik: str | None, events: Sequence[RoutedEvent], tags_of: Mapping[str, Sequence[str]]
    ) -> list[str]:
        """Where this filing's alert goes, each destination once, in config order."""
        if not events:
            return []
        chosen = list(self.always)
        for route in self.routes:
            if route.matches(form, cik, events, tags_of, self.tickers):
                chosen.append(route.destination)
        # The default channel takes what no route of its kind (another channel) took.
        default_kind = Destination(self.default.destination).kind if self.default else None
        took_channel = any(Destination(d).kind == default_kind for d in chosen)
        if self.default and not took_channel and self.default.matches(form, cik, events, tags_of, self.tickers):
            chosen.append(self.default.destination)
        return list(dict.fromkeys(chosen))


def filing_amount(events: Sequence[RoutedEvent]) -> float | None:
    """The largest sum of money the filing's financing states, for size filters: each event's fields
    whose role is `amount` in the catalogue (a pack's own types too), or its count x price."""
    amounts: list[float] = []
    for event in events:
        declared, fields = event_type(event.type), event.fields
        amounts.extend(float(v) for k in declared.fields_of_role("amount") if _number(v := fields.get(k)))
        counts = [fields.get(k) for k in declared.fields_of_role("count")]
        prices = [fields.get(k) for k in declared.fields_of_role("price")]
        amounts.extend(float(c) * float(p) for c in counts for p in prices if _number(c) and _number(p))
    return max(amounts, default=None)


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)

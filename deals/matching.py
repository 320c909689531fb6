"""Which deal a filing joins, decided from the terms alone, the same way every time, with its reason.

A filing with events joins the issuer's newest open deal that (1) shares an instrument with it, (2)
agrees on at least one figure or name and (3) differs in no fixed term (the catalogue's `deal.fixed`:
a different price is a different deal), within `EVENT_WINDOW_DAYS` of the deal's last filing. A
registration or prospectus without events joins a deal when it names selling holders and writes two
of the deal's share counts (or their sum), or one that no round lot could explain, within
`RECALL_WINDOW_DAYS`. Anything else opens a deal of its own: a wrong merge is worse than a missed one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from deals.facts import Decision, FilingFacts, OpenDeal, Term
from rules.catalogue import current_catalogue, format_value
from rules.fields import FieldValue

EVENT_WINDOW_DAYS = 90  # a Form D within 15 days, a closing weeks after the signing
RECALL_WINDOW_DAYS = 365  # a resale registration can come months after the sale
TOLERANCE = 0.005  # figures within half a percent agree (rounding in a later filing)
AGREEING_KINDS = ("count", "money", "name", "names", "date")
NEWS_KINDS = ("count", "money", "name", "names", "percent")  # what a reply says a filing adds
RECALL_FORMS = ("S-1", "S-3", "F-1", "F-3", "424B3", "424B7", "POS AM")


def decide(filing: FilingFacts, deals: Sequence[OpenDeal]) -> Decision:
    """The deal `filing` joins among the issuer's `deals` (newest first), or a new one."""
    recent = [d for d in deals if _within(filing.filed, d.last_filed, EVENT_WINDOW_DAYS)]
    if filing.terms:
        refusals: list[str] = []
        for deal in recent:
            joined, why = _agreement(filing.terms, deal)
            if joined:
                return Decision(deal.id, part_of(filing, deal), why)
            refusals.append(f"deal #{deal.id}: {why}")
        reason = "the issuer's first filing of this financing"
        if refusals:
            reason = "no open deal of the issuer agrees (" + "; ".join(refusals) + ")"
        return Decision(None, part_of(filing, None), reason)
    return _by_recall(filing, deals)


def _agreement(terms: Sequence[Term], deal: OpenDeal) -> tuple[bool, str]:
    catalogue = current_catalogue()
    mine = instruments(t.type for t in terms)
    theirs = instruments(deal.terms)
    if not mine & theirs:
        return False, f"a different instrument ({_names(theirs)}, not {_names(mine)})"
    agreed: list[str] = []
    for term in terms:
        known = deal.terms.get(term.type)
        if known is None or term.type not in catalogue:
            continue
        declared = catalogue[term.type]
        for name, value in term.fields.items():
            if name not in known:
                continue
            kind = declared.kind_of(name)
            if not _same(value, known[name], kind):
                if name in declared.deal_fixed:
                    shown = f"{format_value(value, kind)} against {format_value(known[name], kind)}"
                    return False, f"{declared.title_of(name).lower()} differs: {shown}"
                continue
            if kind in AGREEING_KINDS:
                agreed.append(f"{declared.title.lower()} {declared.title_of(name).lower()} {format_value(value, kind)}")
    if not agreed:
        return False, "no figure or name in common"
    return True, "same issuer and instrument; agrees on " + ", ".join(agreed) + "; no fixed term differs"


def _by_recall(filing: FilingFacts, deals: Sequence[OpenDeal]) -> Decision:
    part = part_of(filing, None)
    if not filing.form.upper().startswith(RECALL_FORMS):
        return Decision(None, part, "no events, and not a registration or prospectus", opens=False)
    if not filing.recall.resale:
        return Decision(None, part, "no events, and it names no selling holders", opens=False)
    for deal in deals:
        if not _within(filing.filed, deal.last_filed, RECALL_WINDOW_DAYS):
            continue
        recalled = dict((count, why) for count, why in share_counts(deal) if count in filing.recall.figures)
        if len(recalled) >= 2 or any(_telling(count) for count in recalled):
            shown = ", ".join(f"{count:,} ({why})" for count, why in sorted(recalled.items(), reverse=True))
            reason = f"names selling holders and writes the deal's share counts: {shown}"
            return Decision(deal.id, part_of(filing, deal), reason)
    return Decision(None, part, "no events, and it writes none of an open deal's share counts", opens=False)


def _said(type_name: str, fields: Mapping[str, FieldValue]) -> str:
    """Fields as a reply says them: "gross proceeds $12,500,000, cash fee $812,500"."""
    declared = current_catalogue()[type_name]
    return ", ".join(
        f"{declared.title_of(n).lower()} {format_value(v, declared.kind_of(n))}" for n, v in fields.items()
    )


def _telling(count: int) -> bool:
    """A share count no round lot explains (624,324, not 1,000,000): alone, it names the deal."""
    return count >= 10_000 and count % 1000 != 0


def share_counts(deal: OpenDeal) -> list[tuple[int, str]]:
    """The share counts a resale registration of the deal may name: each count the deal states,
    and all of them together (shares sold plus the shares its warrants buy)."""
    catalogue = current_catalogue()
    counts: list[tuple[int, str]] = []
    for type_name, fields in deal.terms.items():
        if type_name not in catalogue:
            continue
        declared = catalogue[type_name]
        for name, value in fields.items():
            if declared.kind_of(name) == "count" and isinstance(value, int | float) and value >= 1:
                counts.append((int(value), f"{declared.title.lower()} {declared.title_of(name).lower()}"))
    if len(counts) > 1:
        counts.append((sum(c for c, _ in counts), "all of them together"))
    return list(dict((count, why) for count, why in reversed(counts)).items())[::-1]  # each count once


def part_of(filing: FilingFacts, deal: OpenDeal | None) -> str:
    """The filing's part in its deal, from its form and what it says."""
    base = filing.form.upper().removesuffix("/A")
    if base == "D":
        return "Form D"
    if base in ("424B3", "424B7"):
        return "prospectus" if filing.terms else "effectiveness"
    if base.startswith(("S-1", "S-3", "F-1", "F-3", "POS AM")):
        return "registration" if filing.terms else "resale registration"
    if base.startswith("424B"):
        return "pricing"
    if base.startswith(("10-Q", "10-K", "20-F")):
        return "sales update" if deal is not None else "periodic report"
    if deal is not None:
        return "closing" if any(_says_closed(t.evidence) for t in filing.terms) else "update"
    return "signing" if "1.01" in filing.items else "announcement"


def what_it_adds(decision: Decision, filing: FilingFacts, deal: OpenDeal | None) -> str:
    """A later filing's reply in its deal's thread: its part, and only the terms it adds or changes."""
    if deal is None:
        return ""
    if not filing.terms:
        recalled = [count for count, _ in share_counts(deal) if count in filing.recall.figures]
        return f"{decision.part}: {max(recalled):,} shares registered for resale" if recalled else decision.part
    catalogue = current_catalogue()
    news: list[str] = []
    for term in filing.terms:
        if term.type not in catalogue:
            continue
        declared = catalogue[term.type]
        known = deal.terms.get(term.type, {})
        telling = {n: v for n, v in term.fields.items() if declared.kind_of(n) in NEWS_KINDS}
        changed = {n: v for n, v in telling.items() if n not in known or not _same(v, known[n], declared.kind_of(n))}
        if changed:
            news.append(f"{declared.title.lower()} {_said(term.type, changed)}")
        elif telling:
            news.append(f"{declared.title.lower()} {_said(term.type, telling)} confirmed")
    return f"{decision.part}: " + ("; ".join(news) if news else "terms as before")


def merged_terms(
    before: Mapping[str, Mapping[str, FieldValue]], terms: Iterable[Term]
) -> dict[str, dict[str, FieldValue]]:
    """The deal's terms after a filing: its values over the earlier ones, type by type."""
    merged = {name: dict(fields) for name, fields in before.items()}
    for term in terms:
        merged.setdefault(term.type, {}).update(term.fields)
    return merged


def deal_size(terms: Mapping[str, Mapping[str, FieldValue]]) -> float | None:
    """The money a deal raises or makes available: its instruments' amounts (the catalogue's
    `amount` role), for a reply that changes it enough to be shown in the channel."""
    catalogue = current_catalogue()
    amounts = [
        float(value)
        for name in instruments(terms)
        if name in catalogue
        for field in catalogue[name].fields_of_role("amount")[:1]
        if isinstance(value := terms[name].get(field), int | float)
    ]
    return sum(amounts) if amounts else None


def instruments(types: Iterable[str]) -> set[str]:
    """The financing a set of event types is: its instruments, or, where it has only parts
    (warrants, a fee, on their own), those."""
    catalogue = current_catalogue()
    named = set(types)
    instruments = {t for t in named if t not in catalogue or not catalogue[t].deal_part}
    return instruments or named


def _same(a: FieldValue, b: FieldValue, kind: str) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))
    if kind in ("name", "names"):
        return bool(_name_words(a) & _name_words(b))
    return str(a).strip().lower() == str(b).strip().lower()


_NAME_NOISE = {"inc", "llc", "ltd", "lp", "l.p.", "corp", "corporation", "co", "company", "and", "the", "&", "group"}


def _name_words(value: FieldValue) -> set[str]:
    """The telling words of a name or names: "H.C. Wainwright & Co., LLC" and "Wainwright" share one."""
    names = value if isinstance(value, list) else [str(value)]
    words = {w.strip(".,()").lower() for name in names for w in name.split()}
    return {w for w in words if len(w) > 2 and w not in _NAME_NOISE}


def _says_closed(evidence: str) -> bool:
    lowered = evidence.lower()
    return "closed" in lowered or "closing of" in lowered or "completed the sale" in lowered


def _within(filed: date | None, last: date | None, days: int) -> bool:
    """Filed at most `days` after the deal's last filing (or before it: filings arrive out of order)."""
    return filed is None or last is None or (filed - last).days <= days


def _names(types: Iterable[str]) -> str:
    catalogue = current_catalogue()
    return ", ".join(sorted(catalogue[t].title.lower() if t in catalogue else t for t in types))

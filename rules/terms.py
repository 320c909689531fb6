"""Defined terms: agreements and prospectuses name a party once, `Cantor Fitzgerald & Co. (the
"Agent")`, and then say "the Agent". A name placeholder that captures such a term reports the party.
Prospectuses define without quotes: `Cantor Fitzgerald & Co., or Cantor,`; `A, B and C,
collectively, the Sales Agents`.

Read lazily, once per document, and only when a rule's match needs a name resolved: a cheap scan for
the parenthesised definitions, then a look back from each at the capitalised name before it."""

from __future__ import annotations

import re

# `(the "Agent")`; `(each a "Sales Agent" and collectively the "Sales Agents")` defines two terms.
_DEFINED = re.compile(
    r"\(\s*(?:each,?\s+|collectively,?\s+|together,?\s+)?(?:the\s+|this\s+|an?\s+)?[\"\u201c]"
    r"(?P<term>[A-Z][A-Za-z0-9'\- ]{1,40}?)[\"\u201d]"
    r"(?:,?\s+and\s+(?:collectively,?\s+|together,?\s+)?(?:the\s+)?[\"\u201c](?P<also>[A-Z][A-Za-z0-9'\- ]{1,40}?)[\"\u201d])?"
    r"\s*\)"
)
_DEFINED_PLAINLY = re.compile(
    r",\s+(?:or|collectively,?|together,?)\s+(?:the\s+|our\s+)?"
    r"(?P<term>[A-Z][A-Za-z0-9'\-]*(?:\s+[A-Z][A-Za-z0-9'\-]*){0,3})(?=\s*[,.;)])"
)
# The name just before the parenthesis, maybe followed by what it is: `LINCOLN PARK CAPITAL FUND, LLC,
# an Illinois limited liability company (the "Investor")`.
_NAME_BEFORE = re.compile(
    r"(?P<name>[A-Z][\w.&'\-]*(?:(?:,\s*|\s+)(?:[A-Z][\w.&'\-]*|&|of|and|de))*?)"
    r"(?:,?\s+(?:an?|the)\s+[^()\"\u201c\u201d]{0,60}?\b(?:company|corporation|partnership|association|trust|bank|"
    r"fund|entity|organization|society|exempted\s+company)\b)?,?\s*$"
)
_LOOK_BACK = 200
_LEADING_WORD = re.compile(r"^(?:With|Through|To|From|By|And|Between|Among)\s+")
_SENTENCE_END = re.compile(r"(?<=[a-z]{2}[.;])\s+(?=[A-Z])")
# `Leerink Partners LLC (now known as SVB Leerink LLC), or SVB Leerink`
_ASIDE = re.compile(
    r"\s*\((?:(?:now|currently)\s+(?:known\s+as\s+)?(?P<renamed>[A-Z][^()]{2,60})|[^()]{0,80})\)\s*,?\s*$"
)
_NOT_PARTIES = frozenset({"company", "agreement", "shares", "securities", "common stock", "notes", "warrants"})


class DefinedTerms:
    def __init__(self, text: str) -> None:
        self._text = text
        self._terms: dict[str, str] | None = None

    def resolve(self, captured: str) -> str | None:
        """The party a defined term stands for ("Agent" -> "Cantor Fitzgerald & Co."), or None."""
        term = re.sub(r"^(?:the|this)\s+", "", captured.strip(), flags=re.I).lower()
        if term in _NOT_PARTIES:
            return None
        return self._read().get(term)

    def _read(self) -> dict[str, str]:
        if self._terms is None:
            self._terms = {}
            definitions = [*_DEFINED.finditer(self._text), *_DEFINED_PLAINLY.finditer(self._text)]
            for found in sorted(definitions, key=lambda found: found.start()):
                before = self._text[max(0, found.start() - _LOOK_BACK) : found.start()]
                party = _party_before(_SENTENCE_END.split(before.split("\n")[-1])[-1])
                for term in _terms_of(found):
                    if party and term not in self._terms:
                        self._terms[term] = party
        return self._terms


def _terms_of(found: re.Match[str]) -> list[str]:
    also = found.groupdict().get("also")
    return [term.strip().lower() for term in (found.group("term"), also) if term]


def _party_before(before: str) -> str | None:
    """The name that ends `before`; a party's present name where a parenthesis gives it."""
    aside = _ASIDE.search(before)
    if aside:
        if aside.group("renamed"):
            return aside.group("renamed")
        before = before[: aside.start()]
    name = _NAME_BEFORE.search(before)
    if name is None:
        return None
    acting = _ACTING_THROUGH.search(before, 0, name.start())
    if acting is not None:
        # `Dawson James Securities, through ViewTrade Financial (the "Placement Agent")`: the firm
        # that acts, not the one it acts through.
        return _party_before(before[: acting.start()])
    party = _LEADING_WORD.sub("", name.group("name")).strip(" ,")
    return party if len(party) >= 3 else None


_ACTING_THROUGH = re.compile(r",\s+(?:acting\s+)?through\s+$")

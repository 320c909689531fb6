"""Defined terms: agreements and prospectuses name a party once, `Cantor Fitzgerald & Co. (the
"Agent")`, and then say "the Agent". A name placeholder that captures such a term reports the party.

Read lazily, once per document, and only when a rule's match needs a name resolved: a cheap scan for
the parenthesised definitions, then a look back from each at the capitalised name before it."""

from __future__ import annotations

import re

_DEFINED = re.compile(
    r"\(\s*(?:each,?\s+|collectively,?\s+|together,?\s+)?(?:the\s+|this\s+|an?\s+)?[\"\u201c]"
    r"(?P<term>[A-Z][A-Za-z0-9'\- ]{1,40}?)[\"\u201d]\s*\)"
)
# The name just before the parenthesis, maybe followed by what it is: `LINCOLN PARK CAPITAL FUND, LLC,
# an Illinois limited liability company (the "Investor")`.
_NAME_BEFORE = re.compile(
    r"(?P<name>[A-Z][\w.&'\-]*(?:(?:,\s*|\s+)(?:[A-Z][\w.&'\-]*|&|of|and|de))*?)"
    r"(?:,?\s+(?:an?|the)\s+[^()\"\u201c\u201d]{1,80}?)?,?\s*$"
)
_LOOK_BACK = 200
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
            for found in _DEFINED.finditer(self._text):
                term = found.group("term").strip().lower()
                before = self._text[max(0, found.start() - _LOOK_BACK) : found.start()]
                name = _NAME_BEFORE.search(before.split("\n")[-1])
                if name and term not in self._terms and len(name.group("name")) >= 3:
                    self._terms[term] = name.group("name").strip(" ,")
        return self._terms

"""The sections of a document, from its headings: which part of a prospectus or report a sentence is in.

A prospectus tells the offering in its cover, summary ("The Offering") and underwriting or plan of
distribution; it recalls the past and describes what exists in risk factors, the description of
capital stock, the selling stockholders and the financial statements. Headings are lines of capitals
("DESCRIPTION OF CAPITAL STOCK") or, in some HTML documents, known titles in title case. A section
runs to the next heading. Rules scope by section role with `sections` and `not_sections`.
"""

from __future__ import annotations

import bisect
import re

DESCRIPTION_OF_SECURITIES = "description_of_securities"
SECTIONS: dict[str, str] = {
    # role: the heading words that open it (an upper-case line, or exactly these words in title case)
    "summary": r"(?:PROSPECTUS\s+(?:SUPPLEMENT\s+)?)?SUMMARY",
    "the_offering": r"THE\s+OFFERING",
    "risk_factors": r"RISK\s+FACTORS",
    "use_of_proceeds": r"USE\s+OF\s+PROCEEDS",
    "underwriting": r"UNDERWRITING|PLAN\s+OF\s+DISTRIBUTION",
    DESCRIPTION_OF_SECURITIES: r"DESCRIPTION\s+OF\s+(?:OUR\s+|THE\s+REGISTRANT'S\s+)?(?:CAPITAL\s+STOCK|SHARE\s+CAPITAL|"
    r"SECURITIES|COMMON\s+STOCK|PREFERRED\s+STOCK|WARRANTS|UNITS|DEBT\s+SECURITIES|DEPOSITARY\s+SHARES|"
    r"SUBSCRIPTION\s+RIGHTS|PURCHASE\s+CONTRACTS|RIGHTS)",
    "selling_stockholders": r"SELLING\s+(?:STOCK|SHARE|SECURITY|UNIT)HOLDERS?",
    "financial_statements": r"(?:NOTES\s+TO\s+|INDEX\s+TO\s+)?(?:THE\s+)?(?:CONSOLIDATED\s+|CONDENSED\s+|COMBINED\s+)*"
    r"FINANCIAL\s+STATEMENTS",
    "recent_developments": r"RECENT\s+DEVELOPMENTS",
}
OTHER = "other"
ROLES = (*SECTIONS, OTHER)
_KNOWN = [(role, re.compile(rf"(?:{words})\b", re.I)) for role, words in SECTIONS.items()]
# "DESCRIPTION OF THE SECURITIES WE ARE OFFERING" describes this offering, not what exists.
_OFFERED = re.compile(r"\b(?:WE\s+ARE\s+OFFERING|OFFERED|BEING\s+OFFERED|IN\s+THIS\s+OFFERING)\b", re.I)
# Lines are matched from the newline before them (the text is searched with one put in front): a
# pattern that starts with a literal character is skipped ahead to it, where "^" in multi-line mode
# is tried at every position of the text, six times slower.
_CAPITALS_LINE = re.compile(r"\n[ \t]*([A-Z][A-Z'&,.\- ]{4,88}[A-Z])[ \t]*(?=\n|\Z)")
# A line that starts with a known title's words, in any case: one pass, where a pass over every
# title-case line would cost a match per line of text.
_KNOWN_LINE = re.compile(rf"(?i)\n[ \t]*((?:{'|'.join(SECTIONS.values())})\b[A-Za-z'&,\- ]{{0,60}})[ \t]*(?=\n|\Z)")
_MAX_WORDS = 12


class Sections:
    """A document's headings, found once; the role of the section any position is in."""

    def __init__(self, text: str) -> None:
        self._starts: list[int] = []
        self._roles: list[str] = []
        for start, role in _headings(text):
            self._starts.append(start)
            self._roles.append(role)

    def role_at(self, position: int) -> str | None:
        """The role of the section around `position`; None before the first heading."""
        index = bisect.bisect_right(self._starts, position) - 1
        return self._roles[index] if index >= 0 else None


def _headings(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    lines = "\n" + text  # offsets in it are one past the text's
    for line in _CAPITALS_LINE.finditer(lines):
        words = line.group(1)
        if len(words.split()) <= _MAX_WORDS:
            found.append((line.start(1) - 1, _role(words) or OTHER))
    for line in _KNOWN_LINE.finditer(lines):
        if not line.group(1).isupper():  # title case: only the known titles (capitals were read above)
            role = _role(line.group(1))
            if role:
                found.append((line.start(1) - 1, role))
    return sorted(found)


def _role(heading: str) -> str | None:
    heading = " ".join(heading.split())
    for role, words in _KNOWN:
        if role == DESCRIPTION_OF_SECURITIES and words.match(heading):
            return "the_offering" if _OFFERED.search(heading) else role
        if words.fullmatch(heading):
            return role
    return None

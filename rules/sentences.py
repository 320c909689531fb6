"""The sentence around a position: what a rule's pattern, `not` and `require` look at."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

# A full stop ends a sentence unless it closes an initial ("H.C. Wainwright") or a common
# abbreviation ("Inc.", "No.", "U.S."); the candidates are found by one plain regex and the
# abbreviations checked in Python, which is much faster than a regex of look-behinds.
# A cell's or a list item's bar may stand between the stop and the next sentence ("... by the
# Investors. | 2. | Each Investor will receive ...", a web page's list).
_SENTENCE_END = re.compile(r"[.!?][\"')]*\s+(?=(?:\|\s*)?[\"(\[]?[A-Z0-9\u00b7\u25cf\u2022])")
_LAST_WORD = re.compile(r"\w{1,12}$")
_ABBREVIATIONS = frozenset(
    [
        "inc",
        "co",
        "corp",
        "ltd",
        "no",
        "nos",
        "mr",
        "ms",
        "mrs",
        "dr",
        "st",
        "jr",
        "sr",
        "vs",
        "approx",
        "s",
        "p",
        "a",
        "n",
        "e",
        "i",
        "l",
        "u",
        "c",
        "v",
        "b",
        "m",  # a.m., p.m.: "effective at 5:00 p.m. Eastern Time on March 3" is one sentence
        # A month shortened in a dateline: "NEW YORK, Feb. 12, 2025 (GLOBE NEWSWIRE) - ..."
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
# A company whose name starts with a small letter ("atai", "uniQure", "bluebird bio") starts its
# sentences so: "... at a price of $2.10 per share. atai has granted the underwriter ...". Such a
# name is taken from the document's own definition of it ('atai Life Sciences ("atai")'), so that
# a small letter after a stop ends a sentence only before that name.
_SMALL_LETTER_NAME = re.compile(r"\(\s*\"([a-z][A-Za-z0-9-]{1,30})\"")
_PRONOUNS = frozenset({"we", "us", "our", "ours", "you", "your", "it", "its", "they", "them", "their"})

MAX_SENTENCE = 1600


class Sentences:
    """Splits a document's text into sentences lazily, as positions arrive in ascending order.

    Trigger hits come sorted by offset, so each paragraph is found once and its sentence ends
    are scanned once, however many hits it holds: the cost stays linear in the text.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._end = _sentence_end_for(text)
        self._paragraph = (0, -1)
        self._cuts: list[int] = []
        self._ends: Iterator[re.Match[str]] = iter(())
        self._complete = True

    def around(self, position: int) -> tuple[int, int]:
        if not self._paragraph[0] <= position < self._paragraph[1]:
            self._enter_paragraph(position)
        while not self._complete and self._cuts[-1] <= position:
            self._next_cut()
        cuts = self._cuts
        index = max(bisect.bisect_right(cuts, position) - 1, 0)
        sentence_start = cuts[index]
        sentence_end = cuts[index + 1] if index + 1 < len(cuts) else self._paragraph[1]
        if sentence_end - sentence_start > MAX_SENTENCE:  # a run-on legal sentence or a table
            sentence_start = max(sentence_start, position - MAX_SENTENCE // 2)
            sentence_end = min(sentence_end, position + MAX_SENTENCE // 2)
        return sentence_start, sentence_end

    def _enter_paragraph(self, position: int) -> None:
        text = self.text
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        self._paragraph = (start, end)
        self._cuts = [start]
        self._ends = self._end.finditer(text, start, end)
        self._complete = False

    def _next_cut(self) -> None:
        for match in self._ends:
            if _is_sentence_end(self.text, match.start()):
                self._cuts.append(match.end())
                return
        self._cuts.append(self._paragraph[1])
        self._complete = True


def _sentence_end_for(text: str) -> re.Pattern[str]:
    """Where sentences of this text may end: before a capital, a figure or a bullet, and before
    any name the text defines with a small letter."""
    names = sorted(set(_SMALL_LETTER_NAME.findall(text)) - _PRONOUNS)
    if not names:
        return _SENTENCE_END
    return re.compile(
        r"[.!?][\"')]*\s+(?=(?:\|\s*)?[\"(\[]?(?:[A-Z0-9\u00b7\u25cf\u2022]|(?:"
        + "|".join(re.escape(name) for name in names)
        + r")\b))"
    )


def _is_sentence_end(text: str, stop: int) -> bool:
    """A full stop ends a sentence unless the word before it is an initial or an abbreviation."""
    found = _LAST_WORD.search(text, max(0, stop - 12), stop)
    if found is None:
        return True
    word = found.group()
    return word.lower() not in _ABBREVIATIONS and not (len(word) == 1 and word.isupper())

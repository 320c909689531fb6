"""The sentence around a position: what a rule's pattern, `not` and `require` look at."""

from __future__ import annotations

import bisect
import re

# A full stop ends a sentence unless it closes an initial ("H.C. Wainwright") or a common
# abbreviation ("Inc.", "No.", "U.S."); the candidates are found by one plain regex and the
# abbreviations checked in Python, which is much faster than a regex of look-behinds.
_SENTENCE_END = re.compile(r"(\w*)[.!?][\"')]*\s+(?=[\"(\[]?[A-Z0-9\u25cf\u2022])")
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
    ]
)
MAX_SENTENCE = 1600


class Sentences:
    """Splits a document's text into sentences lazily, one paragraph at a time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._paragraphs: dict[int, list[int]] = {}

    def around(self, position: int) -> tuple[int, int]:
        text = self.text
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        cuts = self._paragraphs.get(start)
        if cuts is None:
            cuts = [start] + [m.end() for m in _SENTENCE_END.finditer(text, start, end) if _ends(m)] + [end]
            self._paragraphs[start] = cuts
        index = max(bisect.bisect_right(cuts, position) - 1, 0)
        sentence_start, sentence_end = cuts[index], cuts[min(index + 1, len(cuts) - 1)]
        if sentence_end - sentence_start > MAX_SENTENCE:  # a run-on legal sentence or a table
            sentence_start = max(sentence_start, position - MAX_SENTENCE // 2)
            sentence_end = min(sentence_end, position + MAX_SENTENCE // 2)
        return sentence_start, sentence_end


def _ends(match: re.Match[str]) -> bool:
    word = match.group(1)
    return not word or (word.lower() not in _ABBREVIATIONS and not (len(word) == 1 and word.isupper()))

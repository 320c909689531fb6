from __future__ import annotations

import pytest

from rules.engine import MAX_EVIDENCE, _evidence_span


@pytest.mark.parametrize("offset", range(0, 12))
def test_evidence_cut_from_a_long_sentence_starts_and_ends_on_whole_words(offset: int) -> None:
    # eval b18_02: a long press-release sentence was shown from "ov. 5, 2024 - ...".
    words = "Lorem ipsum dolor sit amet consectetur " * 60
    match = "sold 1,948,295 shares of common stock"
    sentence = "x" * offset + " " + words + match + " " + words
    start = sentence.index(match)
    low, high = _evidence_span(sentence, start, start + len(match))
    shown = sentence[low:high]
    assert match in shown
    assert len(shown) <= MAX_EVIDENCE
    assert sentence[low - 1] == " " and (high == len(sentence) or sentence[high] == " ")

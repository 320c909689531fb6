from __future__ import annotations

import time

from rules.sentences import Sentences


def test_sentence_around_a_position_respects_abbreviations() -> None:
    text = "We engaged H.C. Wainwright & Co., LLC as agent. Shares were sold. The U.S. market closed."
    sentences = Sentences(text)
    start, end = sentences.around(text.index("Wainwright"))
    assert text[start:end].strip() == "We engaged H.C. Wainwright & Co., LLC as agent."
    start, end = sentences.around(text.index("sold"))
    assert text[start:end].strip() == "Shares were sold."


def test_a_time_of_day_does_not_end_the_sentence() -> None:
    text = "The split becomes effective at 5:00 p.m. Eastern Time on March 3, 2025. Trading resumes."
    start, end = Sentences(text).around(text.index("March"))
    assert text[start:end].strip() == "The split becomes effective at 5:00 p.m. Eastern Time on March 3, 2025."


def test_one_huge_paragraph_costs_linear_time() -> None:
    # A text file without blank lines is one paragraph; every hit in it must not rescan it.
    text = "The Company sold widgets in the quarter. " * 60_000
    sentences = Sentences(text)
    started = time.perf_counter()
    positions = range(17, len(text), 41)
    spans = [sentences.around(p) for p in positions]
    assert time.perf_counter() - started < 5.0
    assert text[spans[-1][0] : spans[-1][1]].strip() == "The Company sold widgets in the quarter."

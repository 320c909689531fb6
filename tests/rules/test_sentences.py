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


def test_a_bar_between_a_stop_and_the_next_sentence_still_ends_it() -> None:
    # corpus-blind4 fin_cik1301206: a web page's numbered list ran its terms and the cover into one
    # sentence, so each term was read beside words of the others.
    text = (
        "1. | A purchase of $15,500,000 of Common Stock by the Investors. | 2. | Each Investor will receive a Warrant."
    )
    sentences = Sentences(text)
    start, end = sentences.around(text.index("Each"))
    assert text[start:end] == "| Each Investor will receive a Warrant."
    start, end = sentences.around(text.index("A purchase"))
    assert "Each" not in text[start:end]


def test_a_shortened_month_in_a_dateline_does_not_end_the_sentence() -> None:
    # eval b27_17: "Feb." cut a press release's first sentence at its dateline.
    text = "NEW YORK, Feb. 12, 2025 (GLOBE NEWSWIRE) - The Company priced its offering. It closes soon."
    start, end = Sentences(text).around(text.index("priced"))
    assert text[start:end].strip() == ("NEW YORK, Feb. 12, 2025 (GLOBE NEWSWIRE) - The Company priced its offering.")


def test_a_company_named_with_a_small_letter_starts_a_sentence() -> None:
    # eval b27_17: 'atai Life Sciences ("atai")' begins its sentences with a small letter; its
    # pricing ran into "atai has granted the underwriter a 30-day option to purchase", whose
    # option then silenced the sale.
    text = (
        'atai Life Sciences ("atai") priced 26,190,477 common shares at $2.10 per share. '
        "atai has granted the underwriter an option. The shares were sold. we are not a sentence start."
    )
    sentences = Sentences(text)
    start, end = sentences.around(text.index("priced"))
    assert text[start:end].strip().endswith("$2.10 per share.")
    start, end = sentences.around(text.index("were sold"))
    assert text[start:end].strip() == "The shares were sold. we are not a sentence start."

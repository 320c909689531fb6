from __future__ import annotations

from datetime import date

import pytest

from filings.model import Document, Filing, Header
from rules.dates import is_stale, recency, reference_date

FILED = date(2025, 3, 31)


@pytest.mark.parametrize(
    ("sentence", "stale"),
    [
        ("On March 27, 2025, the Company sold 1,000 shares.", False),
        ("In June 2022, we issued and sold 68,258,635 shares of Series B preferred stock.", True),
        ("The 2021 Investor Warrants had an exercise price of $152.60.", True),
        ("The 2024 Notes bear interest at 8% per annum.", False),
        ("On March 27, 2025, the Company sold notes due 2029 and shares under its 2019 plan.", False),
        ("The Company sold 2,021 shares at $2,019 each.", False),
        ("The warrants to purchase 1,000 shares are exercisable at $2.00.", False),
        ("In March and April of 2024, the Company sold 752,000 shares of Series B preferred stock.", True),
        ("In January through March of 2025, the Company sold 10,000 shares.", False),  # the later month counts
        ("In December of 2024, the Company sold 10,000 shares.", False),
    ],
)
def test_history_is_told_apart_from_news(sentence: str, stale: bool) -> None:
    assert is_stale(sentence, FILED) is stale


@pytest.mark.parametrize(
    ("sentence", "filed"),
    [
        # A restructuring agreement of November 2020 recalls the notes of 2018; "due 2023" is when
        # they end, not when they were sold.
        (
            "WHEREAS, on September 26, 2018, the Company issued $60 million in aggregate principal amount "
            "of 6.00% Senior Secured Convertible Notes due 2023.",
            date(2020, 11, 1),
        ),
        # Series named by maturity and rate are no deal dates either.
        (
            "2020 3.25% Convertible Notes; 2024 5.0% Convertible Senior Notes: On November 2, 2015, the "
            "Company issued $125.0 million aggregate principal amount of 3.25% Convertible Notes.",
            date(2020, 7, 5),
        ),
        # Notes whose maturity year has come were sold long before.
        (
            '"Senior Notes" means collectively, the 1.25% convertible senior notes due 2020 and the 6.625% '
            "senior notes due 2026, issued by the Company pursuant to the Indentures.",
            date(2020, 9, 18),
        ),
    ],
)
def test_a_maturity_year_does_not_make_old_notes_news(sentence: str, filed: date) -> None:
    assert is_stale(sentence, filed)


def test_notes_sold_now_with_a_later_maturity_are_news() -> None:
    assert not is_stale("On March 3, 2025, the Company issued 8% convertible notes due 2026.", FILED)
    assert not is_stale("The Company issued $5,000,000 of 8% convertible notes due 2027.", FILED)


def test_a_headerless_filings_date_is_not_a_date_to_come() -> None:
    text = (
        "On October 2, 2025, the Company issued and sold a convertible note in the principal amount of "
        "$6,000,000. The note matures on October 2, 2027 and is due no later than December 31, 2027."
    )
    filing = Filing("x", Header(), [Document("TEXT", 1, None, None, text)])
    assert reference_date(filing) == date(2025, 10, 2)


def test_a_maturity_date_of_is_a_date_to_come_too() -> None:
    text = "On March 27, 2023, the Company sold a debenture, which has a maturity date of March 26, 2024."
    filing = Filing("x", Header(), [Document("TEXT", 1, None, None, text)])
    assert reference_date(filing) == date(2023, 3, 27)


@pytest.mark.parametrize(
    "cover",
    [
        "FORM 8-K\nCURRENT REPORT\nDate of Report (Date of earliest event reported): January 31, 2023\n",
        "FORM 8-K\nCURRENT REPORT\nJanuary 31, 2023\nDate of Report (Date of earliest event reported)\n",
    ],
)
def test_an_8k_cover_dates_the_report_whatever_dates_its_text_holds(cover: str) -> None:
    text = cover + "The warrants expire on June 30, 2028. The Company will hold its meeting on May 1, 2023."
    filing = Filing("x", Header(), [Document("TEXT", 1, None, None, text)])
    assert reference_date(filing) == date(2023, 1, 31)


@pytest.mark.parametrize(
    "later",
    [
        "The principal amount of the Note and all interest accrued thereon is payable on October 29, 2022.",
        "The debentures pay interest semi-annually on January 1 and July 1 of each year beginning July 1, 2022.",
        "The Company may redeem the notes for cash on or after December 4, 2024 if its stock trades above 130%.",
        # eval b13_05: a warrant's term, told with its hour, made the warrant itself six years old.
        "The warrant may be exercised during the period ending at 5:00 p.m. local time on August 4, 2027.",
        "The offer remains open until 5:00 p.m., New York City time, on December 15, 2021.",
    ],
)
def test_a_payment_or_a_first_coupon_is_a_date_to_come(later: str) -> None:
    text = f"On November 2, 2021, the Company issued a convertible note in the principal amount of $810,000. {later}"
    filing = Filing("x", Header(), [Document("TEXT", 1, None, None, text)])
    assert reference_date(filing) == date(2021, 11, 2)  # else the deal itself would look like history


def _filing(form: str, filed: str) -> Filing:
    filing = Filing("x", Header(form=form, filed=filed), [Document(form, 1, None, None, "")])
    filing.form = form
    return filing


def test_a_prospectus_recalls_a_deal_dated_months_back_that_a_current_report_still_tells() -> None:
    # eval b20_05: a 424B5 of March 2025 recounts last November's offering, "On November 15, 2024,
    # Calidi completed a CMPO of 4,437,869 shares", whose figures then displaced its own.
    sentence = "On November 15, 2024, the Company completed an offering of 4,437,869 shares at $1.69 per share."
    prospectus, current_report = recency(_filing("424B5", "2025-03-31")), recency(_filing("8-K", "2025-03-31"))
    assert prospectus is not None and current_report is not None
    assert prospectus.recalls(sentence) and not current_report.recalls(sentence)
    assert not prospectus.recalls("On March 28, 2025, we entered into a securities purchase agreement.")


def test_a_sentence_that_dates_nothing_is_as_old_as_its_paragraph() -> None:
    # eval b20_05: "On December 10, 2023, we entered into a Standby Equity Purchase Agreement ...
    # Pursuant to the SEPA, we have the right ... to sell up to $25,000,000" raised an ATM.
    reference = recency(_filing("424B5", "2025-03-31"))
    assert reference is not None
    follow_up = "Pursuant to the SEPA, we have the right to sell to the investor up to $25,000,000 of our shares."
    assert reference.recalls(follow_up, "On December 10, 2023, we entered into a Standby Equity Purchase Agreement.")
    assert not reference.recalls(follow_up, "On March 28, 2025, we entered into a Standby Equity Purchase Agreement.")
    assert not reference.recalls(follow_up, "")
    # a sentence's own date decides for it: a new sale under an old agreement is news
    assert not reference.recalls(
        "On March 27, 2025, we sold 10,000 shares under the SEPA.", "On December 10, 2023, we entered into the SEPA."
    )

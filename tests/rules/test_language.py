"""The packs on the language of financings as 8-Ks commonly put it, beyond the corpus' documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from filings.model import Document, Filing, Header
from rules.engine import RuleSet, scan_filing
from rules.events import Event
from rules.testing import BenignSample, benign_hits, benign_samples

REGISTERED_DIRECT = (
    'On June 3, 2024, Acme Bio, Inc. (the "Company") entered into a securities purchase agreement with certain '
    "institutional investors for the sale in a registered direct offering of 2,400,000 shares of common stock at an "
    "offering price of $1.25 per share. In a concurrent private placement, the Company also issued to the investors "
    "unregistered warrants to purchase up to 2,400,000 shares of common stock. The warrants have an exercise price of "
    "$1.40 per share, are exercisable immediately upon issuance and will expire five years from the date of issuance. "
    "The Company received gross proceeds of approximately $3.0 million, before deducting placement agent fees and other "
    "offering expenses. H.C. Wainwright & Co., LLC acted as the exclusive placement agent for the offering. The Company "
    "paid the placement agent a cash fee equal to 7.0% of the gross proceeds and issued to the placement agent warrants "
    "to purchase up to 168,000 shares of common stock at an exercise price of $1.5625 per share."
)
CONVERTIBLE_NOTE = (
    "On June 7, 2024, the Company issued a senior secured convertible promissory note in the original principal amount "
    "of $2,200,000 to an institutional investor for a purchase price of $2,000,000. The Note bears interest at 10% per "
    "annum and matures on June 7, 2025, and is convertible into common stock at a conversion price of $0.85 per share. "
    "The Company paid a finder's fee of $100,000 in connection with the transaction."
)
UNDERWRITTEN = (
    "On June 5, 2024, the Company closed its underwritten public offering of 10,000,000 shares of its common stock at a "
    "public offering price of $4.00 per share, for gross proceeds of $40.0 million. The Company agreed to pay the "
    "underwriters an underwriting discount equal to 7.0% of the gross proceeds. Roth Capital Partners acted as sole "
    "bookrunner for the offering."
)
ATM = (
    "On June 7, 2024, the Company entered into an At Market Issuance Sales Agreement with B. Riley Securities, Inc., as "
    "sales agent, pursuant to which the Company may offer and sell shares of its common stock having an aggregate "
    "offering price of up to $50,000,000. The Company will pay the sales agent a commission of 3.0% of the gross "
    "proceeds from each sale of shares."
)


def scan_text(ruleset: RuleSet, text: str) -> dict[str, Event]:
    filing = Filing("x", Header(form="8-K", filed="2024-06-10"), [Document("8-K", 1, None, None, text)])
    events = scan_filing(filing, ruleset)
    assert len({e.type for e in events}) == len(events), "one event per type expected here"
    return {e.type: e for e in events}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            REGISTERED_DIRECT,
            {
                "share_sale": {"shares": 2400000, "price_per_share": 1.25, "gross_proceeds": 3000000.0},
                "warrant": {"warrant_shares": 2400000, "exercise_price": 1.4, "term_years": 5},
                "finder_fee": {"recipient": "H.C. Wainwright & Co., LLC", "percent": 7.0, "warrant_shares": 168000},
            },
        ),
        (
            CONVERTIBLE_NOTE,
            {
                "convertible_note": {
                    "principal": 2200000.0,
                    "conversion_price": 0.85,
                    "interest_rate": 10.0,
                    "maturity": "2025-06-07",
                },
                "finder_fee": {"cash": 100000.0, "role": "finder"},
            },
        ),
        (
            UNDERWRITTEN,
            {
                "share_sale": {"shares": 10000000, "price_per_share": 4.0, "offering": "underwritten"},
                "finder_fee": {"recipient": "Roth Capital Partners", "percent": 7.0, "role": "underwriter"},
            },
        ),
        (
            ATM,
            {
                "atm_program": {"max_amount": 50000000.0, "agent": "B. Riley Securities, Inc."},
                "finder_fee": {"percent": 3.0},
            },
        ),
    ],
    ids=["registered-direct", "convertible-note", "underwritten", "atm"],
)
def test_financing_paragraphs(ruleset: RuleSet, text: str, expected: dict[str, dict[str, object]]) -> None:
    events = scan_text(ruleset, text)
    assert set(events) == set(expected)
    for kind, fields in expected.items():
        assert {name: events[kind].fields.get(name) for name in fields} == fields, kind


def test_a_percentage_is_never_read_as_an_amount(ruleset: RuleSet) -> None:
    fee = scan_text(ruleset, REGISTERED_DIRECT)["finder_fee"]
    assert "cash" not in fee.fields


@pytest.mark.parametrize("sample", benign_samples([]), ids=lambda s: f"{Path(s.path).stem}:{s.line}")
def test_look_alikes_report_nothing(ruleset: RuleSet, sample: BenignSample) -> None:
    assert benign_hits(ruleset.rules, [sample]) == []


def test_a_fee_stays_with_the_party_its_sentence_names(ruleset: RuleSet) -> None:
    text = (
        "On June 3, 2024, the Company sold 1,000,000 shares of common stock at a purchase price of $2.00 per share. "
        "The Company paid the placement agent a cash fee equal to 7.0% of the gross proceeds. "
        "The Company also paid a finder's fee of $50,000 to Lakeview Advisors LLC."
    )
    filing = Filing("x", Header(form="8-K", filed="2024-06-10"), [Document("8-K", 1, None, None, text)])
    fees = {e.fields.get("role"): e.fields for e in scan_filing(filing, ruleset) if e.type == "finder_fee"}
    assert fees["placement_agent"].get("percent") == 7.0
    assert fees["finder"].get("cash") == 50000.0
    assert "percent" not in fees["finder"]


def test_a_series_named_only_by_a_supplement_does_not_hide_the_warrants(ruleset: RuleSet) -> None:
    text = (
        "On June 3, 2024, the Company issued to the investors warrants to purchase 100,000 shares of common stock. "
        "The Series A Warrants have an exercise price of $1.10 per share."
    )
    filing = Filing("x", Header(form="8-K", filed="2024-06-10"), [Document("8-K", 1, None, None, text)])
    [warrant] = [e for e in scan_filing(filing, ruleset) if e.type == "warrant"]
    assert warrant.fields == {"warrant_shares": 100000, "exercise_price": 1.1}


def test_a_second_unnamed_warrant_series_stays_apart_from_the_named_one(ruleset: RuleSet) -> None:
    text = (
        "We are offering 300,000 shares of common stock and, in lieu of shares, Pre-funded Warrants to purchase "
        "1,200,000 shares of common stock, and Warrants to purchase up to 1,500,000 shares of common stock. "
        "The Pre-funded Warrants have an exercise price of $0.0001 per share and will not expire. "
        "The Warrants have an exercise price of $2.75 per share and will be exercisable for a term of five years."
    )
    filing = Filing("x", Header(form="424B5", filed="2025-01-10"), [Document("424B5", 1, None, None, text)])
    warrants = sorted(
        (e.fields for e in scan_filing(filing, ruleset) if e.type == "warrant"), key=lambda f: str(f["warrant_shares"])
    )
    assert warrants == [
        {"warrant_shares": 1200000, "exercise_price": 0.0001},  # no term: pre-funded warrants do not expire
        {"warrant_shares": 1500000, "exercise_price": 2.75, "term_years": 5},
    ]


def test_a_table_in_thousands_is_read_in_dollars_but_not_its_per_share_figures(ruleset: RuleSet) -> None:
    text = (
        "Filed Pursuant to Rule 424(b)(5)\nPROSPECTUS SUPPLEMENT\n5,000,000 Shares of Common Stock\n"
        "(in thousands, except per share amounts)\n | Per Share | Total\n"
        "Public offering price | $10.00 | $50,000\nUnderwriting discounts and commissions | $0.70 | $3,500\n"
    )
    filing = Filing("x", Header(form="424B5", filed="2025-01-10"), [Document("424B5", 1, None, None, text)])
    events = {e.type: e.fields for e in scan_filing(filing, ruleset)}
    assert events["share_sale"]["gross_proceeds"] == 50_000_000.0
    assert events["share_sale"]["price_per_share"] == 10.0
    assert events["finder_fee"]["cash"] == 3_500_000.0


DEBENTURE_TERMS = (
    "Maturity: The Debentures will mature on February 23, 2009. "
    "Interest Payments: The Debentures will accrue interest at the rate of 12% per annum. "
    "Conversion: The Debentures are convertible into the Issuer's common shares at US$0.50 per common share."
)


def test_terms_told_on_their_own_in_a_current_report_make_the_event(ruleset: RuleSet) -> None:
    current = Filing("x", Header(form="8-K", filed="2007-02-26"), [Document("8-K", 1, None, None, DEBENTURE_TERMS)])
    (event,) = scan_filing(current, ruleset)
    assert (event.type, event.fields) == (
        "convertible_note",
        {"conversion_price": 0.5, "interest_rate": 12.0, "maturity": "2009-02-23"},
    )
    # The same terms in a quarterly report recall notes it has, not a sale.
    quarterly = Filing("x", Header(form="10-Q", filed="2007-05-10"), [Document("10-Q", 1, None, None, DEBENTURE_TERMS)])
    assert scan_filing(quarterly, ruleset) == []


def test_a_dividend_per_share_is_no_conversion_price_of_notes_announced_beside_it(ruleset: RuleSet) -> None:
    text = (
        "The Company is reducing the quarterly common stock dividend from $0.17 to $0.03 per share, saving more than "
        "$400 million annually, and launching a public offering of common stock and convertible notes planned to yield "
        "proceeds of approximately $1.1 billion."
    )
    notes = scan_text(ruleset, text).get("convertible_note")
    assert notes is None or "conversion_price" not in notes.fields


def test_a_preferreds_aggregate_liquidation_preference_is_no_stated_value(ruleset: RuleSet) -> None:
    text = (
        "On January 27, 2024, the Company sold to the Counterparty, for an aggregate purchase price of $1.5 billion, "
        "15,000 Class A Preferred Shares, having an aggregate liquidation preference of $1.5 billion."
    )
    preferred = scan_text(ruleset, text)["preferred_stock"]
    assert preferred.fields.get("gross_proceeds") == 1500000000.0 and "stated_value" not in preferred.fields

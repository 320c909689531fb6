"""Which deal a filing joins, and why: the rules of deals/matching.py on small made-up terms."""

from __future__ import annotations

from datetime import date, timedelta

from deals.facts import DealFiling, FilingFacts, OpenDeal, Recall, Term, recall_of
from deals.matching import EVENT_WINDOW_DAYS, deal_size, decide, what_it_adds
from rules.fields import FieldValue

DAY = date(2024, 11, 18)
PIPE: dict[str, dict[str, FieldValue]] = {
    "share_sale": {"shares": 520_324, "price_per_share": 15.375, "gross_proceeds": 8_000_000.0},
    "warrant": {"warrant_shares": 104_000, "exercise_price": 21.0},
}


def deal(terms: dict[str, dict[str, FieldValue]] = PIPE, filed: date = DAY, deal_id: int = 7) -> OpenDeal:
    return OpenDeal(deal_id, terms, (DealFiling("0000000001-24-000001", "8-K", filed, "signing"),))


def filing(*terms: Term, form: str = "8-K", filed: date = DAY + timedelta(days=9), text: str = "") -> FilingFacts:
    return FilingFacts("0000000001-24-000002", form, filed, terms, recall_of(text))


def test_a_form_d_agreeing_on_the_proceeds_joins_and_says_why_and_what_it_adds() -> None:
    form_d = filing(
        Term("share_sale", {"gross_proceeds": 8_000_000.0}), Term("finder_fee", {"cash": 560_000.0}), form="D"
    )
    decision = decide(form_d, [deal()])
    assert (decision.deal_id, decision.part) == (7, "Form D")
    assert "agrees on share sale gross proceeds $8,000,000" in decision.reason
    assert what_it_adds(decision, form_d, deal()) == (
        "Form D: share sale gross proceeds $8,000,000 confirmed; finder / placement fee cash fee $560,000"
    )


def test_a_different_price_a_different_instrument_or_nothing_in_common_opens_a_new_deal() -> None:
    other_price = filing(Term("share_sale", {"shares": 520_324, "price_per_share": 2.0}))
    assert decide(other_price, [deal()]).deal_id is None
    assert "price per share differs: $2.00 against $15.375" in decide(other_price, [deal()]).reason
    note = filing(Term("convertible_note", {"principal": 8_000_000.0}))
    assert "a different instrument" in decide(note, [deal()]).reason
    unrelated = filing(Term("share_sale", {"shares": 1_000}))
    assert "no figure or name in common" in decide(unrelated, [deal()]).reason


def test_a_matching_filing_past_the_window_opens_a_new_deal() -> None:
    late = filing(
        Term("share_sale", {"gross_proceeds": 8_000_000.0}), filed=DAY + timedelta(days=EVENT_WINDOW_DAYS + 1)
    )
    decision = decide(late, [deal()])
    assert decision.deal_id is None and decision.reason == "the issuer's first filing of this financing"


def test_a_resale_registration_joins_by_a_telling_share_count_and_never_by_one_round_one() -> None:
    resale = "The selling stockholders may sell up to 624,324 shares of common stock."
    joined = decide(filing(form="S-1", text=resale), [deal()])
    assert (joined.deal_id, joined.part) == (7, "resale registration")
    assert "624,324 (all of them together)" in joined.reason
    assert what_it_adds(joined, filing(form="S-1", text=resale), deal()) == (
        "resale registration: 624,324 shares registered for resale"
    )
    round_deal = deal({"share_sale": {"shares": 1_000_000, "price_per_share": 2.0}})
    one_round = "The selling stockholders may sell up to 1,000,000 shares."
    assert decide(filing(form="S-1", text=one_round), [round_deal]).deal_id is None
    no_holders = decide(filing(form="S-1", text="We are offering 624,324 shares."), [deal()])
    assert (no_holders.deal_id, no_holders.opens) == (None, False)
    assert decide(filing(form="10-K", text=resale), [deal()]).opens is False


def test_recall_reads_share_counts_not_money_or_decimals() -> None:
    recalled = recall_of("up to 624,324 shares for $8,000,000 (12,345.67 per unit); 104,000 warrant shares")
    assert recalled == Recall(frozenset({624_324, 104_000}), False)


def test_a_deals_size_is_its_instruments_amounts() -> None:
    assert deal_size(PIPE) == 8_000_000.0
    assert deal_size({"warrant": {"warrant_shares": 5}}) is None


def test_an_atm_program_and_a_later_convertible_note_of_one_issuer_are_two_deals() -> None:
    atm = deal({"atm_program": {"max_amount": 50_000_000.0, "agent": "H.C. Wainwright & Co., LLC"}})
    note = filing(Term("convertible_note", {"principal": 50_000_000.0, "conversion_price": 4.0}))
    decision = decide(note, [atm])
    assert decision.deal_id is None
    assert decision.reason == (
        "no open deal of the issuer agrees (deal #7: a different instrument (at-the-market program, not convertible notes))"
    )
    sales = filing(Term("atm_program", {"agent": "Wainwright"}), form="10-Q")
    assert (decide(sales, [atm]).deal_id, decide(sales, [atm]).part) == (7, "sales update")

"""Frame rules: an instrument, the words of a sale, and the cue words that attach each field's value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fakes.filings import enveloped
from filings.model import Document, Filing, Header
from monitor.cli.main import main
from rules.engine import RuleSet, scan_filing
from rules.errors import RuleErrors
from rules.events import Event
from rules.fields import FieldValue
from rules.loader import load_rules

SHIPPED = RuleSet(load_rules())

WARRANT_FRAME = """\
[[rule]]
id = "warrants"
event = "warrant"
triggers = ["warrants"]
frame.instrument = ["warrants"]
frame.sale = ["issued"]
frame.fields.warrant_shares = { before = ["to purchase"] }
frame.fields.exercise_price = { before = ["exercise price of"] }
frame.stop = ["notes"]

[[rule.example]]
text = "The Company issued warrants to purchase 1,000 shares at an exercise price of $2.00 per share."
expect = { warrant_shares = 1000, exercise_price = 2.0 }
"""


def current_report(text: str, ruleset: RuleSet = SHIPPED) -> list[Event]:
    filing = Filing("x", Header(form="8-K", filed="2025-03-06"), [Document("8-K", 1, None, None, text)])
    return scan_filing(filing, ruleset)


def fields_of(event_type: str, text: str) -> list[dict[str, FieldValue]]:
    """The fields of each event of a type a current report of `text` gives."""
    return [event.fields for event in current_report(text) if event.type == event_type]


def the_event(event_type: str, text: str) -> Event:
    """The one event of a type a current report of `text` gives."""
    [event] = [event for event in current_report(text) if event.type == event_type]
    return event


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "frames.toml"
    path.write_text(text)
    return path


def test_the_price_told_in_the_next_sentence_joins_the_offering_it_names() -> None:
    # The first miss: the sale in one sentence, its price in the next, through "the Offering".
    [sale] = current_report(
        "On March 3, 2025, the Company entered into an underwriting agreement relating to the public offering, "
        'issuance and sale of 5,000,000 shares of Class A common stock (the "Offering"). '
        "The public offering price of the Offering is $12.00 per share."
    )
    assert (sale.type, sale.fields["shares"], sale.fields["price_per_share"]) == ("share_sale", 5000000, 12.0)


def test_a_closing_of_a_previously_announced_note_offering_is_the_deal_with_its_later_terms() -> None:
    [notes] = current_report(
        "On March 5, 2025, the Company completed its previously announced private offering of $400,000,000 "
        'aggregate principal amount of 0.00% convertible senior notes due 2030 (the "Notes"). '
        "The initial conversion price of the Notes is $45.00 per share."
    )
    assert notes.type == "convertible_note"
    assert (notes.fields["principal"], notes.fields["conversion_price"]) == (400000000.0, 45.0)


def test_facts_attach_to_the_nearest_mention_so_two_series_stay_apart(tmp_path: Path) -> None:
    [rule] = load_rules([write(tmp_path, WARRANT_FRAME)])
    assert rule.frame is not None
    sentence = (
        "The Company issued Series A warrants to purchase 1,000 shares at an exercise price of $1.00 and "
        "Series B warrants to purchase 500 shares at an exercise price of $2.00."
    )
    events = current_report(sentence, RuleSet([rule]))
    assert sorted((e.fields["warrant_shares"], e.fields["exercise_price"]) for e in events) == [(500, 2.0), (1000, 1.0)]


def test_another_instrument_ends_a_mention_part_and_keeps_its_own_figures(tmp_path: Path) -> None:
    [rule] = load_rules([write(tmp_path, WARRANT_FRAME)])
    sentence = "The Company issued warrants to purchase 1,000 shares and notes with an exercise price of $9.00 each."
    [warrants] = current_report(sentence, RuleSet([rule]))
    assert warrants.fields == {"warrant_shares": 1000}  # the $9.00 follows "notes": not the warrants' price


def test_a_sentence_without_a_sale_adds_terms_but_no_counts(tmp_path: Path) -> None:
    counted = WARRANT_FRAME.replace('before = ["to purchase"] }', 'before = ["to purchase"], after = ["warrants"] }')
    [rule] = load_rules([write(tmp_path, counted)])
    text = (
        "The 400,000 warrants described below have an exercise price of $1.50 per share. "
        "The Company issued warrants to purchase 800,000 shares."
    )
    [warrants] = current_report(text, RuleSet([rule]))
    # The first sentence sells nothing: its price joins the event, its count (a description) does not.
    assert warrants.fields == {"warrant_shares": 800000, "exercise_price": 1.5}


def test_a_ratio_is_no_count() -> None:
    events = current_report(
        "The Company sold 2,000,000 shares of common stock at $2.00 per share. For each two (2) shares of Common Stock "
        "purchased, each investor received warrant coverage to purchase one (1) share of Common Stock."
    )
    [sale] = [e for e in events if e.type == "share_sale"]
    assert sale.fields["shares"] == 2000000


def test_a_frame_field_the_event_lacks_and_a_bad_cue_are_reported_at_once(tmp_path: Path) -> None:
    broken = WARRANT_FRAME.replace(
        'frame.fields.exercise_price = { before = ["exercise price of"] }',
        'frame.fields.principal = { before = ["principal of"] }',
    )
    broken += WARRANT_FRAME.replace('id = "warrants"', 'id = "other"').replace('["to purchase"]', '["to (purchase"]')
    with pytest.raises(RuleErrors) as raised:
        load_rules([write(tmp_path, broken)])
    messages = [str(error) for error in raised.value.errors]
    assert any("'principal' is not a field of warrant" in m for m in messages)
    assert any("bad frame: frame.fields.warrant_shares" in m for m in messages)


def test_explain_says_a_frame_built_the_event_across_two_sentences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        b"<html><body><p>Item 1.01 Entry into a Material Definitive Agreement.</p><p>On March 3, 2025, the Company "
        b"agreed to sell up to 2,000,000 shares of its common stock to the investors in a private placement.</p>"
        b"<p>The purchase price of the shares of common stock is $3.10 per share.</p></body></html>"
    )
    filing = enveloped(
        body, accession="0001234567-25-000001", cik="1234567", company="ACME", form="8-K", day=date(2025, 3, 4)
    )
    path = tmp_path / "f.txt"
    path.write_bytes(filing.body)
    assert main(["scan", "--explain", str(path)]) == 0
    out = capsys.readouterr().out
    assert "+ share-sale-frame: found" in out and "cue: frame: terms of 'shares'" in out
    assert "* share_sale: shares=2,000,000, price_per_share=$3.10" in out and "built across 2 sentences" in out


def test_an_aside_after_the_sale_does_not_exclude_it_and_the_par_value_is_no_price() -> None:
    # Blind batch 5: "no par value" and "(inclusive of ... the underwriters' option to purchase
    # additional shares)" each silenced a whole sentence that states an underwritten sale.
    [sale] = current_report(
        "On November 8, 2024, the Company closed its underwritten public offering of 4,000,000 shares of its "
        "common stock, par value $0.001 per share, at a public offering price of $2.50 per share (inclusive of "
        "400,000 shares sold upon the exercise in full of the underwriters' option to purchase additional shares)."
    )
    assert (sale.fields["shares"], sale.fields["price_per_share"]) == (4000000, 2.5)


def test_a_sale_said_after_a_mention_does_not_sell_it_and_its_terms_alone_make_no_event() -> None:
    # A notes 8-K of non-convertible notes: the frame reads "the Notes will mature on ..." but the
    # sentence's later clause about existing convertible notes sells nothing of these.
    events = current_report(
        "The aggregate principal amount of the notes sold in the offering was $500 million. "
        "The Notes will mature on June 15, 2028; provided that the Notes will mature earlier if the Company's "
        "existing 0.750% Convertible Notes due 2025 issued in 2020 remain outstanding on that date. "
        "The Notes will bear interest at a rate of 6.125% per annum."
    )
    assert [e.type for e in events if e.type == "convertible_note"] == []


def test_a_field_word_before_a_value_denies_it_a_cap_is_no_proceeds() -> None:
    events = current_report(
        "On May 23, 2025, we entered into a Standby Equity Distribution Agreement with an investor, pursuant to "
        "which we may, at our discretion, periodically sell to the investor shares of our common stock for a "
        "total purchase price of up to $10,000,000."
    )
    assert [(e.type, e.fields.get("max_amount")) for e in events] == [("atm_program", 10000000.0)]


def test_a_par_value_is_never_a_frame_term() -> None:
    # Blind batch 5: a notes prospectus's registration table read "par value $0.001 per share" as the
    # notes' conversion price.
    [notes] = current_report(
        "On March 3, 2025, the Company sold $2,000,000 aggregate principal amount of 8% convertible notes due 2027. "
        "The Notes are convertible into shares of the Company's common stock, par value $0.001 per share, at the "
        "option of the holder."
    )
    assert notes.type == "convertible_note"
    assert notes.fields["principal"] == 2000000.0
    assert "conversion_price" not in notes.fields


def test_a_note_sold_by_its_name_takes_the_terms_later_sentences_give() -> None:
    # Blind batch 6: the sale names "a Convertible Promissory Note" with no figure; its principal
    # and conversion price come two sentences later, in sentences that sell nothing.
    [note] = current_report(
        "On November 30, 2025, the Company agreed to issue and sell to the Investor, in a private offering, a "
        'Convertible Promissory Note (the "Note"). The Note bears interest at a rate of 10% per annum. '
        "The Note is convertible into common stock at a conversion price of $1.08 per share."
    )
    assert note.type == "convertible_note"
    assert (note.fields["interest_rate"], note.fields["conversion_price"]) == (10.0, 1.08)


def test_notes_referred_to_only_as_the_notes_make_no_event_without_a_figure_of_their_sale() -> None:
    # "The Notes were issued under an Indenture" may be senior notes of any kind: no bare sale.
    events = current_report(
        "The Notes were issued under an Indenture dated March 3, 2025. The Notes will mature on March 1, 2030. "
        "The Notes bear interest at a rate of 6.125% per annum."
    )
    assert [e.type for e in events] == []


def test_a_note_named_with_its_principal_is_the_deal_without_a_sale_word() -> None:
    # A list item of a 2006 8-K (its dates moved to this filing's time): the note, its principal and maturity, and no verb.
    [note] = current_report(
        "1. A Senior Secured Convertible Note with a principal amount equal to $5,000,000 registered in the "
        "name of CAMOFI, due on January 1, 2028. The Note is convertible into shares of Common Stock."
    )
    assert (note.type, note.fields["principal"]) == ("convertible_note", 5000000.0)
    # Referred back to ("the Notes"), or recalled in a recital, it may be any notes: nothing.
    assert current_report("The Notes have a principal amount equal to $5,000,000 and are due on January 1, 2028.") == []
    recital = (
        "WHEREAS, the Holder has acquired Convertible Notes in the aggregate original principal amount of $26,480,000."
    )
    assert current_report(recital) == []


def test_statute_boilerplate_holding_an_exclusion_word_rules_nothing_out() -> None:
    # "as amended" and "all outstanding and future indebtedness" stood in the sale sentence and
    # silenced it through the frame's "amended" and "outstanding".
    [note] = current_report(
        "On March 3, 2025, the Company agreed to sell senior secured convertible notes in the aggregate principal "
        "amount of $6,550,000, ranking senior to all outstanding and future indebtedness of the Company, in "
        "reliance on Section 4(a)(2) of the Securities Act of 1933, as amended."
    )
    assert note.fields["principal"] == 6550000.0
    assert current_report("The convertible notes in the principal amount of $1,200,000 remain outstanding.") == []


def test_a_registered_direct_priced_at_the_market_under_nasdaq_rules_is_no_atm_program() -> None:
    # eval b27_13: the sale's count was silenced by the exclusion "at-the-market".
    [sale] = [
        event
        for event in current_report(
            "The Company announced the closing of its previously announced registered direct offering priced "
            "at-the-market under Nasdaq rules for the purchase and sale of an aggregate of 434,784 shares of the "
            "Company's common stock at a purchase price of $2.415 per share."
        )
        if event.type == "share_sale"
    ]
    assert (sale.fields["shares"], sale.fields["price_per_share"]) == (434784, 2.415)
    assert current_report("The Company sold 434,784 shares of common stock in at-the-market offerings.") == []


def test_a_sentence_that_opens_as_previously_disclosed_recalls_its_deal() -> None:
    # eval b28_06: a weekly update recounting a notes offering closed three days before (and reported
    # in its own 8-K) raised a second convertible note.
    recalled = (
        "As previously disclosed, on March 3, 2025, the Company completed a private offering of $800 million "
        "aggregate principal amount of 0.625% convertible senior notes due 2030."
    )
    assert current_report(recalled) == []
    [note] = current_report("O" + recalled.removeprefix("As previously disclosed, o"))
    assert note.fields["principal"] == 800000000.0


def test_a_list_item_is_read_with_the_words_that_open_its_list() -> None:
    # A quarterly update listed the notes "outstanding" one per line: each line, read alone, named
    # notes with their principal and raised a convertible note.
    listed = (
        "As of December 31, 2024, the following convertible notes were outstanding:\n\u00b7\n"
        '$1.050 billion aggregate principal amount of 0% Convertible Senior Notes due 2027 (the "2027 Notes");\n'
        "\u00b7\n$800.0 million aggregate principal amount of 0.625% Convertible Senior Notes due 2030.\n"
    )
    assert current_report(listed) == []
    sold = (
        "On March 3, 2025, the Company issued and sold the following securities:\n\u00b7\n"
        "$5,000,000 aggregate principal amount of 8% Convertible Notes due 2027;\n"
    )
    [note] = current_report(sold)
    assert note.fields["principal"] == 5000000.0


def test_preferred_in_an_underwritten_issuance_and_sale_is_sold_with_its_count() -> None:
    events = current_report(
        "On March 20, 2025, the Company entered into an underwriting agreement with Morgan Stanley & Co. LLC, as "
        "representative of the several underwriters, relating to the issuance and sale in an underwritten offering "
        '(the "Offering") of 8,500,000 shares of the Company\'s 10.00% Series A Perpetual Preferred Stock, par value '
        "$0.001 per share, at a public offering price of $85.00 per share."
    )
    [preferred] = [event for event in events if event.type == "preferred_stock"]
    assert preferred.fields["shares"] == 8500000
    assert "share_sale" not in {event.type for event in events}  # the price is the preferred's, no common sale


def test_a_frame_adds_the_price_a_pattern_left_out_of_the_same_sentence() -> None:
    # A pattern read the count from "private placement of ... 574,478 shares"; the price cue after
    # it was the frame's to attach, and the frame used to stand aside for the whole sentence.
    events = current_report(
        "On March 4, 2025, the Company completed the second and final closing of a $21.5 million private "
        'placement of an aggregate of 574,478 shares (the "Shares") of the Company\'s common stock, $0.01 par '
        "value per share, at a per share purchase price of $6.25, and warrants to purchase up to an additional "
        '114,895 shares of Common Stock (the "Warrants"), exercisable at $8.50 per share.'
    )
    by_type = {event.type: event.fields for event in events}
    assert (by_type["share_sale"]["shares"], by_type["share_sale"]["price_per_share"]) == (574478, 6.25)
    # "private placement" sells the warrants too, and "up to an additional" is read past to the count.
    assert (by_type["warrant"]["warrant_shares"], by_type["warrant"]["exercise_price"]) == (114895, 8.5)


def test_two_warrant_series_one_sentence_lists_by_their_counts_stay_two_events() -> None:
    events = current_report(
        "As additional consideration for the purchase of the Shares, the Company issued to the investors warrants "
        "to purchase an aggregate of 3,075,273 shares of Common Stock at $2.00 per share and warrants to purchase "
        "an aggregate of 2,050,185 shares of Common Stock at $2.50 per share. Each Warrant has a five-year term."
    )
    series = sorted(
        (event.fields["warrant_shares"], event.fields.get("exercise_price"), event.fields.get("term_years"))
        for event in events
        if event.type == "warrant"
    )
    assert series == [(2050185, 2.5, 5), (3075273, 2.0, 5)]


def test_an_exact_figure_beats_the_approximate_one_an_earlier_sentence_gave() -> None:
    sale = the_event(
        "share_sale",
        "On March 3, 2025, the Company entered into a definitive agreement for the sale of approximately "
        "10,000,000 shares of Common Stock at a purchase price of $1.50 per share for aggregate gross proceeds "
        "of approximately $15,000,000. On March 5, 2025, the Company closed the sale of 10,250,958 shares of "
        "Common Stock to 60 investors at $1.50 per share for aggregate gross proceeds of $15,376,450.",
    )
    assert (sale.fields["shares"], sale.fields["gross_proceeds"]) == (10250958, 15376450.0)


def test_primary_shares_are_the_offerings_count_not_the_option_shares_beside_them() -> None:
    sale = the_event(
        "share_sale",
        "The Company today completed its previously-announced underwritten public offering of 12,650,000 "
        "primary shares of common stock at a public offering price of $2.00 per share, including 1,650,000 "
        "shares purchased by the underwriter upon full exercise of the option granted it by the Company.",
    )
    assert sale.fields["shares"] == 12650000


def test_a_private_placement_of_shares_named_after_the_company_is_read_with_its_figures() -> None:
    # "shares of Sonus Common Stock" matched no trigger of the share frame; "private placement" does.
    events = current_report(
        "On March 5, 2025, Sonus Pharmaceuticals, Inc. issued a press release announcing that it raised approximately "
        "$14.2 million in gross proceeds through a private placement to accredited investors of approximately 3.9 "
        "million shares of Sonus Common Stock. The Common Stock was sold at a price of $3.56 per share."
    )
    [sale] = [event for event in events if event.type == "share_sale"]
    assert (sale.fields["shares"], sale.fields["price_per_share"]) == (3900000, 3.56)
    assert sale.fields["gross_proceeds"] == 14200000.0


def test_units_issued_in_the_offering_are_sold_and_raised_gross_proceeds_are_its_total() -> None:
    events = current_report(
        'On March 5, 2025, Registrant announced the completion of a private placement (the "Offering"), in which '
        "Registrant raised approximately $27.5 million in gross proceeds. Pursuant to the Offering, Registrant issued "
        "units consisting of an aggregate of approximately 5.0 million shares of common stock, par value $.001 per "
        "share, and warrants to purchase an aggregate of approximately 1.0 million shares of Common Stock."
    )
    [sale] = [event for event in events if event.type == "share_sale"]
    assert (sale.fields["shares"], sale.fields["gross_proceeds"]) == (5000000, 27500000.0)


@pytest.mark.parametrize(
    "text",
    [
        # Existing notes whose holders a unit placement's closing deals with sell no notes.
        "Simultaneously with the closing of the Unit Placement, the Company closed a transaction with the holders of "
        'its 8% Convertible Notes (the "Notes").',
        # Shares contributed to a pension trust raise no money, though issued "in a private placement".
        "On March 5, 2025, the Company contributed 36,518,563 newly issued shares of its common stock to a master "
        "trust that holds the assets of its defined benefit pension plans, in a private placement.",
        # A warrant given for converting debt raises none either.
        "As further consideration for Dr. Gonella's agreement to convert his debt, on March 5, 2025 the Company "
        "issued to Dr. Gonella a five-year warrant to purchase 1,798,976 shares of Common Stock at $1.25 per share.",
    ],
)
def test_what_raises_no_money_makes_no_event(text: str) -> None:
    assert current_report(text) == []


def test_convertible_promissory_notes_in_a_list_are_the_deal_and_the_note_gives_its_maturity() -> None:
    # "convertible promissory note" as a trigger never matched "Notes"; "The Note is payable on ..."
    # names the note in the singular.
    events = current_report(
        '\u00b7 Convertible Promissory Notes (the "Notes") in the aggregate principal amount of $5,353,000, convertible '
        "into a total of 13,382,500 shares of the Company's common stock at a price of $0.40 per share. The Note is "
        "payable on January 25, 2030, subject to automatic extension on a month by month basis."
    )
    [notes] = [event for event in events if event.type == "convertible_note"]
    assert (notes.fields["principal"], notes.fields["conversion_price"]) == (5353000.0, 0.4)
    assert notes.fields["maturity"] == "2030-01-25"


def test_warrant_series_named_by_their_defined_terms_stay_apart_though_their_counts_agree() -> None:
    events = current_report(
        'On March 5, 2025, the Company issued Common Stock Purchase Warrants (the "Series A Warrant") entitling the '
        "Subscribers to purchase up to an aggregate of 6,691,250 shares of the Company's common stock at a price of "
        '$0.48 per share. The Company issued Common Stock Purchase Warrants (the "Series B Warrant") to purchase up '
        "to an aggregate of 6,691,250 shares of the Company's common stock at a price of $0.60 per share."
    )
    prices = sorted(str(event.fields.get("exercise_price")) for event in events if event.type == "warrant")
    assert prices == ["0.48", "0.6"]


def test_a_subsidiarys_preferred_placement_sized_in_dollars_gives_its_gross_proceeds() -> None:
    preferred = the_event(
        "preferred_stock",
        "On March 5, 2025, Viragen International, a majority-owned subsidiary of the Company, completed a private "
        "placement of $315,400 consisting of 3,154 shares of Series D 24% Cumulative Preferred Stock.",
    )
    assert (preferred.fields["shares"], preferred.fields["gross_proceeds"]) == (3154, 315400.0)


@pytest.mark.parametrize(
    "text",
    [
        # Notes surrendered for a new note raise nothing.
        "In exchange, on March 5, 2025 the Company issued to GI a secured convertible promissory note with a "
        'principal amount of $6,400,000.00 ("GI Exchange Note").',
        # A prospectus recounting notes issued over a past period (now that the plural is a trigger).
        "Between January 1, 2025 and March 1, 2025, we issued a series of convertible promissory notes in the "
        "aggregate principal amount of $1,098,000.",
    ],
)
def test_notes_exchanged_or_recounted_over_a_period_are_no_sale(text: str) -> None:
    assert fields_of("convertible_note", text) == []


def test_a_closing_of_a_previously_announced_preferred_sale_is_the_deal() -> None:
    # "previously" rules out a recollection; "closed the previously announced sale" is this deal closing.
    preferred = the_event(
        "preferred_stock",
        "On March 5, 2025, the Company closed the previously announced sale of 2,000 shares of its Series B "
        "Convertible Preferred Stock, stated value $1,000 per share, for gross proceeds of $2,000,000.",
    )
    assert (preferred.fields["shares"], preferred.fields["gross_proceeds"]) == (2000, 2000000.0)
    # The same words recalling it in a later report's aside stay history.
    assert current_report("The Series B Convertible Preferred Stock was previously sold in 2,000 shares.") == []


def test_a_registered_direct_of_adss_with_pre_funded_warrants_despite_their_blocker() -> None:
    # The blocker ("beneficially owning more than 4.99% ... of the outstanding ADSs") is no history,
    # "priced at" gives the price, and "$3.0 million of its American Depositary Shares" the total.
    events = current_report(
        "On March 3, 2025, the Company entered into a securities purchase agreement with certain institutional "
        'investors to purchase $3.0 million of its American Depositary Shares ("ADSs") and pre-funded warrants in a '
        "registered direct offering. Under the terms of the Securities Purchase Agreement, the Company agreed to sell "
        "to the institutional investors a total of 625,000 ADSs priced at $4.00 per ADS, pre-funded warrants "
        "exercisable for 125,000 ADSs, issuable to investors whose purchase of ADSs would otherwise result in such "
        "investor beneficially owning more than 4.99% (or, at the election of the holder, 9.99%) of the outstanding "
        "ADSs immediately following the consummation of the Offering."
    )
    by_type = {event.type: event.fields for event in events}
    assert (by_type["share_sale"]["shares"], by_type["share_sale"]["price_per_share"]) == (625000, 4.0)
    assert by_type["share_sale"]["gross_proceeds"] == 3000000.0
    assert by_type["warrant"]["warrant_shares"] == 125000


def test_the_total_issued_after_the_purchasers_option_outweighs_the_amount_first_agreed() -> None:
    # eval b17_01: $350.0 million agreed, the option exercised, "a total of $400.0 million ... were issued".
    event = the_event(
        "convertible_note",
        "On February 24, 2025, the Company entered into a purchase agreement with the initial purchasers, pursuant"
        " to which the Company agreed to issue and sell $350.0 million aggregate principal amount of its 0.25%"
        ' Convertible Senior Notes due 2030 (the "Notes"). The Initial Purchasers exercised their option in full on'
        " February 25, 2025 and a total of $400.0 million aggregate principal amount of Notes were issued pursuant to"
        " the Purchase Agreement on February 27, 2025.",
    )
    assert event.fields["principal"] == 400_000_000.0 and event.fields["interest_rate"] == 0.25


def test_the_agent_is_the_division_named_first_not_the_firm_it_belongs_to() -> None:
    # eval b18_02: "Brookline Capital Markets, a division of Arcadia Securities, LLC, acted as ...".
    event = the_event(
        "finder_fee",
        "The Company sold 1,000,000 shares of common stock at $2.00 per share in a private placement, for gross"
        " proceeds of $2.0 million before deducting fees. Brookline Capital Markets, a division of Arcadia"
        " Securities, LLC, acted as sole placement agent for the private placement.",
    )
    assert event.fields["recipient"] == "Brookline Capital Markets"


def test_two_named_warrant_series_of_the_same_count_stay_two() -> None:
    # eval b18_02: series A and series B "common stock purchase warrants", each for 1,948,295 shares
    # at $0.64, one for eighteen months and one for five years, were one warrant.
    warrants = fields_of(
        "warrant",
        "On February 4, 2025 the Company closed its private placement of an aggregate of 1,948,295 shares of"
        " common stock, series A common stock purchase warrants to purchase an aggregate of 1,948,295 shares of"
        " common stock, with an exercise price of $0.64 per share, for a term of eighteen (18) months, and"
        " series B common stock purchase warrants to purchase an aggregate of 1,948,295 shares of common stock"
        " with an exercise price of $0.64 per share, for a term of five (5) years.",
    )
    assert sorted(fields.get("term_years", 0) for fields in warrants) == [1.5, 5]


def test_warrants_named_without_figures_count_only_beside_another_sale_in_their_sentence() -> None:
    # eval b5_03: notes of $4,450,000 issued "together with the issuance of warrants" to acquire
    # common stock; corpus-wide fin_ocugen: an agreement's lock-up ("will not ... sell ... warrants or
    # any rights to purchase") sells nothing, and must raise no warrant.
    beside = fields_of(
        "warrant",
        'On March 3, 2025, two Convertible Notes (the "Initial Notes") in an aggregate original principal amount of'
        " $4,450,000 will be issued to the Holders, together with the issuance of warrants to acquire common"
        " stock of the Company.",
    )
    assert beside == [{}]
    alone = fields_of(
        "warrant",
        "The Company will not offer to sell, sell, contract to sell or otherwise dispose of any Common Stock,"
        " warrants or any rights to purchase Common Stock during the period of thirty days.",
    )
    assert alone == []


def test_a_frame_whose_bare_sale_counts_is_asked_only_of_a_sentence_with_a_cue_or_a_sale_word() -> None:
    # The instrument's name alone is in every sentence its triggers find: half the sentences the
    # warrant frame read held neither a cue nor a sale word, and gave nothing.
    [frame] = [rule for rule in SHIPPED.rules if rule.id == "warrant-frame"]
    assert not frame.may_match("Holders of the warrants have no voting rights until they exercise them.")
    assert frame.may_match("The notes will be issued together with the issuance of warrants to the Holders.")
    assert frame.may_match("Warrants to purchase 1,000 shares of common stock are outstanding.")


def test_a_sale_of_the_notes_told_elsewhere_is_no_sale_without_a_figure() -> None:
    # eval b19_06: an SEC comment letter asks for "the market price ... on the date of the sale of
    # the convertible debentures": no sale of its own, and no event; named afresh, it is one.
    told = "We ask for the market price per share on the date of the sale of the convertible debentures."
    assert fields_of("convertible_note", told) == []
    assert fields_of(
        "convertible_note", "On March 3, 2025, the Company issued convertible debentures to an investor."
    ) == [{}]


def test_what_a_warrant_cost_is_no_exercise_price() -> None:
    # A SPAC's sponsor warrants "at a price of $1.00 per Private Placement Warrant" were reported
    # with an exercise price of $1.00: a field's `not_after` words rule the price out.
    text = (
        "Simultaneously with the closing of the IPO, the Company consummated the private placement of 5,000,000 "
        'warrants (the "Private Placement Warrants") to Harbor Sponsor LLC at a price of $1.00 per Private '
        "Placement Warrant, generating gross proceeds of $5,000,000."
    )
    assert fields_of("warrant", text) == [{"warrant_shares": 5_000_000}]
    priced = "The Company issued warrants to purchase 5,000,000 shares of common stock at a price of $2.50 per share."
    assert [fields.get("exercise_price") for fields in fields_of("warrant", priced)] == [2.5]


def test_a_spacs_units_give_their_public_warrants_price_and_the_sponsor_warrants_their_count() -> None:
    # A SPAC's IPO 8-K: the public warrants' exercise price is told in the unit's description, the
    # sponsor's warrants "at a price of $1.00 per Private Placement Warrant" cost $1.00 each.
    text = (
        'On March 3, 2025, the Company consummated its initial public offering of 10,000,000 units (the "Units"). '
        "Each Unit consists of one Class A ordinary share, par value $0.0001 per share, and one-half of one "
        "redeemable warrant of the Company, each whole warrant entitling the holder thereof to purchase one Class A "
        "ordinary share for $11.50 per share. Simultaneously with the closing of the IPO, the Company consummated the "
        'private placement of 5,000,000 warrants (the "Private Placement Warrants") to Harbor Sponsor LLC at a price '
        "of $1.00 per Private Placement Warrant, generating gross proceeds of $5,000,000."
    )
    warrants = fields_of("warrant", text)
    assert {w.get("exercise_price") for w in warrants} - {None} == {11.5}
    assert 5_000_000 in {w.get("warrant_shares") for w in warrants}

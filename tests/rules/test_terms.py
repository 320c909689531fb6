"""Defined terms: a party named once, `X (the "Agent")`, and referred to after as "the Agent"."""

from __future__ import annotations

import pytest

from filings.model import Document, Filing, Header
from rules.engine import RuleSet, scan_filing
from rules.terms import DefinedTerms

AGREEMENT = (
    'This PURCHASE AGREEMENT is made by and between NORTHWIND DEVICES, INC., a Nevada corporation (the "Company"), '
    'and HARBOR CREST CAPITAL FUND, LLC, a Delaware limited liability company (the "Investor"). The Company engaged '
    "Ridgeway Securities LLC (\u201cRidgeway\u201d) as placement agent."
)


@pytest.mark.parametrize(
    ("captured", "party"),
    [
        ("Investor", "HARBOR CREST CAPITAL FUND, LLC"),
        ("the Investor", "HARBOR CREST CAPITAL FUND, LLC"),
        ("Ridgeway", "Ridgeway Securities LLC"),  # curly quotes, and a short name for a long one
        ("Company", None),  # the filer itself is no counterparty
        ("Purchaser", None),  # never defined here
    ],
)
def test_a_defined_term_resolves_to_the_party_it_names(captured: str, party: str | None) -> None:
    assert DefinedTerms(AGREEMENT).resolve(captured) == party


def test_a_fee_paid_to_the_agent_names_the_agent(ruleset: RuleSet) -> None:
    text = (
        'Lakeview Therapeutics, Inc. confirms its agreement with Marlow Capital Markets LLC (the "Agent"), as follows. '
        "The Company may issue and sell through the Agent, from time to time, shares of common stock. The Company "
        "shall pay to the Agent in cash, upon each sale of Placement Shares, an amount equal to 3.0% of the aggregate "
        "gross proceeds from each sale of Placement Shares."
    )
    filing = Filing("x", Header(filed="2024-06-10"), [Document("EX-10.1", 1, None, None, text)])
    found = {e.type: e.fields for e in scan_filing(filing, ruleset)}
    assert found["atm_program"]["agent"] == "Marlow Capital Markets LLC"
    assert found["finder_fee"]["recipient"] == "Marlow Capital Markets LLC" and found["finder_fee"]["percent"] == 3.0


PROSPECTUS = (
    "We have entered into a sales agreement with Osprey Partners LLC (now known as Kestrel Osprey LLC), or Kestrel, "
    "relating to shares of our common stock. We may sell shares through our sales agents, Dunmore & Co., Halvard "
    "Securities, Inc. and Pell Capital LLC, collectively, the Sales Agents. With Tarn Trading Inc., or Tarn, as agent."
)


@pytest.mark.parametrize(
    ("captured", "party"),
    [
        ("Kestrel", "Kestrel Osprey LLC"),  # defined with no quotes, and a firm that changed its name
        ("the Sales Agents", "Dunmore & Co., Halvard Securities, Inc. and Pell Capital LLC"),
        ("Tarn", "Tarn Trading Inc."),  # not "With Tarn Trading Inc.", not across the sentence before
    ],
)
def test_a_prospectus_defines_a_party_without_quotes(captured: str, party: str) -> None:
    assert DefinedTerms(PROSPECTUS).resolve(captured) == party


def test_a_fee_paid_to_agents_defined_together_names_the_first(ruleset: RuleSet) -> None:
    text = PROSPECTUS + (
        " The Sales Agents will be entitled to compensation at a commission rate of up to 3.0% of the gross sales "
        "price per share sold."
    )
    filing = Filing("x", Header(filed="2024-06-10"), [Document("HTML", 1, None, None, text)])
    fees = [e.fields for e in scan_filing(filing, ruleset) if e.type == "finder_fee"]
    assert fees and fees[0]["recipient"] == "Dunmore & Co." and fees[0]["percent"] == 3.0


def test_a_defined_party_is_not_taken_from_the_clause_before_it() -> None:
    text = (
        "In connection with the Private Placement, the Company entered into an agreement with Ridgeway Securities "
        'LLC ("Ridgeway"), pursuant to which the Company agreed to pay Ridgeway a cash fee.'
    )
    assert DefinedTerms(text).resolve("Ridgeway") == "Ridgeway Securities LLC"


def test_a_firm_acting_through_another_is_the_party_the_term_names() -> None:
    text = (
        'Dawson James Securities, through ViewTrade Financial (the "Placement Agent"), acted as our exclusive '
        "placement agent. We paid to the Placement Agent a cash fee equal to 8% of the aggregate proceeds raised."
    )
    assert DefinedTerms(text).resolve("the Placement Agent") == "Dawson James Securities"


def test_one_parenthesis_may_define_a_term_and_its_plural() -> None:
    # corpus-blind4 fin_mara_atm_424b5: `(each a "Sales Agent" and collectively the "Sales Agents")`
    # defined neither, and the fee went to "Sales Agents".
    text = (
        "We have entered into an at-the-market offering agreement with Harbor Securities Inc., Quay Markets Corp. and"
        ' Dunmore & Co. (each a "Sales Agent" and collectively the "Sales Agents"), under which we may sell shares.'
    )
    terms = DefinedTerms(text)
    agents = terms.resolve("the Sales Agents")
    assert agents is not None and agents.startswith("Harbor Securities Inc.")
    assert terms.resolve("Sales Agent") == agents

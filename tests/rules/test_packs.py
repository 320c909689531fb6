"""The shipped rule packs: their own examples, and no event in any filing that has none."""

from __future__ import annotations

from pathlib import Path

import pytest

from filings.reader import read_path
from rules.engine import RuleSet, scan_filing
from rules.loader import load_rules
from rules.testing import run_examples
from tests.conftest import SAMPLES


def test_every_example_in_the_packs_passes() -> None:
    failures = [r.describe() for r in run_examples(load_rules()) if not r.passed]
    assert not failures, "\n".join(failures)


def test_every_event_type_has_a_rule() -> None:
    assert {r.rule.event for r in load_rules()} == {
        "share_sale",
        "warrant",
        "finder_fee",
        "convertible_note",
        "preferred_stock",
        "atm_program",
    }


def test_no_rule_fires_on_any_negative_filing(corpus: Path, ruleset: RuleSet) -> None:
    negatives = sorted(corpus.glob("neg_*"))
    assert negatives
    for path in negatives:
        assert scan_filing(read_path(path), ruleset) == [], path.name


def test_no_event_in_the_earnings_sample(ruleset: RuleSet) -> None:
    assert scan_filing(read_path(SAMPLES / "004_earnings_8k_no_financing.htm"), ruleset) == []


def test_series_of_warrants_stay_apart(corpus: Path, ruleset: RuleSet) -> None:
    events = scan_filing(read_path(corpus / "fin_ensysce_424b5_2025.txt"), ruleset)
    warrants = sorted(
        (e.fields.get("warrant_shares"), e.fields.get("exercise_price"), e.fields.get("term_years"))
        for e in events
        if e.type == "warrant"
    )
    assert warrants == [(75594, 0.0001, None), (315188, 3.24, 1.5), (315188, 3.24, 5)]


def test_placement_agent_warrants_are_fee_not_warrant(corpus: Path, ruleset: RuleSet) -> None:
    events = scan_filing(read_path(corpus / "fin_ensysce_424b5_2025.txt"), ruleset)
    [fee] = [e for e in events if e.type == "finder_fee"]
    assert fee.fields["warrant_shares"] == 22063
    assert fee.fields["cash"] == 77000.0


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (
            "001_old_text_8k_convertible_1999.txt",
            {
                "convertible_note": {
                    "principal": 3000000.0,
                    "conversion_price": 4.25,
                    "interest_rate": 7.0,
                    "maturity": "2002-06-08",
                },
                "finder_fee": {"cash": 180000.0, "role": "finder"},
            },
        ),
        (
            "002_modern_8k_pipe_2024.txt",
            {
                "share_sale": {"shares": 4000000, "price_per_share": 2.5, "gross_proceeds": 12500000.0},
                "warrant": {"warrant_shares": 4000000, "exercise_price": 3.0, "term_years": 5},
                "finder_fee": {"recipient": "Northgate Securities LLC", "percent": 6.5},
                "preferred_stock": {"shares": 2500, "stated_value": 1000.0, "conversion_price": 2.75},
            },
        ),
    ],
)
def test_samples(ruleset: RuleSet, sample: str, expected: dict[str, dict[str, object]]) -> None:
    events = {e.type: e.fields for e in scan_filing(read_path(SAMPLES / sample), ruleset)}
    assert set(events) == set(expected)
    for kind, fields in expected.items():
        assert {k: events[kind].get(k) for k in fields} == fields


def test_contradicting_numbers_are_flagged_not_changed(ruleset: RuleSet) -> None:
    events = scan_filing(read_path(SAMPLES / "002_modern_8k_pipe_2024.txt"), ruleset)
    [sale] = [e for e in events if e.type == "share_sale"]
    assert sale.fields["gross_proceeds"] == 12500000.0
    assert any("but gross_proceeds = $12,500,000" in check for check in sale.checks)

"""`scan --explain`: why a sentence gave an event, or why it did not (scope, exclusion, date)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fakes.filings import enveloped
from monitor.cli.main import main
from tests.conftest import SEED

OLD_SALE = b"""<html><body><p>Item 8.01 Other Events.</p>
<p>On March 3, 2015, the Company sold 1,000,000 shares of common stock at a price of $2.00 per share
in a private placement.</p></body></html>"""

QUARTERLY = b"""<html><body><p>NOTES TO FINANCIAL STATEMENTS</p>
<p>The Company paid a finder's fee of $50,000 in cash to an unrelated third party.</p></body></html>"""


def explained(capsys: pytest.CaptureFixture[str], *paths: Path) -> str:
    assert main(["scan", "--explain", *map(str, paths)]) == 0
    return capsys.readouterr().out


def write(tmp_path: Path, name: str, body: bytes, form: str, day: date) -> Path:
    filing = enveloped(body, accession="0001234567-24-000001", cik="1234567", company="ACME CORP", form=form, day=day)
    path = tmp_path / name
    path.write_bytes(filing.body)
    return path


def test_an_event_built_across_sentences_names_them_and_an_exclusion_names_its_phrase(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = explained(capsys, SEED)
    assert "* share_sale: shares=520,324, price_per_share=$15.375, gross_proceeds=$8,000,000" in out
    assert "built across 4 sentences: @706, @960, @1496, @2435" in out  # the agreement, the sale, the parties
    assert "- share-sale-price: excluded by the phrase 'exercise price of'" in out
    assert "+ shares-sold: found shares=520324, security=common stock, price_per_share=15.375" in out
    assert "events: 3" in out


def test_a_sale_dated_long_before_the_filing_is_set_aside_as_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = explained(capsys, write(tmp_path, "old.txt", OLD_SALE, "8-K", date(2024, 6, 3)))
    assert "On March 3, 2015, the Company sold 1,000,000 shares" in out
    assert "shares-sold: history: a date long before the filing (2024-06-03)" in out
    assert "events: 0" in out


def test_rules_kept_out_by_the_form_are_named_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = explained(capsys, write(tmp_path, "q.txt", QUARTERLY, "10-Q", date(2024, 6, 3)))
    (scope,) = [line for line in out.splitlines() if "the filing's role (periodic_report) is ruled out" in line]
    assert "finders-fee" in scope.split(": ", 2)[2].split(", ")  # a 10-Q's notes recall fees, they pay none now
    assert "events: 0" in out


def test_explain_leaves_the_json_output_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--json", str(SEED)]) == 0
    (line,) = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert sorted(line) == ["accession", "cik", "company", "events", "filed", "form", "source"]
    assert [e["type"] for e in line["events"]] == ["share_sale", "warrant", "finder_fee"]


def test_a_frame_reading_dropped_for_want_of_a_sale_word_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The count stands by the mention, but nothing before it sells: a count is no term, and the
    # reading was dropped without a word.
    body = b"<html><body><p>Holders own 8,500,000 shares of the Company's Series A Preferred Stock.</p></body></html>"
    out = explained(capsys, write(tmp_path, "held.htm", body, "8-K", date(2025, 3, 21)))
    assert "preferred-stock-frame: no sale word before the mention, and its counts and names are no terms" in out

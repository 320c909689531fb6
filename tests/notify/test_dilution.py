"""Dilution as the alert states it: shares sold apart from warrant and conversion shares."""

from __future__ import annotations

from datetime import date

from monitor.edgar.facts import SharesOutstanding
from monitor.notify.base import AlertEvent
from monitor.notify.dilution import NewShares, dilution_line, new_shares
from monitor.notify.sample import seed_alert

OUTSTANDING = SharesOutstanding(12_650_000, date(2000, 3, 31))


def test_the_seeds_shares_and_warrant_shares_against_those_outstanding() -> None:
    events = seed_alert().events
    new = new_shares(events)
    assert new.sold == 520_324 and new.warrants >= 104_000 and new.conversion == 0
    line = dilution_line(events, OUTSTANDING)
    assert line is not None
    assert line.startswith("520,324 shares sold = 4.1%; ")
    assert line.endswith(" of 12,650,000 outstanding (2000-03-31)")


def test_notes_and_preferred_count_the_shares_they_convert_into() -> None:
    notes = AlertEvent("convertible_note", "r", {"principal": 2_000_000.0, "conversion_price": 0.85}, "")
    preferred = AlertEvent(
        "preferred_stock", "r", {"shares": 1_000, "gross_proceeds": 1_000_000.0, "conversion_price": 2.0}, ""
    )
    assert new_shares([notes, preferred]) == NewShares(conversion=2_352_941 + 500_000)


def test_without_the_figure_the_alert_says_it_is_unknown_and_without_counts_says_nothing() -> None:
    sale = AlertEvent("share_sale", "r", {"shares": 1_000_000}, "")
    assert dilution_line([sale], None) == "1,000,000 shares sold; shares outstanding unknown"
    assert dilution_line([AlertEvent("atm_program", "r", {"max_amount": 5e7}, "")], OUTSTANDING) is None

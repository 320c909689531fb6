from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from monitor.cli.alerts import print_alerts
from monitor.cli.tables import print_table
from monitor.extraction import scan_one
from rules.catalogue import format_fields, format_value
from rules.engine import RuleSet


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (8000000.0, "money", "$8,000,000"),
        (15.375, "money", "$15.375"),
        (21.0, "money", "$21.00"),
        (0.0001, "money", "$0.0001"),
        (7.0, "percent", "7%"),
        (1.5, "term", "1.5 years"),
        (1, "term", "1 year"),
        (520324, "count", "520,324"),
        (["A Inc.", "B Ltd."], "names", "A Inc., B Ltd."),
    ],
)
def test_values_read_as_a_person_writes_them(value: object, kind: str, shown: str) -> None:
    assert format_value(value, kind) == shown  # type: ignore[arg-type]


def test_fields_take_their_type_from_the_event() -> None:
    assert format_fields("warrant", {"warrant_shares": 104000, "exercise_price": 21.0, "term_years": 5}) == (
        "warrant_shares=104,000, exercise_price=$21.00, term_years=5 years"
    )


def test_an_empty_alert_list_says_so_instead_of_a_bare_frame() -> None:
    out = StringIO()
    print_alerts(([], {}), Console(file=out, width=80), as_json=False)
    assert out.getvalue() == "no alerts waiting: every alert was sent (`alerts list --all` shows them)\n"


def test_a_narrow_table_never_cuts_a_number_in_two(tmp_path: Path, ruleset: RuleSet) -> None:
    document = tmp_path / "securities-purchase-agreement-exhibit-10-1-of-the-current-report.htm"
    document.write_text(
        "<html><body><p>On November 20, 2026, Acme Widgets Corporation entered into a securities purchase "
        "agreement under which it sold 2,500,000 shares of its common stock at a price of $5.00 per share, "
        "for gross proceeds of $12,500,000, in a private placement.</p></body></html>"
    )
    result = scan_one(str(document), ruleset)
    assert result.events, "the sample must raise an event for the table to show it"
    out = StringIO()
    print_table([result], Console(file=out, width=64, color_system=None))
    shown = out.getvalue()
    for number in ("$12,500,000", "2,500,000", "$5.00"):
        assert number in shown, shown
    assert max(len(line) for line in shown.splitlines()) <= 64  # and the table still fits the terminal


def test_a_compact_table_fits_80_columns_with_two_lines_a_row_at_most() -> None:
    # Issue 23: at 80 columns an events list row took 6 to 11 lines.
    from monitor.cli.tables import Cell, compact_table, key_numbers

    terms = key_numbers("share_sale", {"shares": 4000000, "price_per_share": 2.5, "gross_proceeds": 12500000.0})
    assert terms == "4,000,000; $2.50; $12,500,000"
    assert key_numbers("warrant", {}) == "terms not stated"
    long_name = "8-K " + "VERY LONG COMPANY NAME HOLDINGS " * 4
    rows: list[tuple[Cell, ...]] = [
        ("2024-11-18", long_name, "convertible_note", terms + "; " + "more words " * 20)
    ] * 3
    console = Console(file=StringIO(), width=80, record=True)
    console.print(compact_table("Stored financing events", ("filed", "filing", "event", "terms"), rows, 80))
    lines = console.export_text().splitlines()
    body = [line for line in lines[4:] if line.strip()]
    assert all(len(line) <= 80 for line in lines)
    assert len(body) <= 2 * len(rows) and "…" in "".join(body)
    assert "convertible_note" in body[0] and "2024-11-18" in body[0]

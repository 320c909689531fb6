from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console

from monitor.cli.alerts import print_alerts
from rules.catalogue import format_fields, format_value


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
    print_alerts([], Console(file=out, width=80), as_json=False)
    assert out.getvalue() == "no alerts waiting: every alert was sent (`alerts list --all` shows them)\n"

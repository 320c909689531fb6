"""Choosing among candidate numbers: the declared cross-checks pick values that agree."""

from __future__ import annotations

from rules.events import Partial, merge
from rules.fields import FieldValue


def partial(priority: int, start: int, **fields: FieldValue) -> Partial:
    return Partial("share_sale", f"rule-{start}", priority, False, fields, None, start, start + 10, "text", "S-1")


def test_the_values_that_satisfy_shares_times_price_win_over_a_louder_one() -> None:
    (event,) = merge(
        [
            partial(3, 0, shares=200_000_000),  # what a charter authorises, said loudly
            partial(1, 20, shares=25_000_000, price_per_share=10.0),
            partial(1, 40, gross_proceeds=250_000_000.0),
        ]
    )
    assert event.fields["shares"] == 25_000_000
    assert event.checks == [
        "shares 200,000,000 left out: it disagrees with shares x price_per_share = gross_proceeds"
    ]  # named, so that a reader knows the filing also states it


def test_when_no_candidates_agree_the_vote_stands_and_the_check_says_so() -> None:
    (event,) = merge([partial(1, 0, shares=1_000, price_per_share=2.0, gross_proceeds=9_000.0)])
    assert event.fields["shares"] == 1_000
    assert event.checks and "gross_proceeds" in event.checks[0]


def warrant(start: int, series: str | None, **fields: FieldValue) -> Partial:
    return Partial("warrant", f"rule-{start}", 1, False, fields, series, start, start + 10, "text", "424B5")


def test_a_count_that_only_totals_the_series_beside_it_is_no_series_of_its_own() -> None:
    # eval b20_02: "Unregistered Warrants to purchase up to 10,500,891 Unregistered Warrant Shares"
    # totals the Common Warrants and the Pre-Funded Warrants, and was reported as a third series.
    events = merge(
        [
            warrant(0, "common", warrant_shares=8_316_882, exercise_price=2.41),
            warrant(20, "pre funded", warrant_shares=2_184_009, exercise_price=0.01),
            warrant(40, "unregistered", warrant_shares=10_500_891),
        ]
    )
    assert sorted(e.fields["warrant_shares"] for e in events) == [2_184_009, 8_316_882]


def test_a_series_whose_count_matches_a_sum_by_chance_but_states_its_own_terms_stays() -> None:
    events = merge(
        [
            warrant(0, "series a", warrant_shares=1_000),
            warrant(20, "series b", warrant_shares=2_000),
            warrant(40, "series c", warrant_shares=3_000, exercise_price=4.0),
        ]
    )
    assert len(events) == 3

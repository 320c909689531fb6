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

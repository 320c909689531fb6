"""Routing: which destinations a financing filing goes to, from [[routes]] and the default channel."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.edgar.tickers import TickerError, parse_tickers
from monitor.errors import ConfigError
from monitor.notify.routing import Route, Router, filing_amount
from monitor.settings import load_settings
from rules.catalogue import declare_all
from rules.events import Event
from rules.tomlfile import TomlFile

DEFAULT = Route("slack:#financings")
CONSOLE = ["console"]


def event(kind: str = "share_sale", rule: str = "shares-sold", **fields: object) -> Event:
    return Event(kind, rule, dict(fields), "evidence", 0, 8, "8-K")  # type: ignore[arg-type]


def route(**criteria: object) -> Route:
    return Route("slack:#big-deals", **criteria)  # type: ignore[arg-type]


def test_without_routes_every_financing_goes_to_the_console_and_the_default_channel() -> None:
    router = Router([], DEFAULT, CONSOLE)
    assert router.destinations("8-K", "930553", [event()], {}) == ["console", "slack:#financings"]
    assert router.destinations("8-K", "930553", [], {}) == []


def test_a_matching_channel_route_takes_the_alert_from_the_default() -> None:
    router = Router([route(types=frozenset({"convertible_note"}))], DEFAULT, CONSOLE)
    assert router.destinations("8-K", "1", [event("convertible_note")], {})[1:] == ["slack:#big-deals"]
    assert router.destinations("8-K", "1", [event("warrant")], {})[1:] == ["slack:#financings"]


def test_several_routes_fire_and_a_webhook_route_leaves_the_default_channel_alone() -> None:
    routes = [route(forms=("424B*",)), Route("webhook:crm", ciks=frozenset({"930553"}))]
    router = Router(routes, DEFAULT, [])
    assert router.destinations("424B5", "0000930553", [event()], {}) == ["slack:#big-deals", "webhook:crm"]
    assert router.destinations("8-K", "930553", [event()], {}) == ["webhook:crm", "slack:#financings"]


def test_event_criteria_must_hold_for_one_same_event() -> None:
    router = Router([route(types=frozenset({"warrant"}), tags=frozenset({"pipe"}))], None)
    tags = {"shares-sold": ["pipe"], "warrants": []}
    assert router.destinations("8-K", "1", [event(), event("warrant", "warrants")], tags) == []
    assert router.destinations("8-K", "1", [event("warrant", "shares-sold")], tags) == ["slack:#big-deals"]


def test_the_size_filter_uses_the_largest_amount_and_shares_times_price() -> None:
    big = route(min_amount=1_000_000)
    router = Router([big], DEFAULT)
    assert router.destinations("8-K", "1", [event(shares=520324, price_per_share=15.375)], {}) == ["slack:#big-deals"]
    assert router.destinations("8-K", "1", [event(gross_proceeds=999_999.0)], {}) == ["slack:#financings"]
    assert router.destinations("8-K", "1", [event("atm_program", max_amount=5e7)], {}) == ["slack:#big-deals"]
    assert router.destinations("8-K", "1", [event("warrant", warrant_shares=10)], {}) == ["slack:#financings"]
    assert filing_amount([event("warrant")]) is None


def test_a_ticker_watchlist_matches_through_the_secs_ticker_list() -> None:
    router = Router([route(tickers=frozenset({"NEOT"}))], None)
    assert router.destinations("8-K", "930553", [event()], {}) == []  # the list is not loaded yet
    router.tickers = parse_tickers(b'{"0": {"cik_str": 930553, "ticker": "neot", "title": "NeoTherapeutics"}}')
    assert router.destinations("8-K", "0000930553", [event()], {}) == ["slack:#big-deals"]
    with pytest.raises(TickerError):
        parse_tickers(b"<html>error page</html>")


@pytest.mark.parametrize(
    ("route_toml", "message"),
    [
        ('channel = "#a"\nwebhook = "crm"', "[[routes]] #2: a route names exactly one of `channel` or `webhook`"),
        ('channel = "#a"\ntypes = ["share_sales"]', "unknown event type 'share_sales'"),
        ('webhook = "nope"', ":8: route names webhook 'nope', which no [[webhooks]] entry defines"),
        ('channel = "#a"\nmin_amount = -1', "[[routes]] #2 min_amount: Input should be greater than or equal to 0"),
    ],
)
def test_a_bad_route_is_refused_naming_the_file_line_and_route(tmp_path: Path, route_toml: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[edgar]\nuser_agent = "T t@example.com"\n\n[[routes]]\nchannel = "#ok"\n\n'
        f'[[routes]]\n{route_toml}\n\n[[webhooks]]\nname = "crm"\nurl_env = "CRM"\n'
    )
    with pytest.raises(ConfigError) as refused:
        load_settings(config)
    assert message in str(refused.value) and str(config) in str(refused.value)


def test_a_packs_own_money_field_with_the_amount_role_is_what_min_amount_compares(tmp_path: Path) -> None:
    pack = tmp_path / "loan.toml"
    pack.write_text(
        '[[event]]\nname = "term_loan"\ntitle = "Term loan"\n'
        'fields.facility = { kind = "money", title = "Facility", role = "amount" }\n'
        'fields.fee = { kind = "money", title = "Fee" }\n'
    )
    declare_all(TomlFile.read(pack))
    loan = event("term_loan", facility=25_000_000.0, fee=100.0)
    assert filing_amount([loan]) == 25_000_000.0
    assert Route("slack:#big", min_amount=10_000_000).matches("8-K", "1", [loan], {}, {})


def test_an_alert_shows_the_first_ticker_the_sec_lists_for_its_filer() -> None:
    router = Router([], None)
    assert router.ticker_of("930553") is None  # no list yet: no ticker, no error
    router.tickers = {"BRK-A": "1067983", "BRK-B": "1067983", "NEOT": "930553"}
    assert router.ticker_of("0000930553") == "NEOT"
    assert router.ticker_of("1067983") == "BRK-A"
    assert router.ticker_of(None) is None

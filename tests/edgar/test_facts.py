"""Shares outstanding from XBRL company facts: parsed as the SEC serves them, asked once a day, never
waited on for long, and never an error for the alert that asks."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest

from fakes.edgar import FakeEdgar, FaultPlan
from monitor.edgar.client import EdgarClient
from monitor.edgar.facts import CompanyFacts, SharesOutstanding, facts_url, parse_shares_outstanding
from tests.conftest import edgar_settings, serving


def facts(*rows: dict[str, object]) -> bytes:
    units = {"shares": list(rows)}
    return json.dumps({"facts": {"dei": {"EntityCommonStockSharesOutstanding": {"units": units}}}}).encode()


def test_the_latest_figure_is_the_one_with_the_latest_date() -> None:
    body = facts(
        {"end": "2024-03-31", "val": 10_000_000, "filed": "2024-05-01"},
        {"end": "2024-10-31", "val": 12_650_000, "filed": "2024-11-10"},
        {"end": "2024-06-30", "val": 11_000_000, "filed": "2024-08-01"},
    )
    assert parse_shares_outstanding(body) == SharesOutstanding(12_650_000, date(2024, 10, 31))


def test_a_company_without_the_figure_has_none_and_a_broken_body_is_an_error() -> None:
    assert parse_shares_outstanding(json.dumps({"facts": {"us-gaap": {}}}).encode()) is None
    assert parse_shares_outstanding(facts({"end": "not a date", "val": 5})) is None
    with pytest.raises(ValueError, match="not JSON"):
        parse_shares_outstanding(b"<html>Service Unavailable</html>")


def test_the_address_pads_the_cik_to_ten_digits() -> None:
    assert (
        facts_url("https://data.sec.gov", "930553") == "https://data.sec.gov/api/xbrl/companyfacts/CIK0000930553.json"
    )


async def test_a_figure_is_asked_once_a_day_through_the_polite_client() -> None:
    fake = FakeEdgar()
    fake.shares_outstanding = {"930553": (12_650_000, "2000-03-31")}
    async with serving(fake.app()) as base_url, EdgarClient(edgar_settings(base_url)) as client:
        company = CompanyFacts(client, base_url)
        first = await company.shares_outstanding("0000930553")
        again = await company.shares_outstanding("930553")
        unknown = await company.shares_outstanding("1")  # the SEC answers 404: no figure, no error
        await company.aclose()
    assert first == again == SharesOutstanding(12_650_000, date(2000, 3, 31))
    assert unknown is None
    assert fake.stats.served["facts"] == 2 and fake.stats.undeclared == 0


async def test_a_slow_answer_costs_the_alert_a_moment_and_fills_the_cache_for_the_next() -> None:
    fake = FakeEdgar(faults=FaultPlan(rate=1.0, kinds=("slow",), slow_seconds=0.6, limit=1))
    fake.shares_outstanding = {"930553": (12_650_000, "2000-03-31")}
    async with serving(fake.app()) as base_url, EdgarClient(edgar_settings(base_url)) as client:
        company = CompanyFacts(client, base_url, wait_seconds=0.1)
        started = asyncio.get_running_loop().time()
        assert await company.shares_outstanding("930553") is None  # not within the moment it may wait
        assert asyncio.get_running_loop().time() - started < 0.5
        await asyncio.sleep(0.8)
        assert await company.shares_outstanding("930553") == SharesOutstanding(12_650_000, date(2000, 3, 31))
        await company.aclose()
    assert fake.stats.served["facts"] == 1  # the answer that came late was kept, not asked for again


async def test_the_look_up_is_off_when_the_data_url_is_empty() -> None:
    fake = FakeEdgar()
    async with serving(fake.app()) as base_url, EdgarClient(edgar_settings(base_url)) as client:
        assert await CompanyFacts(client, "").shares_outstanding("930553") is None
    assert fake.stats.requests == 0

"""The real daemon against the fake EDGAR and the fake Slack: exactly one message per financing filing,
through Slack's faults and rate limits, crashes at random moments, an outage, and a bad token."""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fakes.edgar import FakeEdgar
from fakes.filings import FakeFiling
from fakes.slack import FakeSlack, SlackFaults, render_mrkdwn
from monitor.edgar.calendar import edgar_today
from rules.engine import RuleSet
from storage.repository import Store
from tests.conftest import serving
from tests.daemon.conftest import (
    DaemonProcess,
    OpenStore,
    command,
    expected_events,
    renumbered_copies,
    stored_count,
    wait_until,
    write_config,
)
from tests.daemon.test_run import corpus_filings

TOKEN = "xoxb-test-token"


@dataclass
class Setup:
    fake_slack: FakeSlack
    config: Path
    store: Store
    financing: dict[str, FakeFiling]  # accession -> filing, for filings with at least one event
    published: list[FakeFiling]  # as the fake EDGAR serves them (stamped with their acceptance time)
    edgar: FakeEdgar


@asynccontextmanager
async def running_services(
    tmp_path: Path,
    filings: list[FakeFiling],
    ruleset: RuleSet,
    open_store: OpenStore,
    fake_slack: FakeSlack,
    extra: str = "",
    slack: dict[str, object] | None = None,
    tickers: dict[str, str] | None = None,
    outstanding: dict[str, tuple[int, str]] | None = None,
) -> AsyncIterator[Setup]:
    fake_edgar = FakeEdgar(rate_limit=10)
    fake_edgar.publish(*filings)
    fake_edgar.tickers = tickers or {}
    fake_edgar.shares_outstanding = outstanding or {}
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    async with serving(fake_edgar.app()) as edgar_url, serving(fake_slack.app()) as slack_url:
        slack_settings = {"base_url": f"{slack_url}/api/", "channel": "#financings", "timeout_seconds": 1.0}
        # EDGAR's limit is not under test here (tests/daemon/test_run.py holds it to 10/s): 8/s leaves room
        # for the fake EDGAR's own clock, which shares a busy event loop with the fake Slack.
        edgar: dict[str, object] = {"max_requests_per_second": 8, "poll_seconds": 1.0}
        config = write_config(tmp_path, edgar_url, url, edgar=edgar, slack=slack_settings | (slack or {}), extra=extra)
        financing = {f.accession: f for f in filings if expected_events(f, ruleset)}
        yield Setup(fake_slack, config, await open_store(url), financing, fake_edgar.filings, fake_edgar)
    assert fake_edgar.stats.violations == 0


def alerts_sent(setup: Setup) -> Callable[[], Awaitable[bool]]:
    async def done() -> bool:
        sent = await setup.store.list_alerts(["sent"], limit=10_000)
        return sum(1 for a, _ in sent if a.destination.startswith("slack:")) >= len(setup.financing)

    return done


def posted_accessions(fake: FakeSlack, channel: str | None = None) -> Counter[str]:
    """Each post (a message, or a reply in a deal's thread) by the filings it named when posted."""
    return Counter(fake.posted_accessions(channel))


def assert_exactly_one_message_per_financing_filing(setup: Setup) -> None:
    posted = posted_accessions(setup.fake_slack)
    assert posted == Counter(list(setup.financing)), f"doubled: {[a for a, n in posted.items() if n > 1]}"
    for message in setup.fake_slack.posts:
        filing = setup.financing[message["metadata"]["event_payload"]["accessions"]]
        header = re.search(rb"COMPANY CONFORMED NAME:\s*(.+)", filing.body)
        assert header is not None
        company = header.group(1).decode().strip()
        assert f"{company} ({filing.form}, {filing.accession})" in render_mrkdwn(message["text"])


async def test_each_financing_filing_gets_one_message_through_slack_faults_and_rate_limits(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    # Stricter than Slack (and than our pacing of one message per 1.05 s): 429s happen and are waited out.
    fake = FakeSlack(token=TOKEN, faults=SlackFaults(rate=0.2, slow_seconds=1.5), per_channel_per_second=0.8)
    filings = sample_filings + corpus_filings()
    async with running_services(tmp_path, filings, ruleset, open_store, fake) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": TOKEN})
        await daemon.start()
        await wait_until(stored_count(setup.store, len(filings), "done"), 120, daemon)
        await wait_until(alerts_sent(setup), 120, daemon)
        await asyncio.sleep(1.5)  # anything late would show now
        assert (await daemon.stop())[0] == 0
    assert 0 < len(setup.financing) < len(filings)  # the earnings 8-K and the corpus negatives get none
    assert_exactly_one_message_per_financing_filing(setup)
    assert fake.stats.faults["500"] > 0 and fake.stats.faults["slow"] > 0 and fake.stats.errors["ratelimited"] > 0
    sent = {a.external_id for a, _ in await setup.store.list_alerts(["sent"], limit=1000)} - {None}
    assert sent >= {m["ts"] for m in fake.posts} - {None} or len(sent) == len(setup.financing)
    assert "Traceback" not in daemon.text()


async def test_killed_at_random_moments_while_delivering_five_times_still_one_message_each(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    # Slow answers (the message is posted, the answer comes late) widen the window between Slack's
    # answer and our commit, where a kill hurts most.
    fake = FakeSlack(token=TOKEN, faults=SlackFaults(rate=0.4, kinds=("slow",), slow_seconds=0.6))
    filings = renumbered_copies(sample_filings, 30, edgar_today())
    chance = random.Random(4)
    async with running_services(tmp_path, filings, ruleset, open_store, fake) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": TOKEN})
        for _ in range(5):
            before = len(fake.posts)
            await daemon.start()
            await wait_until(_more_messages(fake, before), 60, daemon)
            await asyncio.sleep(chance.uniform(0.0, 1.2))
            await daemon.kill()
        await daemon.start()
        await wait_until(alerts_sent(setup), 120, daemon)
        await asyncio.sleep(1.5)
        assert (await daemon.stop())[0] == 0
    assert_exactly_one_message_per_financing_filing(setup)
    assert "had arrived before a restart" in daemon.text() or fake.stats.faults["slow"] > 0


def _more_messages(fake: FakeSlack, than: int) -> Callable[[], Awaitable[bool]]:
    async def more() -> bool:
        return len(fake.posts) > than

    return more


async def test_slack_down_for_a_while_then_back_every_alert_arrives_once(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    fake = FakeSlack(token=TOKEN)
    fake.down = True
    filings = renumbered_copies(sample_filings, 10, edgar_today())
    async with running_services(tmp_path, filings, ruleset, open_store, fake) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": TOKEN})
        await daemon.start()
        await wait_until(stored_count(setup.store, len(filings), "done"), 60, daemon)
        await asyncio.sleep(6)
        calls_while_down = fake.stats.errors["503"]
        assert fake.all_messages() == [] and not await alerts_sent(setup)()
        assert len(await setup.store.pending_alerts(limit=100)) == len(setup.financing)
        fake.down = False
        await wait_until(alerts_sent(setup), 120, daemon)
        await asyncio.sleep(1.5)
        assert (await daemon.stop())[0] == 0
    assert_exactly_one_message_per_financing_filing(setup)
    assert 0 < calls_while_down <= 12  # backing off, not hammering: about 1+2+4 s of pauses in 6 s
    assert daemon.text().count("HTTP 503") == 1  # logged once, not once per alert or per try


async def test_a_bad_token_keeps_the_daemon_running_logs_once_and_alerts_retry_delivers_after_the_fix(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    fake = FakeSlack(token=TOKEN)
    filings = renumbered_copies(sample_filings, 10, edgar_today())
    async with running_services(tmp_path, filings, ruleset, open_store, fake) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": "xoxb-revoked"})
        await daemon.start()
        await wait_until(_failed_alerts(setup.store, len(setup.financing)), 60, daemon)
        daemon.assert_running()
        code, listing, _ = await command("alerts", "list", "--config", str(setup.config), "--json")
        assert code == 0
        listed = [json.loads(line) for line in listing.splitlines()]
        assert {a["status"] for a in listed} == {"failed"} and len(listed) == len(setup.financing)
        assert "invalid_auth" in listed[0]["error"]
        code, _, err = await command("alerts", "retry", "--config", str(setup.config), env={"SLACK_BOT_TOKEN": TOKEN})
        assert code == 0, err
        assert f"delivered {len(setup.financing)}" in err
        daemon.assert_running()
        assert (await daemon.stop())[0] == 0
    assert_exactly_one_message_per_financing_filing(setup)
    assert daemon.text().count("invalid_auth") == 1
    assert "Traceback" not in daemon.text()


def _failed_alerts(store: Store, count: int) -> Callable[[], Awaitable[bool]]:
    async def done() -> bool:
        return (await store.alert_counts()).get("failed", 0) >= count

    return done


async def test_routes_send_big_share_sales_to_their_channel_and_the_rest_to_the_default(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    fake = FakeSlack(token=TOKEN, per_channel_per_second=50)
    route = '\n[[routes]]\nname = "big"\nchannel = "#big-deals"\ntypes = ["share_sale"]\nmin_amount = 5000000\n'
    async with running_services(tmp_path, sample_filings, ruleset, open_store, fake, extra=route) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": TOKEN})
        await daemon.start()
        await wait_until(alerts_sent(setup), 60, daemon)
        assert (await daemon.stop())[0] == 0
    big = {a for a, f in setup.financing.items() if _share_sale_over(f, ruleset, 5_000_000)}
    assert big and big != set(setup.financing)
    assert set(posted_accessions(fake, "C0BIGDEAL")) == big
    assert set(posted_accessions(fake, "C0FINANCE")) == set(setup.financing) - big


def _share_sale_over(filing: FakeFiling, ruleset: RuleSet, amount: float) -> bool:
    events = expected_events(filing, ruleset)
    fields = [e["fields"] for e in events if e["type"] == "share_sale"]
    return any(isinstance(f, dict) and float(f.get("gross_proceeds", 0)) >= amount for f in fields)


async def test_notify_test_sends_the_seed_alert_and_reports_each_destination(tmp_path: Path) -> None:
    fake = FakeSlack(token=TOKEN)
    async with serving(fake.app()) as slack_url:
        slack: dict[str, object] = {"base_url": f"{slack_url}/api/", "channel": "#financings"}
        config = write_config(tmp_path, "http://127.0.0.1:9", f"sqlite:///{tmp_path / 'm.db'}", slack=slack)
        good = await command("notify", "test", "--config", str(config), env={"SLACK_BOT_TOKEN": TOKEN})
        bad = await command("notify", "test", "--config", str(config), env={"SLACK_BOT_TOKEN": "xoxb-wrong"})
    assert good[0] == 0 and "slack:#financings: ok (posted, ts " in good[1] and "console: ok" in good[1]
    assert "ALERT NEOTHERAPEUTICS INC (8-K, 0000930553-00-000010)" in good[1]
    (message,) = fake.messages["C0FINANCE"]
    assert "520,324" in json.dumps(message["blocks"]) and "104,000" in json.dumps(message["blocks"])
    assert bad[0] == 1 and "slack:#financings: FAILED" in bad[1] and "invalid_auth" in bad[1]


async def test_a_ticker_watchlist_route_and_a_digest_channel_in_the_running_daemon(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    fake = FakeSlack(token=TOKEN)
    # NeoTherapeutics (the seed's CIK) goes to #big-deals by its ticker; the rest, in summaries every
    # three seconds, to #busy.
    extra = '\n[[routes]]\nchannel = "#big-deals"\ntickers = ["neot"]\n'
    slack = {"channel": "#busy", "digest_minutes": 0.05}
    filings = renumbered_copies(sample_filings, 10, edgar_today())
    tickers = {"NEOT": "930553", "OTHR": "1"}
    outstanding = {"930553": (12_650_000, "2000-03-31")}  # the others' company facts answer 404
    async with running_services(
        tmp_path, filings, ruleset, open_store, fake, extra=extra, slack=slack, tickers=tickers, outstanding=outstanding
    ) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": TOKEN})
        await daemon.start()
        await wait_until(alerts_sent(setup), 60, daemon)
        assert (await daemon.stop())[0] == 0
    assert "ticker list loaded: 2 tickers" in daemon.text()
    neo = {a for a, f in setup.financing.items() if f.cik == "930553"}
    assert neo and Counter(posted_accessions(fake, "C0BIGDEAL")) == Counter(list(neo))
    # Each alert names the filer's ticker from the same list (issue 21: what a trader reads first).
    big_deals = [post for post in fake.posts if post["channel"] == "C0BIGDEAL"]
    assert all(" · NEOT (" in post["text"] for post in big_deals)
    # ... and its dilution, from the company facts the same EDGAR serves (issue 21); the copies of
    # the seed are one deal: the first is its message, the others replies in its thread.
    first, *replies = big_deals
    assert "dilution: 520,324 shares sold = 4.1%" in first["text"]
    assert all(reply["thread_ts"] == first["ts"] for reply in replies)
    summaries = [m["metadata"]["event_payload"]["accessions"].split() for m in fake.messages["C0BUSY"]]
    in_summaries = [a for summary in summaries for a in summary]
    assert sorted(in_summaries) == sorted(set(setup.financing) - neo)  # each once
    assert len(summaries) < len(in_summaries)  # summaries, not one message per filing


async def test_run_once_exits_1_when_an_alert_could_not_be_delivered(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    async with running_services(tmp_path, sample_filings, ruleset, open_store, FakeSlack(token=TOKEN)) as setup:
        code, _, err = await command(
            "run", "--config", str(setup.config), "--once", env={"SLACK_BOT_TOKEN": "xoxb-revoked"}
        )
        assert code == 1 and "alerts could not be delivered" in err, err
        code, _, err = await command("alerts", "retry", "--config", str(setup.config), env={"SLACK_BOT_TOKEN": TOKEN})
        assert code == 0, err
        code, _, err = await command("run", "--config", str(setup.config), "--once", env={"SLACK_BOT_TOKEN": TOKEN})
        assert code == 0, err  # nothing failed in this run


async def test_run_once_exits_1_and_warns_when_a_route_has_nowhere_to_go(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    route = '\n[[routes]]\nchannel = "#big-deals"\ntypes = ["share_sale"]\n'
    async with running_services(tmp_path, sample_filings[:1], ruleset, open_store, FakeSlack(), extra=route) as setup:
        code, _, err = await command("run", "--config", str(setup.config), "--once")  # no Slack token
    assert code == 1
    assert "1 of 1 routes have no usable destination" in err

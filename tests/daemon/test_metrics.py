"""/metrics, /healthz and /readyz of the running daemon, against the fake EDGAR and the fake Slack:
the counters say what was stored and sent, the lag histograms hold one sample per filing, and the
acceptance time reaches the stored filing, the Slack message and `status`."""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from fakes.edgar import FaultPlan
from fakes.filings import FakeFiling
from fakes.slack import FakeSlack, render_blocks
from monitor.daemon.health import Readiness
from monitor.daemon.runtime import App
from monitor.edgar.calendar import EASTERN, edgar_today
from rules.engine import RuleSet
from storage.session import aware
from tests.daemon.conftest import DaemonProcess, OpenStore, command, renumbered_copies, stored_count, wait_until
from tests.daemon.test_alerts import TOKEN, Setup, alerts_sent, running_services

METRICS = "\n[metrics]\nenabled = true\nport = 0\n"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def served_at(daemon: DaemonProcess) -> str:
    """The base URL the daemon's start-up line names (port 0: any free port)."""
    for _ in range(300):
        found = re.search(r"metrics at (http://[\d.]+:\d+)/metrics", daemon.text())
        if found:
            return found.group(1)
        daemon.assert_running()
        await asyncio.sleep(0.1)
    raise AssertionError(f"no metrics line in the log:\n{daemon.text()[-2000:]}")


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def scrape(base: str) -> Samples:
    status, text = await get(f"{base}/metrics")
    assert status == 200
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_what_was_stored_and_sent_and_lag_has_one_sample_per_filing(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    fake = FakeSlack(token=TOKEN, per_channel_per_second=50)
    today = renumbered_copies(sample_filings, len(sample_filings), edgar_today())  # accepted as published
    async with running_services(tmp_path, today, ruleset, open_store, fake, extra=METRICS) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": TOKEN})
        await daemon.start()
        base = await served_at(daemon)
        await wait_until(stored_count(setup.store, len(today), "done"), 60, daemon)
        await wait_until(alerts_sent(setup), 60, daemon)
        samples = await scrape(base)
        # A second after the last scan the rules' caches are emptied (the first time, whatever grew).
        await wait_until(_caches_emptied(base), 10, daemon)
        health = await get(f"{base}/healthz")
        ready = await get(f"{base}/readyz")
        code, status_text, _ = await command("status", "--config", str(setup.config))
        assert (await daemon.stop())[0] == 0

    filings = len(sample_filings)
    assert health == (200, "ok\n") and ready == (200, "ready\n"), ready
    assert value(samples, "filing_monitor_filings_total", outcome="seen") == filings
    assert value(samples, "filing_monitor_filings_total", outcome="fetched") == filings
    assert value(samples, "filing_monitor_filings_total", outcome="stored") == filings
    assert value(samples, "filing_monitor_filings_total", outcome="failed") == 0

    stored_types = Counter(e.type for f in await setup.store.all_filings() for e in f.events)
    assert stored_types and all(
        value(samples, "filing_monitor_events_total", type=name) == n for name, n in stored_types.items()
    )
    slack_sent = value(samples, "filing_monitor_alerts_total", destination="slack:#financings", state="sent")
    assert slack_sent == len(setup.financing) == len(fake.posts)
    assert value(samples, "filing_monitor_alerts_total", destination="console", state="sent") == len(setup.financing)

    # One lag sample per stored filing, and one per alert delivered to Slack; all from this run's acceptances.
    assert value(samples, "filing_monitor_lag_stored_seconds_count") == filings
    published = {f.accession: accepted_in_header(f) for f in setup.published}
    fresh = sum(1 for moment in published.values() if moment > datetime.now(UTC) - timedelta(minutes=5))
    assert 0 < fresh < filings  # one sample is a real 2024 submission: its header's own, old time counts
    assert value(samples, "filing_monitor_lag_stored_seconds_bucket", le="60.0") == fresh
    assert value(samples, "filing_monitor_lag_alerted_seconds_count", destination="slack:#financings") == slack_sent
    assert value(samples, "filing_monitor_fetch_seconds_count") == filings
    assert value(samples, "filing_monitor_scan_seconds_count") == filings
    answered = sum(v for (name, _), v in samples.items() if name == "filing_monitor_edgar_requests_total")
    # Every request answered 200 but the company facts of filers that report none: 404, as the SEC
    # answers them (the alert then says "shares outstanding unknown").
    not_found = value(samples, "filing_monitor_edgar_requests_total", outcome="404")
    assert not_found == setup.edgar.stats.served["facts"]
    assert answered - not_found == value(samples, "filing_monitor_edgar_requests_total", outcome="200") > filings

    # The acceptance time: in the stored filing, each Slack message, and `status`.
    for filing in await setup.store.all_filings():
        assert filing.filing.accepted_at is not None
        assert aware(filing.filing.accepted_at) == published[filing.filing.accession]
    for message in (post for post in fake.posts if "thread_ts" not in post):  # a deal's reply says what it adds
        accepted = published[message["metadata"]["event_payload"]["accessions"]]
        eastern = f"{accepted.astimezone(EASTERN):%Y-%m-%d %H:%M:%S} ET"
        assert f"accepted by the SEC {eastern}" in render_blocks(message["blocks"])
    assert code == 0 and "lag from acceptance to stored, last hour: p50 " in status_text, status_text
    # The 2024 submission, stored now, is a catch-up, not a lag of the live feed: counted apart.
    assert f"({fresh} live filings; {filings - fresh} older filing" in status_text
    newest = max(published.values())
    assert f"accepted {newest.astimezone(EASTERN):%Y-%m-%d %H:%M:%S} ET" in status_text


def accepted_in_header(filing: FakeFiling) -> datetime:
    """What the served submission's <ACCEPTANCE-DATETIME> says (Eastern wall time), in UTC."""
    found = re.search(rb"<ACCEPTANCE-DATETIME>(\d{14})", filing.body)
    assert found is not None, filing.accession
    wall = datetime.strptime(found.group(1).decode(), "%Y%m%d%H%M%S")
    return wall.replace(tzinfo=EASTERN).astimezone(UTC)


@asynccontextmanager
async def ready_daemon(
    tmp_path: Path, filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> AsyncIterator[tuple[Setup, DaemonProcess, str]]:
    """A daemon serving its metrics, once /readyz says ready; stopped cleanly at the end."""
    async with running_services(tmp_path, filings, ruleset, open_store, FakeSlack(token=TOKEN), extra=METRICS) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": TOKEN})
        await daemon.start()
        base = await served_at(daemon)
        await wait_until(_ready(base), 30, daemon)
        yield setup, daemon, base
        await wait_until(_ready(base), 60, daemon)  # and ready again, whatever the test did
        assert (await daemon.stop())[0] == 0


async def test_readyz_is_unready_while_the_database_does_not_answer_and_ready_again_after(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    async with ready_daemon(tmp_path, sample_filings[:1], ruleset, open_store) as (setup, daemon, base):
        # Another process holds the database's write lock: every read waits, and the daemon's with it.
        holder = sqlite3.connect(tmp_path / "monitor.db", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            asked = time.monotonic()
            status, text = await get(f"{base}/readyz")
            answered_in = time.monotonic() - asked
            health = await get(f"{base}/healthz")
        finally:
            holder.execute("COMMIT")
            holder.close()
        released = time.monotonic()
        await wait_until(_ready(base), 5, daemon)
        setup.edgar.publish(*renumbered_copies(sample_filings[:1], 1, edgar_today(), first=7))
        await wait_until(stored_count(setup.store, 2, "done"), 6, daemon)
        assert time.monotonic() - released < 8  # the daemon writes again at once
    assert status == 503 and "the database did not answer within 2 s" in text, text
    # In 2 s, not when the database lets go: cancelling the waiting check waited out SQLite's 30 s busy timeout.
    assert answered_in < 4, answered_in
    assert health == (200, "ok\n")  # the process itself still answers
    assert "Traceback" not in daemon.text(), daemon.text()[-3000:]


async def test_readyz_is_unready_while_edgar_rate_limits_us_and_the_feed_goes_unread(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    async with ready_daemon(tmp_path, sample_filings[:1], ruleset, open_store) as (setup, daemon, base):
        setup.edgar.faults = FaultPlan(rate=1.0, kinds=("429",))  # every request: Request Rate Threshold Exceeded
        await wait_until(_unready_saying("the feed was last read", base), 30, daemon)
        _, throttled = await get(f"{base}/readyz")
        setup.edgar.faults = FaultPlan()
    assert "EDGAR rate-limited us: requests pause for " in throttled, throttled
    assert "s ago (it is polled every 1 s)" in throttled


def _unready_saying(words: str, base: str) -> Callable[[], Awaitable[bool]]:
    async def unready() -> bool:
        status, text = await get(f"{base}/readyz")
        return status == 503 and words in text

    return unready


async def test_a_token_slack_refuses_is_a_warning_at_start_and_unready(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    fake = FakeSlack(token=TOKEN)
    async with running_services(tmp_path, sample_filings[:1], ruleset, open_store, fake, extra=METRICS) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": "xoxb-revoked"})
        await daemon.start()
        base = await served_at(daemon)
        await wait_until(stored_count(setup.store, 1, "done"), 30, daemon)
        status, text = await get(f"{base}/readyz")
        assert (await daemon.stop())[0] == 0
    assert status == 503 and "slack:#financings unusable: slack:#financings: invalid_auth" in text, text
    assert "WARNING" in daemon.text() and "slack:#financings cannot be used: " in daemon.text()


def _caches_emptied(base: str) -> Callable[[], Awaitable[bool]]:
    async def emptied() -> bool:
        return value(await scrape(base), "filing_monitor_rule_caches_emptied_total") >= 1

    return emptied


def _ready(base: str) -> Callable[[], Awaitable[bool]]:
    async def ready() -> bool:
        return (await get(f"{base}/readyz"))[0] == 200

    return ready


async def test_many_idle_connections_and_concurrent_readyz_leave_health_answering_without_errors(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    async with ready_daemon(tmp_path, sample_filings[:1], ruleset, open_store) as (_, daemon, base):
        host, port = base.removeprefix("http://").split(":")
        idle = [await asyncio.open_connection(host, int(port)) for _ in range(300)]  # never send a request
        try:
            await asyncio.sleep(0.5)
            assert daemon.process is not None
            sockets = [fd for fd in Path(f"/proc/{daemon.process.pid}/fd").iterdir() if "socket" in os.readlink(fd)]
            assert len(sockets) < 64 + 30  # the bound, and the daemon's own (database, EDGAR, Slack)
            assert await get(f"{base}/healthz") == (200, "ok\n")
        finally:
            for _, writer in idle:
                writer.close()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=40)) as session:

            async def readyz() -> int:
                async with session.get(f"{base}/readyz") as response:
                    await response.read()
                    return response.status

            statuses = await asyncio.gather(*(readyz() for _ in range(200)))
    assert set(statuses) <= {200, 503}, statuses
    assert "Traceback" not in daemon.text() and "InvalidStateError" not in daemon.text()


async def test_concurrent_readiness_checks_each_read_their_own_database_check() -> None:
    class SlowStore:
        async def ping(self) -> None:
            await asyncio.sleep(random.random() / 100)

    readiness = Readiness(cast(App, SimpleNamespace(store=SlowStore())))

    async def staggered() -> str | None:
        await asyncio.sleep(random.random() / 20)
        return await readiness._database_problem()

    assert set(await asyncio.gather(*(staggered() for _ in range(500)))) == {None}


async def test_sigterm_while_a_health_check_waits_on_the_database_stops_without_a_traceback(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    async with running_services(
        tmp_path, sample_filings[:1], ruleset, open_store, FakeSlack(token=TOKEN), extra=METRICS
    ) as setup:
        daemon = DaemonProcess(setup.config, env={"SLACK_BOT_TOKEN": TOKEN})
        await daemon.start()
        base = await served_at(daemon)
        await wait_until(_ready(base), 30, daemon)
        holder = sqlite3.connect(tmp_path / "monitor.db", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            status, _ = await get(f"{base}/readyz")  # its check still waits on the lock
            daemon.signal(signal.SIGTERM)
            await asyncio.sleep(8)  # past the stop's wait for the check: the database is closed under it
        finally:
            holder.execute("COMMIT")
            holder.close()
        assert daemon.process is not None
        code = await asyncio.wait_for(daemon.process.wait(), 30)
    assert status == 503
    assert code == 0, daemon.text()[-3000:]
    assert "Traceback" not in daemon.text() and "never retrieved" not in daemon.text(), daemon.text()[-3000:]

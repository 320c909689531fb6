"""Exactly once whatever the operator does (issue 22): one config run twice, a database deleted or
moved, a token set late. Slack's messages are counted at the fake, the network edge."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from fakes.edgar import FakeEdgar, FaultPlan
from fakes.filings import FakeFiling
from fakes.process import EdgarProcess
from fakes.slack import FakeSlack
from monitor.edgar.calendar import edgar_today
from storage.repository import Store
from tests.conftest import serving
from tests.daemon.conftest import (
    DaemonProcess,
    command,
    renumbered_copies,
    stored_count,
    wait_until,
    write_config,
)

TOKEN = "xoxb-shared"


def posted(slack: FakeSlack) -> Counter[str]:
    return Counter(slack.posted_accessions())


def messages(slack: FakeSlack, count: int) -> Callable[[], Awaitable[bool]]:
    async def arrived() -> bool:
        return len(slack.posts) >= count

    return arrived


def logged(daemon: DaemonProcess, text: str) -> Callable[[], Awaitable[bool]]:
    async def found() -> bool:
        return text in daemon.text()

    return found


async def with_events(store: Store) -> list[str]:
    return [s.filing.accession for s in await store.all_filings() if s.events]


async def alerted_in(folder: Path) -> list[str]:
    """The filings with events in the config's database: each should have one message."""
    store = await Store.open(f"sqlite:///{folder / 'monitor.db'}")
    try:
        return await with_events(store)
    finally:
        await store.close()


@contextlib.asynccontextmanager
async def edgar_and_slack(folder: Path) -> AsyncIterator[tuple[EdgarProcess, FakeSlack, Path]]:
    """A fake EDGAR in a process of its own, a fake Slack, and a config (SQLite) naming both."""
    slack = FakeSlack(token=TOKEN, per_channel_per_second=5)
    async with EdgarProcess(rate_limit=20) as edgar, serving(slack.app()) as slack_url:
        config = write_config(folder, edgar.base_url, "sqlite:///monitor.db", slack={"base_url": f"{slack_url}/api/"})
        yield edgar, slack, config


async def test_one_config_run_twice_and_by_cron_beside_them_posts_each_filing_once(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    published = renumbered_copies(sample_filings, 20, edgar_today())
    async with edgar_and_slack(tmp_path) as (edgar, slack, config):
        daemons = [DaemonProcess(config, env={"SLACK_BOT_TOKEN": TOKEN}) for _ in range(2)]
        daemons[1].log = tmp_path / "second.log"
        for daemon in daemons:
            await daemon.start()
        for daemon in daemons:
            await wait_until(logged(daemon, "poll:"), 30, daemon)
        await edgar.publish(*published)
        once = asyncio.create_task(command("run", "--config", str(config), "--once", env={"SLACK_BOT_TOKEN": TOKEN}))
        store = await Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
        await wait_until(stored_count(store, len(published), "done"), 90, daemons[0])
        alerted = await with_events(store)
        await wait_until(messages(slack, len(alerted)), 60, daemons[0])
        await once
        await asyncio.sleep(2)  # time for a duplicate to arrive, were there one
        for daemon in daemons:
            await daemon.stop()
        await store.close()
    assert len(alerted) >= 10
    assert posted(slack) == Counter(alerted)


async def test_a_database_deleted_under_the_daemon_and_restarted_posts_nothing_twice(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    published = renumbered_copies(sample_filings, 6, edgar_today())
    database = tmp_path / "monitor.db"
    async with edgar_and_slack(tmp_path) as (edgar, slack, config):
        await edgar.publish(*published)
        first = DaemonProcess(config, env={"SLACK_BOT_TOKEN": TOKEN})
        await first.start()
        store = await Store.open(f"sqlite:///{database}")
        await wait_until(stored_count(store, len(published), "done"), 60, first)
        await store.close()
        alerted = await alerted_in(tmp_path)
        await wait_until(messages(slack, len(alerted)), 60, first)
        for file in tmp_path.glob("monitor.db*"):
            file.unlink()  # as an operator's clean-up would, under the running daemon
        assert first.process is not None
        assert await asyncio.wait_for(first.process.wait(), 30) == 1  # it stops rather than write to a ghost
        second = DaemonProcess(config, env={"SLACK_BOT_TOKEN": TOKEN})
        second.log = tmp_path / "second.log"
        await second.start()  # a fresh database; the feed still lists every filing
        store = await Store.open(f"sqlite:///{database}")
        await wait_until(stored_count(store, len(published), "done"), 60, second)
        await wait_until(logged(second, "already in the channel"), 30, second)
        await asyncio.sleep(2)
        await second.stop()
        await store.close()
    assert posted(slack) == Counter(alerted)


async def test_alerts_made_without_a_token_are_kept_and_sent_once_by_alerts_retry(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    published = renumbered_copies(sample_filings, 4, edgar_today())
    async with edgar_and_slack(tmp_path) as (edgar, slack, config):
        await edgar.publish(*published)
        code, _, err = await command("run", "--config", str(config), "--once", env={"SLACK_BOT_TOKEN": ""})
        assert code == 1 and "kept as failed" in err  # cron sees that alerts are waiting
        assert slack.all_messages() == []
        alerted = await alerted_in(tmp_path)
        code, _, err = await command("alerts", "retry", "--config", str(config), env={"SLACK_BOT_TOKEN": TOKEN})
        assert code == 0, err
        code, _, err = await command("alerts", "retry", "--config", str(config), env={"SLACK_BOT_TOKEN": TOKEN})
        assert code == 0, err
    assert alerted and posted(slack) == Counter(alerted)


async def test_run_once_stops_on_sigterm_while_edgar_is_down_and_retried(tmp_path: Path) -> None:
    fake = FakeEdgar(faults=FaultPlan(rate=1.0, kinds=("500",)))
    async with serving(fake.app()) as base_url:
        config = write_config(tmp_path, base_url, "sqlite:///monitor.db", edgar={"max_attempts": 50})
        once = DaemonProcess(config)
        await once.start("--once")
        await wait_until(lambda: _served(fake), 30, once)
        code, took = await once.stop(within=15)
    assert code == 0 and took < 10
    assert "Traceback" not in once.text()


async def _served(fake: FakeEdgar) -> bool:
    return fake.stats.requests >= 3

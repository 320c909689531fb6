"""The real daemon against the fake EDGAR: exactly once, through faults, crashes, downtime and rule edits."""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fakes.edgar import FakeEdgar, FaultPlan
from fakes.filings import FakeFiling, enveloped, from_path
from fakes.process import EdgarProcess
from fakes.slack import FakeSlack, SlackFaults
from monitor.cli.tables import stored_json
from monitor.edgar.calendar import edgar_today
from rules.engine import RuleSet
from storage.repository import Store
from tests.conftest import fresh_database, serving, shared_path
from tests.daemon.conftest import (
    DaemonProcess,
    OpenStore,
    command,
    expected_events,
    renumbered_copies,
    stored_comparable,
    stored_count,
    wait_until,
    write_config,
)


def corpus_filings() -> list[FakeFiling]:
    folder = shared_path("corpus", "filings")
    files = sorted(p for p in folder.iterdir() if p.suffix in {".txt", ".htm", ".html", ".xml"})
    return [from_path(path, 100 + number) for number, path in enumerate(files)]


async def test_every_filing_is_stored_once_with_the_events_scan_finds_despite_20_percent_faults(
    tmp_path: Path, database_url: str, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    fake = FakeEdgar(rate_limit=10, faults=FaultPlan(rate=0.2, slow_seconds=1.5))
    published = sample_filings + corpus_filings()
    fake.publish(*published)
    async with serving(fake.app()) as base_url:
        daemon = DaemonProcess(write_config(tmp_path, base_url, database_url))
        store = await open_store(database_url)
        await daemon.start()
        await wait_until(stored_count(store, len(published), "done"), 120, daemon)
        code, took = await daemon.stop()
    assert code == 0 and took < 10
    stored = {s.filing.accession: s for s in await store.all_filings()}
    assert sorted(stored) == sorted(f.accession for f in published)
    for filing in published:
        events = stored_json(stored[filing.accession])["events"]
        assert stored_comparable(events) == expected_events(filing, ruleset), filing.accession
    assert fake.stats.violations == 0 and fake.stats.undeclared == 0
    assert sum(fake.stats.faults.values()) > 0
    assert "Traceback" not in daemon.text()


async def test_killed_mid_run_and_restarted_nothing_is_lost_or_stored_twice(
    tmp_path: Path, sample_filings: list[FakeFiling], ruleset: RuleSet, open_store: OpenStore
) -> None:
    fake = FakeEdgar(rate_limit=10)
    published = renumbered_copies(sample_filings, 60, edgar_today())
    fake.publish(*published)
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    async with serving(fake.app()) as base_url:
        daemon = DaemonProcess(write_config(tmp_path, base_url, url))
        store = await open_store(url)
        await daemon.start()
        await wait_until(stored_count(store, 12), 60, daemon)
        await daemon.kill()
        killed_at = await store.count_filings()
        await daemon.start()
        await wait_until(stored_count(store, len(published), "done"), 60, daemon)
        code, _ = await daemon.stop()
    assert code == 0 and killed_at < len(published)
    stored = {s.filing.accession: s for s in await store.all_filings()}
    assert len(stored) == len(published)
    for filing in published:
        assert len(stored[filing.accession].events) == len(expected_events(filing, ruleset))
    with_events = sum(1 for s in stored.values() if s.events)
    assert len(await store.pending_alerts(limit=1000)) + await _sent(store) == with_events
    assert fake.stats.violations == 0


async def _sent(store: Store) -> int:
    from sqlalchemy import text

    async with store.engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM alerts WHERE status = 'sent'"))).scalar_one())


async def run_until_stored(daemon: DaemonProcess, store: Store, count: int) -> None:
    """Start the daemon, wait until `count` filings are done, stop it cleanly."""
    await daemon.start()
    await wait_until(stored_count(store, count, "done"), 90, daemon)
    assert (await daemon.stop())[0] == 0


async def test_filings_published_while_stopped_are_caught_up_from_the_feed(
    tmp_path: Path, sample_filings: list[FakeFiling], open_store: OpenStore
) -> None:
    fake = FakeEdgar(rate_limit=50)
    fake.publish(*sample_filings)
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    async with serving(fake.app()) as base_url:
        daemon = DaemonProcess(write_config(tmp_path, base_url, url, edgar={"max_requests_per_second": 50}))
        store = await open_store(url)
        await run_until_stored(daemon, store, len(sample_filings))
        fake.publish(*renumbered_copies(sample_filings, 300, edgar_today()))
        await run_until_stored(daemon, store, len(sample_filings) + 300)
    assert await store.count_filings() == len(sample_filings) + 300
    assert fake.stats.violations == 0


async def test_after_downtime_longer_than_the_feed_reaches_the_daily_indexes_fill_the_gap(
    tmp_path: Path, sample_filings: list[FakeFiling], open_store: OpenStore
) -> None:
    fake = FakeEdgar(rate_limit=50, feed_depth=40)
    fake.publish(*sample_filings)
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    async with serving(fake.app()) as base_url:
        daemon = DaemonProcess(write_config(tmp_path, base_url, url, edgar={"max_requests_per_second": 50}))
        store = await open_store(url)
        await run_until_stored(daemon, store, len(sample_filings))
        # Down since two days ago; yesterday 120 filings came out, more than the feed reaches back to.
        async with store.engine.begin() as connection:
            from sqlalchemy import text

            two_days_ago = datetime.now(UTC) - timedelta(days=2)
            await connection.execute(text("UPDATE poll_cursor SET covered_at = :t"), {"t": two_days_ago})
        yesterday = edgar_today() - timedelta(days=1)
        fake.publish(*renumbered_copies(sample_filings, 120, yesterday))
        fake.publish_index(yesterday)
        await run_until_stored(daemon, store, len(sample_filings) + 120)
    assert fake.stats.served["index"] == 1
    assert "catch-up" in daemon.text()


async def test_backfill_processes_every_filing_once_and_a_rerun_does_no_work(
    tmp_path: Path, sample_filings: list[FakeFiling], open_store: OpenStore
) -> None:

    fake = FakeEdgar(rate_limit=10, faults=FaultPlan(rate=0.2, slow_seconds=1.5))
    days = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]
    published = [f for n, day in enumerate(days) for f in renumbered_copies(sample_filings, 8, day, first=100 * n)]
    fake.publish(*published)
    fake.publish_index(*days)
    url = f"sqlite:///{tmp_path / 'monitor.db'}"

    async def backfill() -> tuple[int, str]:
        code, _, err = await command("backfill", "--config", str(config), "--from", "2026-11-01", "--to", "2026-11-05")
        return code, err

    async with serving(fake.app()) as base_url:
        config = write_config(tmp_path, base_url, url)
        code, output = await backfill()
        assert code == 0, output
        store = await open_store(url)
        assert await store.count_filings("done") == len(published) == 24
        requests = fake.stats.requests
        code, output = await backfill()
    assert code == 0, output
    assert fake.stats.requests == requests  # every day is known to be done: not one request
    assert "0 processed" in output and "5 already done" in output
    assert fake.stats.violations == 0
    assert await store.pending_alerts() == []  # a backfill stores; it does not alert unless asked


MOONBEAM = b"<html><body><p>On November 20, 2026, the Company entered into a moonbeam facility of $5,000,000 with Lunar Capital LLC.</p></body></html>"

MOONBEAM_RULE = """
id = "moonbeam-facility"
event = "atm_program"
description = "A test rule added while the daemon runs"
triggers = ["moonbeam facility"]
patterns = ["moonbeam facility of {max_amount}"]

[[example]]
text = "entered into a moonbeam facility of $5,000,000 with Lunar Capital LLC"
expect = { max_amount = 5000000.0 }
"""


def moonbeam_filing(number: int) -> FakeFiling:
    return enveloped(MOONBEAM, accession=f"0005{number:06d}-26-{number:06d}", cik="5000", company="LUNAR CO")


async def test_rule_edits_apply_to_the_next_filing_and_a_broken_edit_keeps_the_old_rules(
    tmp_path: Path, open_store: OpenStore
) -> None:
    fake = FakeEdgar(rate_limit=10)
    rules = tmp_path / "rules"
    rules.mkdir()
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    rule_file = rules / "moonbeam.toml"

    async def events_of(number: int) -> list[dict[str, object]]:
        found = await store.filing(moonbeam_filing(number).accession)
        assert found is not None
        return list(stored_json(found)["events"])

    async def publish_and_wait(number: int) -> None:
        fake.publish(moonbeam_filing(number))
        await wait_until(stored_count(store, number, "done"), 30, daemon)  # not merely claimed

    async with serving(fake.app()) as base_url:
        config = write_config(
            tmp_path, base_url, url, rules={"paths": [str(Path(__file__).parents[2] / "rules" / "packs"), "rules"]}
        )
        daemon = DaemonProcess(config)
        store = await open_store(url)
        await daemon.start()
        await publish_and_wait(1)
        assert await events_of(1) == []

        rule_file.write_text(MOONBEAM_RULE)
        await wait_until(_logged(daemon, "rules reloaded"), 15, daemon)
        await publish_and_wait(2)
        (event,) = await events_of(2)
        assert event["type"] == "atm_program" and event["fields"] == {"max_amount": 5000000.0}

        rule_file.write_text(MOONBEAM_RULE.replace('patterns = ["', 'patterns = ["{no_such_field} '))
        await wait_until(_logged(daemon, "rule change refused"), 15, daemon)
        daemon.signal(signal.SIGHUP)  # asked to re-read: still refused, still running
        await wait_until(_logged(daemon, "SIGHUP received"), 15, daemon)
        await publish_and_wait(3)
        assert [e["rule"] for e in await events_of(3)] == ["moonbeam-facility"]
        code, _ = await daemon.stop()
    assert code == 0
    refusals = [line for line in daemon.text().splitlines() if "rule change refused" in line]
    assert len(refusals) == 2  # once for the edit, once for SIGHUP: not at every check
    refused = refusals[0]
    assert f"{rule_file}:6" in refused  # the patterns line


async def test_sighup_reads_the_configs_rule_paths_again(tmp_path: Path, open_store: OpenStore) -> None:
    # Issue 23: a rule folder added to [rules] paths in a running daemon's config was not picked up.
    fake = FakeEdgar(rate_limit=10)
    added = tmp_path / "added"
    added.mkdir()
    (added / "moonbeam.toml").write_text(MOONBEAM_RULE)
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    async with serving(fake.app()) as base_url:
        config = write_config(tmp_path, base_url, url)
        daemon = DaemonProcess(config)
        store = await open_store(url)
        await daemon.start()

        async def polling() -> bool:  # its signal handlers are in place by its first poll
            return fake.stats.served["feed"] > 0

        await wait_until(polling, 15, daemon)
        config.write_text(config.read_text().replace("[rules]\n", f'[rules]\npaths = ["{added}"]\n', 1))
        daemon.signal(signal.SIGHUP)
        await wait_until(_logged(daemon, "[rules] changed in the config"), 15, daemon)
        await wait_until(_logged(daemon, "rules reloaded"), 15, daemon)
        fake.publish(moonbeam_filing(1))
        await wait_until(stored_count(store, 1, "done"), 30, daemon)
        found = await store.filing(moonbeam_filing(1).accession)
        code, _ = await daemon.stop()
    assert code == 0
    assert found is not None and [e["rule"] for e in stored_json(found)["events"]] == ["moonbeam-facility"]


def _logged(daemon: DaemonProcess, text: str) -> Callable[[], Awaitable[bool]]:
    async def found() -> bool:
        return text in daemon.text()

    return found


async def test_sigterm_with_requests_hanging_exits_0_within_10_seconds(tmp_path: Path) -> None:
    fake = FakeEdgar(rate_limit=10, faults=FaultPlan(rate=1.0, kinds=("slow",), slow_seconds=30))
    async with serving(fake.app()) as base_url:
        config = write_config(tmp_path, base_url, f"sqlite:///{tmp_path / 'm.db'}", edgar={"timeout_seconds": 60})
        daemon = DaemonProcess(config)
        await daemon.start()
        await wait_until(_logged(daemon, "filing-monitor started"), 15, daemon)
        code, took = await daemon.stop()
    assert code == 0 and took < 10, daemon.text()[-2000:]


async def test_sigterm_while_the_start_up_checks_slack_still_stops_cleanly(tmp_path: Path) -> None:
    # The handlers were installed after "started" was logged and Slack's token checked: a SIGTERM
    # sent on seeing "started" ended the daemon by the default handler (exit -15).
    slack = FakeSlack(token="xoxb-slow", faults=SlackFaults(rate=1.0, kinds=("slow",), slow_seconds=3))
    async with serving(FakeEdgar().app()) as base_url, serving(slack.app()) as slack_url:
        slack_section = {"base_url": f"{slack_url}/api/", "timeout_seconds": 2.0}
        config = write_config(tmp_path, base_url, f"sqlite:///{tmp_path / 'm.db'}", slack=slack_section)
        daemon = DaemonProcess(config, env={"SLACK_BOT_TOKEN": "xoxb-slow"})
        await daemon.start()
        await wait_until(_logged(daemon, "filing-monitor started"), 15, daemon)
        code, took = await daemon.stop()
    assert code == 0 and took < 10, daemon.text()[-2000:]


async def test_a_filing_that_cannot_be_read_is_kept_with_its_error_and_given_up_after_bounded_retries(
    tmp_path: Path, sample_filings: list[FakeFiling], open_store: OpenStore
) -> None:
    fake = FakeEdgar(rate_limit=10)
    broken = enveloped(
        b"<?xml version='1.0'?><edgarSubmission><oops",
        accession="0006000000-26-000001",
        cik="6",
        company="BROKEN CO",
        form="D",
        filename="primary_doc.xml",
    )
    fake.publish(broken, *sample_filings)
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    async with serving(fake.app()) as base_url:
        daemon = DaemonProcess(write_config(tmp_path, base_url, url, daemon={"max_filing_attempts": 2}))
        store = await open_store(url)
        await daemon.start()
        await wait_until(stored_count(store, 1, "gave_up"), 30, daemon)
        await wait_until(stored_count(store, len(sample_filings), "done"), 30, daemon)
        await wait_until(console_sent(store, 4), 30, daemon)  # delivery follows storing, a moment later
        code, _ = await daemon.stop()
    assert code == 0
    found = await store.filing(broken.accession)
    assert found is not None and found.filing.attempts == 2 and "XML" in (found.filing.error or "")
    code, status, err = await command("status", "--config", str(tmp_path / "config.toml"))
    assert code == 0, err
    assert f"filings: {len(sample_filings)} done, 1 given up" in status
    assert f"{broken.accession} gave_up after 2 attempts: " in status and "XML" in status
    assert "alerts to console: 4 sent\n" in status  # one per financing sample, per destination


async def test_two_instances_on_one_postgresql_database_share_the_work_without_doubling_it(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    slack = FakeSlack(token="xoxb-shared", per_channel_per_second=5)
    published = renumbered_copies(sample_filings, 40, edgar_today())
    async with (
        fresh_database("postgresql", tmp_path) as url,
        # Each instance may send 10 a second. In a process of its own, the fake counts them as an
        # independent server would, not on this test's busy event loop.
        EdgarProcess(rate_limit=20) as edgar,
        serving(slack.app()) as slack_url,
    ):
        base_url = edgar.base_url
        daemons = []
        for name in ("east", "west"):
            folder = tmp_path / name
            folder.mkdir()
            config = write_config(
                folder, base_url, url, daemon={"instance": name}, slack={"base_url": f"{slack_url}/api/"}
            )
            daemons.append(DaemonProcess(config, env={"SLACK_BOT_TOKEN": "xoxb-shared"}))
        store = await Store.open(url)
        for daemon in daemons:
            await daemon.start()
        for daemon in daemons:
            await wait_until(_logged(daemon, "poll:"), 30, daemon)
        await edgar.publish(*published)
        await wait_until(stored_count(store, len(published), "done"), 60, daemons[0])
        with_events = sum(1 for s in await store.all_filings() if s.events)
        await wait_until(_messages(slack, with_events), 60, daemons[0])
        codes = [(await daemon.stop())[0] for daemon in daemons]
        stored = await store.all_filings()
        await store.close()
        stats = await edgar.stats()
    assert codes == [0, 0]
    assert len(stored) == len(published)
    assert {(s.filing.claimed_by or "").partition("@")[0] for s in stored} == {"east", "west"}  # both did a share
    assert stats.served["submission"] == len(published)  # and no filing was fetched twice
    alerts = [line for d in daemons for line in d.text().splitlines() if line.startswith("ALERT ")]
    assert len(alerts) == sum(1 for s in stored if s.events)  # each alert printed once
    posted = Counter(slack.posted_accessions())
    assert posted == Counter(s.filing.accession for s in stored if s.events)  # and posted to Slack once
    assert stats.violations == 0


def _messages(slack: FakeSlack, count: int) -> Callable[[], Awaitable[bool]]:
    async def arrived() -> bool:
        return len(slack.posts) >= count

    return arrived


async def test_a_backfill_rerun_retries_what_failed_before_until_it_is_given_up(tmp_path: Path) -> None:

    fake = FakeEdgar(rate_limit=10)
    day = date(2026, 11, 2)
    broken = enveloped(
        b"<edgarSubmission><oops",
        accession="0006000000-26-000002",
        cik="6",
        company="BROKEN CO",
        form="D",
        day=day,
        filename="primary_doc.xml",
    )
    fake.publish(broken)
    fake.publish_index(day)
    url = f"sqlite:///{tmp_path / 'monitor.db'}"

    async def backfill() -> tuple[int, str]:
        code, _, err = await command("backfill", "--config", str(config), "--from", str(day), "--to", str(day))
        return code, err

    async with serving(fake.app()) as base_url:
        config = write_config(tmp_path, base_url, url, daemon={"max_filing_attempts": 2})
        first = await backfill()
        second = await backfill()
        third = await backfill()
    assert first[0] == 1 and "1 processed, 0 retried from earlier runs, 1 failed" in first[1]
    assert second[0] == 1 and "0 processed, 1 retried from earlier runs, 1 failed" in second[1]
    assert third[0] == 0 and "0 retried from earlier runs, 0 failed" in third[1]  # given up: left alone
    assert fake.stats.served["submission"] == 2


def console_sent(store: Store, expected: int) -> Callable[[], Awaitable[bool]]:
    async def done() -> bool:
        return (await store.alert_counts_by_destination()).get("console", {}).get("sent", 0) >= expected

    return done

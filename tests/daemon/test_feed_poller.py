"""Feed polling and index catch-up against the fake EDGAR, with a real store."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from fakes.edgar import FakeEdgar, hostile_feed_entries
from fakes.filings import FakeFiling
from monitor.daemon.feed_poller import FeedPoller, _ends_with_known_run
from monitor.daemon.index_reader import IndexReader
from monitor.daemon.queue import Outcome, WorkItem, WorkQueue
from monitor.edgar.calendar import edgar_today
from monitor.edgar.client import EdgarClient
from storage.repository import ProcessedFiling, Store
from tests.conftest import edgar_settings, serving

DAY = date(2026, 11, 23)


def filings(count: int, day: date = DAY, first: int = 0) -> list[FakeFiling]:
    return [
        FakeFiling(f"0000000001-26-{n:06d}", str(1000 + n), "8-K", f"CO {n}", day, b"x")
        for n in range(first, first + count)
    ]


async def store_done(store: Store, accessions: list[str]) -> None:
    for accession in accessions:
        await store.save_processed(ProcessedFiling(accession, "u", "1", "8-K", None, None, [], "v"), [])


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite:///{tmp_path / 'm.db'}")
    yield opened
    await opened.close()


@contextlib.asynccontextmanager
async def poller_of(fake: FakeEdgar, store: Store, queue: WorkQueue, **settings: object) -> AsyncIterator[FeedPoller]:
    """A poller of the fake's feed through a real client, fast enough that no test waits on the limit."""
    async with (
        serving(fake.app()) as base_url,
        EdgarClient(edgar_settings(base_url, max_requests_per_second=100, **settings)) as client,
    ):
        yield FeedPoller(client, store, queue, workers=4)


async def queued(queue: WorkQueue) -> list[str]:
    items: list[str] = []

    async def take(item: WorkItem) -> Outcome:
        items.append(item.accession)
        return Outcome.STORED

    worker = asyncio.create_task(queue.run_worker(take))
    await queue.drained()
    worker.cancel()
    return items


async def test_a_burst_larger_than_a_page_is_paged_through_and_queued_oldest_first(store: Store) -> None:
    fake = FakeEdgar(rate_limit=None)
    published = filings(250)
    fake.publish(*published)
    queue = WorkQueue(1000)
    async with poller_of(fake, store, queue, forms=["8-K"], feed_pages=10) as watcher:
        report = await watcher.poll()
        assert (len(report.new), report.pages, report.complete) == (250, 3, True)
        assert await queued(queue) == [f.accession for f in published]  # oldest first
        assert await store.covered_at() is not None

        await store_done(store, [f.accession for f in published])
        fake.publish(*filings(5, first=250))
        report = await watcher.poll()
    assert (len(report.new), report.pages) == (5, 1)  # the known run on page 1 stops the paging


async def test_a_hole_left_by_a_crash_behind_a_few_stored_filings_is_still_found(store: Store) -> None:
    fake = FakeEdgar(rate_limit=None)
    published = filings(150)
    fake.publish(*published)
    # Killed while #48-#51 were in flight (oldest first): #49 and #50 finished, #48 did not. The
    # first page (#149-#50) ends with one known filing; the hole is on the next page.
    await store_done(store, [f.accession for n, f in enumerate(published) if n < 51 and n != 48])
    queue = WorkQueue(1000)
    async with poller_of(fake, store, queue, forms=["8-K"], feed_pages=10) as poller:
        report = await poller.poll()
    assert sorted(e.accession for e in report.new) == sorted(
        [published[48].accession] + [f.accession for f in published[51:]]
    )


async def test_a_poll_that_runs_out_of_pages_marks_today_for_the_daily_index(store: Store) -> None:
    fake = FakeEdgar(rate_limit=None)
    fake.publish(*filings(250))
    async with poller_of(fake, store, WorkQueue(1000), forms=["8-K"], feed_pages=2) as poller:
        report = await poller.poll()
    assert (report.complete, len(report.new)) == (False, 200)
    assert await store.gap_days() == [edgar_today()]
    assert await store.covered_at() is None  # the high-water mark does not move past a gap


async def test_pages_of_forms_we_do_not_watch_stop_the_paging_once_older_than_the_high_water_mark(
    store: Store,
) -> None:
    fake = FakeEdgar(rate_limit=None)
    last_month = datetime.now(UTC) - timedelta(days=30)
    proxies = [replace(f, form="DEF 14A", accepted=last_month) for f in filings(500)]  # `type=D` matches them
    fake.publish(*proxies)
    await store.set_covered_at(datetime.now(UTC) - timedelta(hours=1))
    async with poller_of(fake, store, WorkQueue(1000), forms=["D"], feed_pages=10) as poller:
        report = await poller.poll()
    assert (report.pages, report.new, report.complete) == (1, [], True)


def test_the_stop_rule_needs_a_whole_run_of_known_filings_at_the_page_end() -> None:
    assert _ends_with_known_run([False] + [True] * 18, 18)
    assert not _ends_with_known_run([True] * 17 + [False], 18)
    assert _ends_with_known_run([True] * 3, 18)  # a short page, all known
    assert not _ends_with_known_run([], 18)


async def test_missed_days_run_from_the_cursor_to_yesterday_with_gaps_and_without_done_days(store: Store) -> None:
    today = date(2026, 11, 24)
    await store.set_covered_at(datetime(2026, 11, 20, 23, 0, tzinfo=UTC))  # 6 p.m. in New York on the 20th
    await store.mark_gap(date(2026, 11, 10))
    await store.mark_gap(today)  # today's index is not out yet
    await store.mark_index_done(date(2026, 11, 21), ["8-K", "D"])
    await store.mark_index_done(date(2026, 11, 22), ["8-K"])  # D still missing
    reader = IndexReader(None, store, WorkQueue(10), ["8-K", "D"])  # type: ignore[arg-type]
    assert await reader.missed_days(today) == [
        date(2026, 11, 10),
        date(2026, 11, 20),
        date(2026, 11, 22),
        date(2026, 11, 23),
    ]


async def test_a_daemon_running_all_along_still_reads_yesterdays_index_once(store: Store) -> None:
    today = date(2026, 11, 24)
    await store.set_covered_at(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    reader = IndexReader(None, store, WorkQueue(10), ["8-K"])  # type: ignore[arg-type]
    assert await reader.missed_days(today) == [date(2026, 11, 23)]
    await store.mark_index_done(date(2026, 11, 23), ["8-K"])
    assert await reader.missed_days(today) == []


async def test_an_index_day_is_marked_done_only_once_its_filings_are_processed(store: Store) -> None:
    fake = FakeEdgar(rate_limit=None)
    fake.publish(*filings(3, DAY))
    fake.publish_index(DAY)
    queue = WorkQueue(10)
    processed: list[str] = []

    async def process(item: WorkItem) -> Outcome:
        assert await store.done_forms(DAY) == set()
        processed.append(item.accession)
        await store_done(store, [item.accession])
        return Outcome.STORED

    worker = asyncio.create_task(queue.run_worker(process))
    async with (
        serving(fake.app()) as base_url,
        EdgarClient(edgar_settings(base_url, max_requests_per_second=100)) as client,
    ):
        reader = IndexReader(client, store, queue, ["8-K"])
        report = await reader.process_day(DAY)
        again = await reader.process_day(DAY)
        missing = await reader.process_day(DAY + timedelta(days=1))
    worker.cancel()
    assert (report.listed, report.new, len(processed)) == (3, 3, 3)
    assert await store.done_forms(DAY) == {"8-K"}
    assert again.skipped and fake.stats.served["index"] == 1
    assert not missing.published


async def test_8ks_whose_items_hold_no_financing_are_not_fetched_when_asked_but_count_as_seen(store: Store) -> None:
    fake = FakeEdgar(rate_limit=None)
    earnings = [replace(f, items=("2.02", "9.01")) for f in filings(3)]
    deal = replace(filings(1, first=3)[0], items=("1.01", "3.02", "9.01"))
    old_style = filings(1, first=4)[0]  # no items in its summary: always fetched
    fake.publish(*earnings, deal, old_style)
    queue = WorkQueue(10)
    async with poller_of(fake, store, queue, forms=["8-K"], only_items=["1.01", "3.02"]) as watcher:
        report = await watcher.poll()
        again = await watcher.poll()
    assert report.skipped == 3 and len(report.new) == 5
    assert sorted(await queued(queue)) == sorted([deal.accession, old_style.accession])
    skipped = await store.filing(earnings[0].accession)
    assert skipped is not None and skipped.filing.status == "skipped" and "2.02" in (skipped.filing.error or "")
    assert again.new == []  # skipped filings are seen: the next poll neither re-pages nor re-queues them


def form_4s(count: int, first: int) -> list[FakeFiling]:
    return [replace(f, form="4") for f in filings(count, edgar_today(), first=first)]


async def test_a_poll_costs_one_request_whatever_the_number_of_forms_watched(store: Store) -> None:
    fake = FakeEdgar(rate_limit=None)
    fake.publish(*filings(3), replace(filings(1, first=3)[0], form="D"), *form_4s(20, first=10))
    forms = ["8-K", "8-K/A", "D", "424B5"]
    async with poller_of(fake, store, WorkQueue(1000), forms=forms) as poller:
        report = await poller.poll()
    assert fake.stats.served["feed"] == 1  # one page of the unfiltered feed, not one feed per form
    assert sorted(e.form for e in report.new) == ["8-K", "8-K", "8-K", "D"]  # the Form 4s filtered out here


async def test_on_a_feed_mostly_of_unwatched_forms_a_poll_stops_at_the_high_water_mark(store: Store) -> None:
    # A busy day: ten pages of Form 4s around a few 8-Ks. Once read, the next poll reads one page, not
    # every page down to `feed_pages` (no run of stored 8-Ks ends a page of Form 4s).
    fake = FakeEdgar(rate_limit=None, feed_depth=10_000)
    # Today's filings, accepted as published: no page is old enough for the acceptance-time rule.
    fake.publish(*form_4s(500, first=0), *filings(5, edgar_today(), first=500), *form_4s(500, first=505))
    queue = WorkQueue(1000)
    async with poller_of(fake, store, queue, forms=["8-K"], feed_pages=20) as poller:
        first = await poller.poll()
        assert (len(first.new), first.pages, first.complete) == (5, 11, True)
        await store_done(store, await queued(queue))
        fake.publish(*form_4s(60, first=2000), *filings(1, edgar_today(), first=2060), *form_4s(30, first=2061))
        before = fake.stats.served["feed"]
        second = await poller.poll()
    assert [e.accession for e in second.new] == [filings(1, edgar_today(), first=2060)[0].accession]
    assert (second.pages, fake.stats.served["feed"] - before, second.complete) == (2, 2, True)


async def test_a_page_with_hostile_entries_still_queues_its_good_filings(store: Store) -> None:
    fake = FakeEdgar(rate_limit=None)
    published = filings(2, edgar_today())
    fake.publish(*published)
    fake.feed_entries = hostile_feed_entries()
    queue = WorkQueue(100)
    async with poller_of(fake, store, queue, forms=["8-K"]) as watcher:
        report = await watcher.poll()
    assert sorted(e.accession for e in report.new) == sorted(
        [*(f.accession for f in published), "0000000902-26-000002"]
    )

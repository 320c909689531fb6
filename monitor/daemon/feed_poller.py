"""Polling the latest-filings feed: page back until filings already seen, queue the new ones oldest first."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.daemon.queue import WorkItem, WorkQueue
from monitor.edgar.calendar import edgar_today
from monitor.edgar.client import EdgarClient, EdgarError
from monitor.edgar.feed import FeedEntry, FeedError, parse_feed
from monitor.edgar.urls import FEED_PAGE_SIZE, feed_url, submission_url
from monitor.logs import fields
from storage.repository import Store
from storage.session import utcnow

log = logging.getLogger(__name__)

# A filing accepted after hours is disseminated the next business morning, days later over a long
# weekend: a page is only old news once all of it was accepted this long before the high-water mark.
FEED_OVERLAP = timedelta(days=4)
LISTED_KEPT = 20_000  # accessions remembered from earlier polls: ten full polls of 20 pages


@dataclass(slots=True)
class PollReport:
    pages: int = 0
    new: list[FeedEntry] = field(default_factory=list)
    complete: bool = True  # every form's feed was read back to filings already seen, or to its end
    skipped: int = 0  # 8-Ks not fetched: none of their items is among [edgar] only_items
    failed_forms: list[str] = field(default_factory=list)

    @classmethod
    def stopped(cls) -> PollReport:
        """A poll given up for a stop: it read nothing, and that is no failure."""
        return cls(complete=False)


class FeedPoller:
    def __init__(self, client: EdgarClient, store: Store, queue: WorkQueue, workers: int) -> None:
        self.client = client
        self.store = store
        self.queue = queue
        self.forms = client.settings.forms
        self.max_pages = client.settings.feed_pages
        self.only_items = set(client.settings.only_items)
        # Workers finish a few filings out of order; a run of this many known filings at the end of a
        # page means that every older one is stored too, even after a crash mid-batch.
        self.known_run = 2 * workers + 10
        self._failing = False  # the feed failed last time: logged once, and on recovery
        # Every filing (any form) that complete polls listed: the high-water mark. Reaching a run of
        # them, a poll has reached where the last complete poll began; all below was read then.
        self._listed_before: dict[str, None] = {}
        self._unreadable: set[str] = set()  # feed entries already logged as unreadable
        self._read_at: float | None = None  # monotonic time of the last poll that read every form

    async def poll(self) -> PollReport:
        """One read of the unfiltered feed (one request a page, whatever the number of forms watched),
        filtered here to the watched forms."""
        started = utcnow()
        report = PollReport()
        covered = await self.store.covered_at()
        try:
            entries, complete, pages, listed = await self._new_entries(covered)
        except (EdgarError, FeedError) as error:
            level = logging.DEBUG if self._failing else logging.WARNING
            log.log(level, "feed not read (each poll retries; logged again on recovery): %s", error)
            self._failing = True
            report.failed_forms = list(self.forms)
            report.complete = False
            entries, complete, pages, listed = [], False, 0, []
        else:
            if self._failing:
                self._failing = False
                log.info("feed read again")
        report.pages, report.new, report.complete = pages, entries, report.complete and complete
        if report.complete:
            self._remember(listed)
        metrics = self.client.metrics
        metrics.filings.labels("seen").inc(len(report.new))
        for entry in reversed(report.new):
            if self._skippable(entry):
                report.skipped += 1
                metrics.filing("skipped")
                url = submission_url(self.client.settings.base_url, entry.cik, entry.accession)
                reason = f"not fetched: items {', '.join(entry.items)}"
                await self.store.save_skipped(entry.accession, entry.cik, entry.form, entry.company, url, reason)
                continue
            await self.queue.submit(WorkItem(entry.accession, entry.cik, entry.form, started, entry.updated))
        if not report.failed_forms:
            self._read_at = time.monotonic()
        if report.complete:
            await self.store.set_covered_at(started)
        elif not report.failed_forms:
            await self.store.mark_gap(edgar_today())
            log.warning(
                "the feed held more new filings than %d pages: today's daily index will be read", self.max_pages
            )
        log.info(
            "poll: %d new filings (%d skipped by their items), %d feed pages, %d in progress",
            len(report.new),
            report.skipped,
            report.pages,
            self.queue.busy,
            extra=fields(
                "poll",
                new=len(report.new),
                skipped=report.skipped,
                pages=report.pages,
                in_progress=self.queue.busy,
                failed_forms=report.failed_forms,
            ),
        )
        return report

    def seconds_since_read(self) -> float | None:
        """Since the last poll that read the feed of every form; None before the first."""
        return None if self._read_at is None else time.monotonic() - self._read_at

    def _note_unreadable(self, entries: list[str]) -> None:
        """Each unreadable entry logged once (it stays in the feed for a while): the daily index,
        read the next day, lists the filing it stood for."""
        if len(self._unreadable) > 10_000:
            self._unreadable.clear()
        for entry in entries:
            if entry not in self._unreadable:
                self._unreadable.add(entry)
                log.warning("feed entry %r cannot be read; the daily index will list its filing", entry)

    def _skippable(self, entry: FeedEntry) -> bool:
        """An 8-K whose feed summary lists items, none of them among those the user wants fetched."""
        wanted = self.only_items
        return bool(wanted) and entry.form.startswith("8-K") and bool(entry.items) and not wanted & set(entry.items)

    async def _new_entries(self, covered: datetime | None) -> tuple[list[FeedEntry], bool, int, list[str]]:
        """New filings of the watched forms; whether the pages read reach back to the high-water mark
        (or the feed's end); pages read; every accession listed."""
        wanted = set(self.forms)
        new: list[FeedEntry] = []
        seen: set[str] = set()
        listed_here: list[str] = []
        for page in range(self.max_pages):
            url = feed_url(self.client.settings.base_url, "", page * FEED_PAGE_SIZE)
            # Off the event loop: a page of hostile entries must not hold up polls, sends and health checks.
            page_read = await asyncio.to_thread(parse_feed, await self.client.fetch(url))
            self._note_unreadable(page_read.unreadable)
            listed, raw_count = page_read.entries, page_read.raw_count
            listed_here.extend(e.accession for e in listed)
            entries = [e for e in listed if e.form in wanted]
            stored = await self.store.known(e.accession for e in entries)
            known = {e.accession for e in entries if e.accession in stored or e.accession in self.queue} | seen
            new.extend(e for e in entries if e.accession not in known)
            seen.update(e.accession for e in entries)
            read_before = [e.accession in self._listed_before or e.accession in known for e in listed]
            watched_known = [e.accession in known for e in entries]
            # Most of the feed is forms we do not watch: a page is old news once it reaches what the
            # last complete poll listed, or ends with a run of stored filings (the first poll after a
            # start), or was all accepted well before the high-water mark.
            older = covered is not None and _older_than(listed, covered - FEED_OVERLAP)
            reached = _ends_with_known_run(read_before, self.known_run) or _ends_with_known_run(
                watched_known, self.known_run
            )
            if raw_count < FEED_PAGE_SIZE or older or reached:
                return new, True, page + 1, listed_here
        return new, False, self.max_pages, listed_here

    def _remember(self, listed: list[str]) -> None:
        for accession in listed:
            self._listed_before[accession] = None
        excess = len(self._listed_before) - LISTED_KEPT
        if excess > 0:
            for accession in list(itertools.islice(self._listed_before, excess)):
                del self._listed_before[accession]


def _older_than(entries: list[FeedEntry], moment: datetime) -> bool:
    times = [e.updated for e in entries if e.updated is not None]
    return bool(times) and len(times) == len(entries) and max(times) < moment


def _ends_with_known_run(flags: list[bool], length: int) -> bool:
    """The page ends with `length` known filings (or holds fewer, all known)."""
    tail = flags[-length:]
    return bool(tail) and all(tail)

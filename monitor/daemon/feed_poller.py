"""Polling the latest-filings feed: page back until filings already seen, queue the new ones oldest first."""

from __future__ import annotations

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


@dataclass(slots=True)
class PollReport:
    pages: int = 0
    new: list[FeedEntry] = field(default_factory=list)
    complete: bool = True  # every form's feed was read back to filings already seen, or to its end
    skipped: int = 0  # 8-Ks not fetched: none of their items is among [edgar] only_items
    failed_forms: list[str] = field(default_factory=list)


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
        self._failing: set[str] = set()  # forms whose feed failed last time: logged once, and on recovery
        self._unreadable: set[str] = set()  # feed entries already logged as unreadable
        self._read_at: float | None = None  # monotonic time of the last poll that read every form

    async def poll(self) -> PollReport:
        started = utcnow()
        report = PollReport()
        seen: set[str] = set()
        covered = await self.store.covered_at()
        for form in self.forms:
            try:
                entries, complete, pages = await self._new_entries(form, seen, covered)
            except (EdgarError, FeedError) as error:
                level = logging.DEBUG if form in self._failing else logging.WARNING
                log.log(level, "feed for %s not read (each poll retries; logged again on recovery): %s", form, error)
                self._failing.add(form)
                report.failed_forms.append(form)
                report.complete = False
                continue
            if form in self._failing:
                self._failing.discard(form)
                log.info("feed for %s read again", form)
            report.pages += pages
            report.new.extend(entries)
            report.complete = report.complete and complete
        # Oldest first: if the daemon dies mid-batch, what is stored is the older part, which the next
        # poll's stop rule relies on.
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

    async def _new_entries(
        self, form: str, seen: set[str], covered: datetime | None
    ) -> tuple[list[FeedEntry], bool, int]:
        """New filings of one form, whether the pages read reach back to what is stored, pages read."""
        wanted = set(self.forms)
        new: list[FeedEntry] = []
        for page in range(self.max_pages):
            url = feed_url(self.client.settings.base_url, form, page * FEED_PAGE_SIZE)
            page_read = parse_feed(await self.client.fetch(url))
            self._note_unreadable(page_read.unreadable)
            listed, raw_count = page_read.entries, page_read.raw_count
            entries = [e for e in listed if e.form in wanted]
            # `type=` is a prefix: pages can fill with forms we do not watch, which are never stored
            # and so never "known"; for such a page, its acceptance times tell when it is old news.
            older = not entries and covered is not None and _older_than(listed, covered - FEED_OVERLAP)
            known = await self.store.known(e.accession for e in entries)
            flags = [e.accession in known or e.accession in self.queue or e.accession in seen for e in entries]
            new.extend(e for e, old in zip(entries, flags, strict=True) if not old)
            seen.update(e.accession for e in entries)
            if raw_count < FEED_PAGE_SIZE or older or _ends_with_known_run(flags, self.known_run):
                return new, True, page + 1
        return new, False, self.max_pages


def _older_than(entries: list[FeedEntry], moment: datetime) -> bool:
    times = [e.updated for e in entries if e.updated is not None]
    return bool(times) and len(times) == len(entries) and max(times) < moment


def _ends_with_known_run(flags: list[bool], length: int) -> bool:
    """The page ends with `length` known filings (or holds fewer, all known)."""
    tail = flags[-length:]
    return bool(tail) and all(tail)

"""Catch-up and backfill from the daily form indexes: every filing of the watched forms, once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from monitor.daemon.queue import Outcome, Priority, WorkItem, WorkQueue
from monitor.edgar.calendar import days_between, edgar_day
from monitor.edgar.client import EdgarClient, NotFound
from monitor.edgar.index import parse_form_index
from monitor.edgar.urls import daily_index_url
from monitor.logs import fields
from storage.repository import Store
from storage.session import utcnow

log = logging.getLogger(__name__)

# A missing index this old is a weekend or a holiday, not one still to be published.
INDEX_PUBLISHED_WITHIN_DAYS = 7


@dataclass(slots=True)
class DayReport:
    day: date
    listed: int = 0
    new: int = 0
    failed: int = 0
    skipped: bool = False  # already done before
    published: bool = True


ProgressCallback = Callable[[str, int], None]  # ("listed" | "done", count)


class IndexReader:
    def __init__(self, client: EdgarClient, store: Store, queue: WorkQueue, forms: list[str]) -> None:
        self.client = client
        self.store = store
        self.queue = queue
        self.forms = forms

    async def missed_days(self, today: date) -> list[date]:
        """Days the feed may not have covered: since the last complete poll, and days marked as gaps.

        Yesterday is always among them once the daemon has run: one request a day checks that the
        feed missed nothing (a filing disseminated late, far behind newer ones).
        """
        covered = await self.store.covered_at()
        yesterday = today - timedelta(days=1)
        days = set(days_between(min(edgar_day(covered), yesterday), yesterday)) if covered else set()
        days.update(d for d in await self.store.gap_days() if d < today)
        return [d for d in sorted(days) if set(self.forms) - await self.store.done_forms(d)]

    async def process_day(self, day: date, progress: ProgressCallback | None = None) -> DayReport:
        report = DayReport(day)
        wanted = set(self.forms) - await self.store.done_forms(day)
        if not wanted:
            await self.store.mark_index_done(day, ())  # a gap marked on a day already read is filled too
            report.skipped = True
            return report
        try:
            body = await self.client.fetch(daily_index_url(self.client.settings.base_url, day))
        except NotFound:
            report.published = False
            if (utcnow().date() - day).days > INDEX_PUBLISHED_WITHIN_DAYS:
                await self.store.mark_index_done(day, wanted)
            return report
        entries = [e for e in parse_form_index(body.decode("latin-1")) if e.form in wanted]
        report.listed = len(entries)
        known = await self.store.known(e.accession for e in entries)
        fresh = list({e.accession: e for e in entries if e.accession not in known}.values())
        report.new = len(fresh)
        # Seen once: the feed may have queued some of them already.
        self.client.metrics.filings.labels("seen").inc(sum(e.accession not in self.queue for e in fresh))
        if progress:
            progress("listed", len(entries))
            progress("done", len(entries) - len(fresh))
        futures = [
            await self.queue.submit(WorkItem(e.accession, e.cik, e.form, utcnow()), Priority.CATCH_UP) for e in fresh
        ]
        for future in asyncio.as_completed(futures):
            if await future is Outcome.FAILED:
                report.failed += 1
            if progress:
                progress("done", 1)
        await self.store.mark_index_done(day, wanted)
        return report

    async def catch_up(self, today: date) -> list[DayReport]:
        reports = []
        for day in await self.missed_days(today):
            report = await self.process_day(day)
            if not report.skipped:
                log.info(
                    "catch-up %s: %d filings listed, %d new, %d failed%s",
                    day,
                    report.listed,
                    report.new,
                    report.failed,
                    "" if report.published else " (no index published)",
                    extra=fields(
                        "catch_up_day",
                        day=day,
                        listed=report.listed,
                        new=report.new,
                        failed=report.failed,
                        published=report.published,
                    ),
                )
            reports.append(report)
        return reports

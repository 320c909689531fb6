"""One filing through the daemon, as a recipe: fetch -> read -> rules -> events -> store (+ outbox)."""

from __future__ import annotations

import asyncio
import logging
import mmap
import os
import time
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.exc import DataError

from filings.submission import Buffer
from monitor.daemon.budget import ScanBudget
from monitor.daemon.queue import Outcome, WorkItem
from monitor.daemon.quiet import WhenQuiet
from monitor.daemon.rulebook import RuleBook
from monitor.edgar.calendar import accepted_utc
from monitor.edgar.client import EdgarClient, EdgarError
from monitor.edgar.urls import submission_url
from monitor.extraction import ScanResult, scan_bytes
from monitor.logs import fields
from monitor.memory import Growth, release_freed_memory
from monitor.metrics import Metrics, unserved
from monitor.notify.routing import Router
from rules.engine import RuleSet
from storage.errors import DatabaseVanished
from storage.filing_store import FilingStore
from storage.repository import ProcessedFiling, Store
from storage.session import utcnow
from storage.states import FilingState

log = logging.getLogger(__name__)

CACHES_WORTH_EMPTYING = 16_000_000


class Pipeline:
    def __init__(
        self,
        client: EdgarClient,
        store: Store,
        rules: RuleBook,
        router: Router | None,
        max_attempts: int,
        archive: FilingStore | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.client = client
        self.metrics = metrics or unserved()
        self.store = store
        self.archive = archive  # the filing store: each fetched submission kept for `rules replay`
        self.rules = rules
        self.router = router  # None: store without alerting (a backfill of old days)
        self.max_attempts = max_attempts
        self._scanning = ScanBudget(os.cpu_count() or 1)
        self._quiet = WhenQuiet(self._empty_caches_if_grown)
        self._growth = Growth(CACHES_WORTH_EMPTYING)
        self.on_stored: Callable[[], None] = lambda: None  # the outbox wakes to deliver new alerts
        self.on_fatal: Callable[[str], None] = lambda reason: None  # the daemon stops on such a fault

    async def process(self, item: WorkItem) -> Outcome:
        """What a worker does with one item; a vanished database stops the daemon, not just this filing."""
        try:
            outcome = await self._process(item)
        except DatabaseVanished as error:
            self.on_fatal(str(error))
            return Outcome.FAILED
        if outcome is Outcome.STORED:
            self.on_stored()
        return outcome

    async def close(self) -> None:
        await self._quiet.close()

    def _empty_caches_if_grown(self) -> None:
        """Once the scans go quiet (in a worker thread): the rules' regex caches emptied, but only when
        the process grew by CACHES_WORTH_EMPTYING since they last were (or where its size cannot be
        read). Each emptying costs the next scans their warm automata (a few ms on an 8-K, tens on a
        prospectus); small filings add little, and emptying after each of them cost feed-to-Slack
        0.05 s at the median on the corpora."""
        if self._growth.exceeded():
            self.rules.empty_caches()
            self._growth.mark()
            self.metrics.rule_caches_emptied.inc()

    async def _keep(self, accession: str, data: bytes | mmap.mmap) -> None:
        if self.archive is not None:
            await asyncio.to_thread(self.archive.put, accession, data)

    async def _process(self, item: WorkItem) -> Outcome:
        url = submission_url(self.client.settings.base_url, item.cik, item.accession)
        if not await self.store.claim_filing(item.accession, item.cik, url, item.discovered_at):
            return Outcome.ALREADY_STORED  # done, given up, or another instance is on it
        started = time.perf_counter()
        try:
            body = await self.client.fetch_body(url)
        except EdgarError as error:
            return await self._failed(item, url, str(error))
        fetched_at = utcnow()
        self.metrics.fetch_seconds.observe(time.perf_counter() - started)
        self.metrics.filing("fetched")
        ruleset = self.rules.current  # the rules in force now, kept for this filing even if a reload lands
        with body, body.view() as data, self._quiet.busy():
            # Reading and the rules are CPU work: off the event loop, so that request pacing stays exact,
            # and no more at once than there are cores, nor more bytes than the budget: more would only
            # hold more filings in memory.
            async with self._scanning.reserve(len(data)):
                scanning = asyncio.to_thread(self._timed_scan, data, url, ruleset)
                # Kept while it is scanned, from the same bytes: the alert waits for neither.
                result, _ = await asyncio.gather(scanning, self._keep(item.accession, data))
        if result.error is not None:
            return await self._failed(item, url, result.error)
        processed = _processed(item, url, result, ruleset.version, fetched_at)
        try:
            destinations = self._destinations(processed, ruleset)
            saved = await self.store.save_processed(processed, destinations, alerting=self.router is not None)
        except DataError as error:  # the database refuses this filing's data: an attempt, not a loop
            return await self._failed(item, url, f"the database refused the filing: {error.orig}")
        if not saved:
            return Outcome.ALREADY_STORED
        self.metrics.stored(processed.accepted_at, utcnow(), [event.type for event in processed.events])
        log.info(
            "stored %s %s %s: %d events",
            item.accession,
            processed.form or "?",
            processed.company or "?",
            len(processed.events),
            extra=fields(
                "filing_stored",
                accession=item.accession,
                form=processed.form,
                company=processed.company,
                cik=processed.cik,
                events=[event.type for event in processed.events],
                accepted_at=processed.accepted_at,
            ),
        )
        return Outcome.STORED

    def _timed_scan(self, data: Buffer, url: str, ruleset: RuleSet) -> ScanResult:
        started = time.perf_counter()
        try:
            return _scan_and_release(data, url, ruleset)
        finally:
            self.metrics.scan_seconds.observe(time.perf_counter() - started)

    def _destinations(self, processed: ProcessedFiling, ruleset: RuleSet) -> list[str]:
        if self.router is None or not processed.events:
            return []
        tags = {compiled.rule.id: compiled.rule.tags for compiled in ruleset.rules}
        return self.router.destinations(processed.form, processed.cik, processed.events, tags)

    async def _failed(self, item: WorkItem, url: str, error: str) -> Outcome:
        row = await self.store.save_failure(item.accession, url, item.cik, error, self.max_attempts, item.discovered_at)
        self.metrics.filing("gave_up" if row is not None and row.status == FilingState.GAVE_UP else "failed")
        if row is not None:
            level = logging.ERROR if row.status == FilingState.GAVE_UP else logging.WARNING
            log.log(
                level,
                "filing %s failed (attempt %d, %s): %s",
                item.accession,
                row.attempts,
                row.status,
                error,
                extra=fields("filing_failed", accession=item.accession, attempts=row.attempts, status=row.status),
            )
        return Outcome.FAILED


def _scan_and_release(data: Buffer, url: str, ruleset: RuleSet) -> ScanResult:
    try:
        return scan_bytes(data, url, ruleset)
    finally:
        release_freed_memory()


def _processed(item: WorkItem, url: str, result: ScanResult, version: str, fetched_at: datetime) -> ProcessedFiling:
    header = result.header
    if header.accession and header.accession != item.accession:
        log.warning("%s: the header says accession %s; stored under the feed's", item.accession, header.accession)
    return ProcessedFiling(
        accession=item.accession,
        url=url,
        cik=header.cik or str(int(item.cik)),
        form=header.form or item.form,
        company=header.company,
        filed=date.fromisoformat(header.filed) if header.filed else None,
        events=result.events,
        rules_version=version,
        discovered_at=item.discovered_at,
        fetched_at=fetched_at,
        accepted_at=accepted_utc(header.accepted) or item.accepted_at,
        recall=result.recall,
        items=tuple(header.items),
    )

"""The parts the daemon and backfill share, built once and closed in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from monitor.daemon.feed_poller import FeedPoller
from monitor.daemon.index_reader import IndexReader
from monitor.daemon.pipeline import Pipeline
from monitor.daemon.queue import Outcome, Priority, WorkItem, WorkQueue
from monitor.daemon.rulebook import RuleBook
from monitor.edgar.client import EdgarClient, EdgarError
from monitor.edgar.facts import CompanyFacts
from monitor.edgar.tickers import TickerError, fetch_tickers
from monitor.metrics import Metrics
from monitor.notify.delivery import OutboxDelivery
from monitor.notify.destinations import Destinations, open_destinations
from monitor.settings import Settings
from storage.filing_store import FilingStore
from storage.repository import Store
from storage.urls import masked

log = logging.getLogger(__name__)


@dataclass(slots=True)
class App:
    settings: Settings
    rules: RuleBook
    store: Store
    client: EdgarClient
    queue: WorkQueue
    pipeline: Pipeline
    poller: FeedPoller
    index: IndexReader
    destinations: Destinations
    outbox: OutboxDelivery
    workers: list[asyncio.Task[None]]
    metrics: Metrics

    async def retry_failed(self) -> list[asyncio.Future[Outcome]]:
        """Queue the filings that failed (within their attempts) and claims left by a dead instance."""
        futures = []
        for row in await self.store.retryable_filings(limit=self.settings.daemon.queue_size):
            if row.accession not in self.queue and row.cik:
                item = WorkItem(row.accession, row.cik, row.form, row.discovered_at)
                futures.append(await self.queue.submit(item, Priority.RETRY))
        return futures

    async def refresh_tickers(self) -> None:
        """The SEC's ticker list, for the ticker each alert shows and for ticker watchlists; fetched
        at start and daily (one request)."""
        try:
            self.destinations.router.tickers = await fetch_tickers(self.client)
        except (EdgarError, TickerError) as error:
            # Alerts go out without a ticker, routes by CIK keep working; tried again at the next run.
            watchlists = " and ticker watchlists match nothing" if self.destinations.router.wants_tickers else ""
            log.warning("ticker list not loaded (%s); alerts show no ticker%s until it is", error, watchlists)
            return
        log.info("ticker list loaded: %d tickers", len(self.destinations.router.tickers))

    async def stop_workers(self, grace_seconds: float) -> None:
        """Let filings in progress finish for a while, then abandon them: their transactions roll back."""
        self.queue.close()
        _, late = await asyncio.wait(self.workers, timeout=grace_seconds) if self.workers else (set(), set())
        for task in late:
            task.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)
        if late:
            log.info("stopped with %d filings in progress; they will be fetched again", len(late))


@contextlib.asynccontextmanager
async def open_app(settings: Settings, rules: RuleBook, alerts: bool = True, role: str = "") -> AsyncIterator[App]:
    lease = timedelta(seconds=settings.daemon.lease_seconds)
    # A backfill beside the daemon is a second instance: it must not take the daemon's claims for its own.
    instance = f"{settings.instance_name()}{'-' + role if role else ''}"
    store = await Store.open(settings.database_url(), instance, lease)
    metrics = Metrics()
    try:
        async with EdgarClient(settings.edgar, metrics) as client, open_destinations(settings) as destinations:
            queue = WorkQueue(settings.daemon.queue_size)
            metrics.queue_depth.set_function(lambda: queue.busy)
            rules.on_reload = lambda outcome: metrics.rule_reloads.labels(outcome).inc()
            # A backfill of past days stores events without alerting by default: a year of old deals
            # would bury the channel.
            router = destinations.router if alerts else None
            pipeline = Pipeline(
                client,
                store,
                rules,
                router,
                settings.daemon.max_filing_attempts,
                archive=filing_store_of(settings),
                metrics=metrics,
            )
            forms = settings.edgar.forms
            facts = CompanyFacts(client, settings.edgar.facts_url())
            app = App(
                settings=settings,
                rules=rules,
                store=store,
                client=client,
                queue=queue,
                pipeline=pipeline,
                poller=FeedPoller(client, store, queue, settings.daemon.workers),
                index=IndexReader(client, store, queue, forms),
                destinations=destinations,
                outbox=OutboxDelivery(
                    store,
                    destinations.notifiers,
                    destinations.digests,
                    metrics=metrics,
                    ticker_of=destinations.router.ticker_of,
                    outstanding_of=facts.shares_outstanding,
                    broadcast_percent=settings.slack.broadcast_change_percent,
                ),
                workers=[],
                metrics=metrics,
            )
            pipeline.on_stored = app.outbox.wake
            app.workers = [
                asyncio.create_task(queue.run_worker(pipeline.process)) for _ in range(settings.daemon.workers)
            ]
            try:
                yield app
            finally:
                for task in app.workers:
                    task.cancel()
                await asyncio.gather(*app.workers, return_exceptions=True)
                await pipeline.close()
                await facts.aclose()
    finally:
        await store.close()


def filing_store_of(settings: Settings) -> FilingStore | None:
    """The filing store the config sets, or None when it is off."""
    folder = settings.filing_store_folder()
    if folder is None:
        return None
    retention = settings.filing_store.retention_days or None
    return FilingStore(folder, retention, int(settings.edgar.max_body_mb * 1_000_000))


def describe(settings: Settings, rules: RuleBook) -> str:
    """The one start-up line: what was loaded, from where (no secrets: passwords are masked)."""
    database = masked(settings.database_url())
    return (
        f"forms {', '.join(settings.edgar.forms)} from {settings.edgar.base_url} "
        f"(at most {settings.edgar.max_requests_per_second:g} requests/s); "
        f"{len(rules.current.rules)} rules, version {rules.current.version}; storage {database}; "
        f"{settings.daemon.workers} workers; instance {settings.instance_name()}"
    )

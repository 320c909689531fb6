"""`rules replay`: the rules in force (or being written) run again over filings already processed,
from the filing store (fetching, within a share of fair access, any it lacks), across cores; what
they find is compared with what is stored.

An event is the same event when its filing, its type and its key field (a fee's role; none for the
other built-in types) match; several of one type and key are paired in the order the rules report
them. A pair whose fields differ is "changed". A dry run changes nothing; `--apply` stores the new
events with the rules' version; `--alert` also queues an alert for a filing that now has events
and was never alerted (never twice to one destination)."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from deals.facts import Recall
from monitor.daemon.runtime import filing_store_of
from monitor.edgar.client import EdgarClient, EdgarError
from monitor.extraction import scan_bytes
from monitor.notify.delivery import OutboxDelivery
from monitor.notify.destinations import open_destinations
from monitor.notify.routing import Router
from monitor.settings import Settings
from rules.catalogue import CATALOGUE
from rules.engine import RuleSet
from rules.events import Event
from rules.loader import load_sources
from rules.sources import RuleSources
from storage.filing_store import FilingStore
from storage.repository import FilingWithEvents, Store
from storage.tables import EventRow, FilingRow

log = logging.getLogger(__name__)

_RULES: RuleSet | None = None  # each worker process's own: compiled rules do not pickle


@dataclass(frozen=True, slots=True)
class Change:
    accession: str
    kind: str  # added | removed | changed
    type: str
    detail: str


@dataclass(slots=True)
class ReplayReport:
    filings: int = 0
    from_store: int = 0
    fetched: int = 0
    unavailable: int = 0
    changes: list[Change] = field(default_factory=list)
    alerted: int = 0
    rules_version: str = ""
    # accession -> "8-K NEOTHERAPEUTICS INC, filed 2000-03-31": how the report names a changed filing
    names: dict[str, str] = field(default_factory=dict)
    deal_filings: int = 0  # with --apply: filings placed in deals made again

    def count(self, kind: str) -> int:
        return sum(change.kind == kind for change in self.changes)

    def summary(self, applied: bool) -> str:
        done = "stored" if applied else "dry run: nothing stored (--apply stores them)"
        return (
            f"{self.filings} filings ({self.from_store} from the filing store, {self.fetched} fetched, "
            f"{self.unavailable} unavailable): {self.count('added')} events added, {self.count('removed')} removed, "
            f"{self.count('changed')} changed; {done}; {self.alerted} filings alerted; rules {self.rules_version}"
            + (f"; deals made again over {self.deal_filings} filings" if applied and self.deal_filings else "")
        )


def _name_of(filing: FilingRow) -> str:
    filed = f", filed {filing.filed.isoformat()}" if filing.filed else ""
    return f"{filing.form or '?'} {filing.company or 'unknown company'}{filed}"


def compare(accession: str, old: list[EventRow], new: list[Event]) -> list[Change]:
    """What the new events add, remove and change, against the stored ones."""
    before: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    after: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in old:
        before[_identity(row.type, row.fields)].append(dict(row.fields))
    for event in new:
        after[_identity(event.type, event.fields)].append(dict(event.fields))
    changes: list[Change] = []
    for key in sorted(set(before) | set(after)):
        olds, news = before.get(key, []), after.get(key, [])
        for old_fields, new_fields in zip(olds, news, strict=False):
            if old_fields != new_fields:
                changes.append(Change(accession, "changed", key[0], _difference(old_fields, new_fields)))
        changes.extend(Change(accession, "removed", key[0], _shown(f)) for f in olds[len(news) :])
        changes.extend(Change(accession, "added", key[0], _shown(f)) for f in news[len(olds) :])
    return changes


def _identity(type_name: str, fields: dict[str, Any]) -> tuple[str, str]:
    key_field = CATALOGUE[type_name].key_field if type_name in CATALOGUE else None
    return type_name, str(fields.get(key_field, "")) if key_field else ""


def _shown(fields: dict[str, Any]) -> str:
    return " ".join(f"{name}={value}" for name, value in fields.items()) or "(no fields)"


def _difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    names = [*old, *(name for name in new if name not in old)]
    return " ".join(f"{name}: {old.get(name)} -> {new.get(name)}" for name in names if old.get(name) != new.get(name))


def _start_worker(sources: RuleSources) -> None:
    global _RULES
    _RULES = RuleSet(load_sources(sources).rules)


def _scan_in_worker(data: bytes, source: str) -> tuple[list[Event], str | None, Recall]:
    assert _RULES is not None, "the pool's initializer loads the rules"
    result = scan_bytes(data, source, _RULES)
    return result.events, result.error, result.recall


async def replay(
    store: Store,
    settings: Settings,
    sources: RuleSources,
    since: date,
    until: date | None,
    forms: list[str],
    apply: bool,
    alert: bool,
    workers: int | None = None,
    progress: Any = None,
) -> ReplayReport:
    """Run the rules over the stored filings of the range and report (and, if asked, store) the changes."""
    loaded = load_sources(sources).rules
    version = RuleSet(loaded).version
    tags = {compiled.rule.id: compiled.rule.tags for compiled in loaded}
    report = ReplayReport(rules_version=version)
    filings = await store.filings_in_range(since, until, forms or None)
    report.filings = len(filings)
    replayed: dict[str, Recall] = {}  # accession -> what a filing without events recalls, for deals
    archive = filing_store_of(settings)
    share = settings.edgar.model_copy(
        update={"max_requests_per_second": settings.edgar.max_requests_per_second * settings.filing_store.replay_share}
    )
    context = multiprocessing.get_context("spawn")  # forking a threaded process is unsafe
    size = workers or os.cpu_count() or 1
    async with EdgarClient(share) as client, open_destinations(settings) as destinations:
        with ProcessPoolExecutor(size, mp_context=context, initializer=_start_worker, initargs=(sources,)) as pool:
            loop = asyncio.get_running_loop()

            async def one(filing: FilingWithEvents) -> None:
                data = await _body(filing, archive, client, report)
                if data is None:
                    return
                events, error, recall = await loop.run_in_executor(pool, _scan_in_worker, data, filing.filing.url)
                replayed[filing.filing.accession] = recall
                if error is not None:
                    log.warning("replay: %s could not be read: %s", filing.filing.accession, error)
                    report.unavailable += 1
                    return
                changes = compare(filing.filing.accession, filing.events, events)
                report.changes.extend(changes)
                if changes:
                    report.names[filing.filing.accession] = _name_of(filing.filing)
                # Written when something changed, or when an alert may be due: a filing that got its
                # events from an earlier --apply and was never alerted is alerted now.
                if apply and (changes or filing.filing.rules_version != version or (alert and events)):
                    wanted = _destinations(destinations.router, filing, events, tags) if alert else []
                    # Awaited first, then added: `report.alerted += await ...` would read the count
                    # before the await and lose what other filings added meanwhile.
                    alerted = await store.replace_events(filing.filing.accession, events, version, wanted)
                    report.alerted += alerted
                if progress is not None:
                    progress()

            # A few filings in flight per worker: the pool stays busy while bodies are read or fetched.
            pending: set[asyncio.Task[None]] = set()
            for filing in filings:
                if len(pending) >= size * 2:
                    _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                pending.add(asyncio.create_task(one(filing)))
            if pending:
                await asyncio.gather(*pending)
        if apply and replayed:
            # Events changed: the deals they made are made again from them (storage/deals.py).
            report.deal_filings = await store.rebuild_deals(replayed)
        if report.alerted:
            # Sent now, as `run --once` would; the claims let a running daemon never send one twice.
            await OutboxDelivery(store, destinations.notifiers, destinations.digests).drain()
    return report


async def _body(
    filing: FilingWithEvents, archive: FilingStore | None, client: EdgarClient, report: ReplayReport
) -> bytes | None:
    accession = filing.filing.accession
    if archive is not None and (kept := await asyncio.to_thread(archive.get, accession)) is not None:
        report.from_store += 1
        return kept
    try:
        body = await client.fetch_body(filing.filing.url)
    except EdgarError as error:
        log.warning("replay: %s could not be fetched: %s", accession, error)
        report.unavailable += 1
        return None
    with body, body.view() as view:
        data = bytes(view)
    report.fetched += 1
    if archive is not None:
        await asyncio.to_thread(archive.put, accession, data)
    return data


def _destinations(
    router: Router, filing: FilingWithEvents, events: list[Event], tags: dict[str, list[str]]
) -> list[str]:
    return router.destinations(filing.filing.form, filing.filing.cik, events, tags) if events else []


def changes_by_filing(changes: list[Change]) -> Iterator[tuple[str, list[Change]]]:
    grouped: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        grouped[change.accession].append(change)
    yield from sorted(grouped.items())

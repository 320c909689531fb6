"""`filing-monitor alerts list|retry` and `notify test`: the outbox and the destinations, for people."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from rich.console import Console

from monitor.cli.tables import Cell, compact_table, readable_table
from monitor.escape import cell, for_terminal
from monitor.notify.base import NotifyError
from monitor.notify.delivery import OutboxDelivery
from monitor.notify.destinations import open_destinations
from monitor.notify.sample import seed_alert
from monitor.settings import Settings
from storage.repository import Store
from storage.states import AlertState
from storage.tables import AlertRow, FilingRow


@contextlib.asynccontextmanager
async def opened_store(settings: Settings, read_only: bool = False) -> AsyncIterator[Store]:
    # Its own instance name: a command beside the daemon must not take over the daemon's claims.
    lease = timedelta(seconds=settings.daemon.lease_seconds)
    url = settings.database_url()
    store = await (
        Store.open_for_reading(url) if read_only else Store.open(url, f"{settings.instance_name()}-cli", lease)
    )
    try:
        yield store
    finally:
        await store.close()


async def list_alerts(
    settings: Settings, statuses: Sequence[str], limit: int
) -> tuple[list[tuple[AlertRow, FilingRow]], dict[int, int]]:
    """The alerts, and the deal of each alerted filing (filing id -> deal id)."""
    async with opened_store(settings, read_only=True) as store:
        rows = await store.list_alerts(statuses, limit)
        return rows, await store.deal_ids_of(sorted({f.id for _, f in rows if f.id is not None}))


def alert_json(alert: AlertRow, filing: FilingRow, deal_id: int | None = None) -> dict[str, Any]:
    return {
        "id": alert.id,
        "status": alert.status,
        "destination": alert.destination,
        "accession": filing.accession,
        "form": filing.form,
        "company": filing.company,
        "attempts": alert.attempts,
        "created_at": alert.created_at.isoformat(),
        "sent_at": alert.sent_at.isoformat() if alert.sent_at else None,
        "external_id": alert.external_id,
        "error": alert.error,
        "deal": deal_id,
    }


def print_alerts(
    listed: tuple[list[tuple[AlertRow, FilingRow]], dict[int, int]],
    console: Console,
    as_json: bool,
    wide: bool = False,
) -> None:
    rows, deals = listed
    if as_json:
        for alert, filing in rows:
            sys.stdout.write(json.dumps(alert_json(alert, filing, deals.get(filing.id or 0))) + "\n")
        return
    if not rows:
        console.print("no alerts waiting: every alert was sent (`alerts list --all` shows them)")
        return
    cells: list[tuple[Cell, ...]] = []
    for alert, filing in rows:
        deal = f"deal #{deals[filing.id or 0]}" if filing.id in deals else ""
        name = " ".join(v for v in (filing.form, filing.company, filing.accession, deal) if v)
        detail = alert.error or (f"ts {alert.external_id}" if alert.external_id else "")
        texts = (str(alert.id), alert.status, alert.destination, name, str(alert.attempts), detail)
        cells.append(tuple(cell(text) for text in texts))
    columns = ("id", "status", "destination", "filing", "tries", "detail")
    if wide:
        console.print(readable_table("Alerts, newest first", columns, cells, console.width, show_lines=False))
    else:
        console.print(compact_table("Alerts, newest first", columns, cells, console.width))
    failed = sum(1 for a, _ in rows if a.status == AlertState.FAILED)
    if failed:
        console.print(f"{failed} failed: fix the cause, then `filing-monitor alerts retry --config FILE`")


@dataclass(slots=True)
class RetryReport:
    requeued: int
    delivered: int
    failed: list[tuple[AlertRow, FilingRow]]

    def summary(self) -> str:
        text = f"requeued {self.requeued} failed alerts; delivered {self.delivered}"
        if self.failed:
            text += f"; {len(self.failed)} failed again: {for_terminal(self.failed[0][0].error or '')}"
        return text


async def retry_alerts(settings: Settings, ids: Sequence[int]) -> RetryReport:
    """Failed alerts back to the outbox, then delivered at once (a running daemon would too; the
    claims let only one of them send each alert)."""
    async with opened_store(settings) as store, open_destinations(settings) as destinations:
        requeued = await store.requeue_failed(ids)
        outbox = OutboxDelivery(store, destinations.notifiers, destinations.digests)
        delivered = await outbox.drain() if requeued else 0
        await store.release_alerts(requeued)  # any left (a digest not due, a paused channel): the daemon's
        failed = [row for row in await store.list_alerts([AlertState.FAILED], limit=1000) if row[0].id in requeued]
    return RetryReport(len(requeued), delivered, failed)


async def notify_test(settings: Settings) -> tuple[list[str], bool]:
    """The seed filing's alert to every configured destination; what each said, and whether all took it."""
    lines: list[str] = []
    ok = True
    async with open_destinations(settings) as destinations:
        lines.append(f"destinations: {destinations.describe()}")
        for name, notifier in destinations.notifiers.items():
            try:
                delivery = await notifier.send([seed_alert(name)])
            except NotifyError as error:
                ok = False
                lines.append(f"{name}: FAILED: {for_terminal(str(error))}")
            else:
                lines.append(f"{name}: ok ({for_terminal(delivery.detail)})")
    return lines, ok

"""`filing-monitor status`: where the daemon stands, read from its database."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from monitor.edgar.calendar import EASTERN, disseminating
from monitor.escape import for_terminal
from monitor.settings import Settings
from storage.repository import Store
from storage.session import aware, utcnow
from storage.states import AlertState, FilingState
from storage.urls import masked

_FILING_STATES = [
    (FilingState.DONE, "done"),
    (FilingState.CLAIMED, "in progress"),
    (FilingState.FAILED, "failed (will be retried)"),
    (FilingState.GAVE_UP, "given up"),
    (FilingState.SKIPPED, "skipped by their items"),
]

_ALERT_STATES = [
    (AlertState.SENT, "sent"),
    (AlertState.PENDING, "waiting"),
    (AlertState.SENDING, "being sent or retried"),
    (AlertState.FAILED, "failed (`alerts list`, then `alerts retry`)"),
]


async def command_status(settings: Settings) -> int:
    store = await Store.open_for_reading(settings.database_url())
    try:
        print("\n".join(await status_lines(store, settings.database_url())))
    finally:
        await store.close()
    return 0


async def status_lines(store: Store, database_url: str, now: datetime | None = None) -> list[str]:
    now = now or utcnow()
    covered = await store.covered_at()
    filings = await store.status_counts()
    alerts = await store.alert_counts_by_destination()
    lines = [
        f"database: {masked(database_url)}",
        f"feed read back to stored filings at: {covered:%Y-%m-%d %H:%M:%S} UTC" if covered else "feed: never polled",
        "filings: " + _counts(filings, _FILING_STATES),
    ]
    # One line a destination: "92 sent" for 46 filings alerted to the console and to Slack told nothing.
    lines += [f"alerts to {d}: " + _counts(alerts[d], _ALERT_STATES) for d in sorted(alerts)] or ["alerts: none"]
    lines += await lag_lines(store, now)
    gaps = await store.gap_days()
    if gaps:
        lines.append("days whose index must fill a feed gap: " + ", ".join(str(d) for d in gaps))
    troubled = await store.troubled_filings()
    if troubled:
        lines.append("latest problems:")
        lines += [
            f"  {r.accession} {r.status} after {_attempts(r.attempts)}: {for_terminal(r.error or '')}" for r in troubled
        ]
    return lines


def _attempts(count: int) -> str:
    return "1 attempt" if count == 1 else f"{count} attempts"


def _counts(counts: dict[str, int], names: list[tuple[FilingState, str]] | list[tuple[AlertState, str]]) -> str:
    shown = [f"{counts[key]} {label}" for key, label in names if counts.get(key)]
    return ", ".join(shown) or "none"


async def lag_lines(store: Store, now: datetime) -> list[str]:
    """How far behind the SEC: from the newest filing's acceptance time, and the last hour's spread."""
    newest = await store.newest_accepted()
    if newest is None or newest.accepted_at is None:
        return ["behind the SEC: no stored filing has an acceptance time yet"]
    accepted = aware(newest.accepted_at)
    stored = aware(newest.processed_at) if newest.processed_at else None
    after = f", stored {_seconds((stored - accepted).total_seconds())} after" if stored else ""
    if disseminating(now):
        head = f"behind the SEC: {_seconds((now - accepted).total_seconds())} (newest filing accepted {_eastern(accepted)}{after})"
    else:
        seen = f", stored {_eastern(stored)}" if stored else ""
        head = f"EDGAR is outside its dissemination hours: last filing accepted {_eastern(accepted)}{seen}"
    stored_lags = sorted(await store.lags_since(now - timedelta(hours=1)))
    # A filing accepted days ago and stored now (a catch-up from the daily index, a backfill) says
    # nothing of how far behind the feed the daemon is: "p50 13250.9 h" was such a lag.
    lags = [lag for lag in stored_lags if lag < LIVE_SECONDS]
    older = len(stored_lags) - len(lags)
    caught_up = f"; {older} older {'filing' if older == 1 else 'filings'} caught up" if older else ""
    if not lags:
        return [head, f"lag from acceptance to stored, last hour: no live filings stored{caught_up}"]
    spread = ", ".join(f"p{q} {_seconds(percentile(lags, q))}" for q in (50, 90, 99))
    return [
        head,
        f"lag from acceptance to stored, last hour: {spread}, max {_seconds(lags[-1])} "
        f"({len(lags)} live filings{caught_up})",
    ]


LIVE_SECONDS = 86_400.0  # a filing stored within a day of its acceptance came through the live feed


def percentile(ordered: list[float], q: int) -> float:
    """The nearest-rank percentile of sorted values: a value that was measured, never an interpolation."""
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _seconds(value: float) -> str:
    if value < 120:
        return f"{value:.1f} s"
    if value < 7200:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"


def _eastern(moment: datetime) -> str:
    return f"{moment.astimezone(EASTERN):%Y-%m-%d %H:%M:%S} ET"

"""`filing-monitor status`: where the daemon stands, read from its database."""

from __future__ import annotations

from monitor.escape import for_terminal
from monitor.settings import Settings
from storage.repository import Store
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


async def status_lines(store: Store, database_url: str) -> list[str]:
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
    gaps = await store.gap_days()
    if gaps:
        lines.append("days whose index must fill a feed gap: " + ", ".join(str(d) for d in gaps))
    troubled = await store.troubled_filings()
    if troubled:
        lines.append("latest problems:")
        lines += [
            f"  {r.accession} {r.status} after {r.attempts} attempts: {for_terminal(r.error or '')}" for r in troubled
        ]
    return lines


def _counts(counts: dict[str, int], names: list[tuple[FilingState, str]] | list[tuple[AlertState, str]]) -> str:
    shown = [f"{counts[key]} {label}" for key, label in names if counts.get(key)]
    return ", ".join(shown) or "none"

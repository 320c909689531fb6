"""`filing-monitor backfill`: the daily indexes of a date range, processed like the daemon would."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass
from datetime import date

from rich.console import Console

from monitor.cli.progress import progress_bar
from monitor.daemon.index_reader import DayReport
from monitor.daemon.queue import Outcome
from monitor.daemon.rulebook import RuleBook
from monitor.daemon.runtime import describe, open_app
from monitor.edgar.calendar import days_between
from monitor.errors import ConfigError
from monitor.settings import Settings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BackfillReport:
    days: int = 0
    skipped_days: int = 0
    unpublished_days: int = 0
    listed: int = 0
    new: int = 0
    failed: int = 0
    retried: int = 0
    requests: int = 0

    def add(self, day: DayReport) -> None:
        self.days += 1
        self.skipped_days += day.skipped
        self.unpublished_days += not day.published
        self.listed += day.listed
        self.new += day.new
        self.failed += day.failed

    def summary(self) -> str:
        return (
            f"{self.days} days ({self.skipped_days} already done, {self.unpublished_days} without an index): "
            f"{self.listed} filings listed, {self.new} processed, {self.retried} retried from earlier runs, "
            f"{self.failed} failed (kept with their errors; a re-run retries them); {self.requests} EDGAR requests"
        )


async def backfill(settings: Settings, first: date, last: date, alert: bool, console: Console) -> BackfillReport:
    rules = RuleBook(settings.rule_sources())
    report = BackfillReport()
    async with open_app(settings, rules, alerts=alert, role="backfill") as app:
        log.info("backfill %s to %s: %s", first, last, describe(settings, rules))
        days = days_between(first, last)
        with progress_bar(console) as progress:
            # Days are known at the start (their bar gives the ETA); filings as each day's index is read.
            day_task = progress.add_task("days", total=len(days))
            task = progress.add_task("filings", total=None)

            def advance(kind: str, count: int) -> None:
                if kind == "listed":
                    progress.update(task, total=(progress.tasks[task].total or 0) + count)
                else:
                    progress.advance(task, count)

            # Filings that failed in an earlier run (or were cut off by an interruption) go first.
            for outcome in await asyncio.gather(*await app.retry_failed()):
                report.retried += 1
                report.failed += outcome is Outcome.FAILED
            for day in days:
                progress.update(day_task, description=f"day {day}")
                report.add(await app.index.process_day(day, advance))
                progress.advance(day_task)
            progress.update(day_task, description="days")
        if alert:
            await app.outbox.drain()
        report.requests = app.client.requests
    return report


async def command_backfill(settings: Settings, first: date, last: date, alert: bool) -> int:
    if first > last:
        raise ConfigError(f"--from {first} is after --to {last}")
    report = await backfill(settings, first, last, alert, Console(stderr=True))
    print(f"backfill {first} to {last}: {report.summary()}", file=sys.stderr)
    return 1 if report.failed else 0

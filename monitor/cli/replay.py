"""`filing-monitor rules replay`: the rules over past filings, and what they would change."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from rich.console import Console

from monitor.cli.progress import progress_bar
from monitor.daemon.replay import ReplayReport, changes_by_filing, replay
from monitor.escape import for_terminal
from monitor.settings import Settings
from storage.repository import Store


async def command_replay(
    settings: Settings,
    since: date,
    until: date | None,
    forms: list[str],
    rules: list[Path],
    apply: bool,
    alert: bool,
    workers: int | None,
) -> int:
    sources = settings.rule_sources()
    if rules:
        sources = replace(sources, paths=(*sources.paths, *rules))
    console = Console(file=sys.stderr)
    store = await Store.open(settings.database_url(), f"{settings.instance_name()}-replay")
    try:
        with progress_bar(console, transient=True) as progress:
            task = progress.add_task("replay", total=None)
            total = len(await store.filings_in_range(since, until, forms or None))
            progress.update(task, total=total)
            report = await replay(
                store,
                settings,
                sources,
                since,
                until,
                forms,
                apply=apply or alert,
                alert=alert,
                workers=workers,
                progress=lambda: progress.advance(task),
            )
    finally:
        await store.close()
    print_report(report, apply or alert)
    return 0


def print_report(report: ReplayReport, applied: bool) -> None:
    for accession, changes in changes_by_filing(report.changes):
        name = report.names.get(accession)
        print(f"{accession}  {for_terminal(name)}" if name else accession)
        for change in changes:
            sign = {"added": "+", "removed": "-", "changed": "~"}[change.kind]
            print(f"  {sign} {change.type}: {for_terminal(change.detail)}")
    print(report.summary(applied), file=sys.stderr)

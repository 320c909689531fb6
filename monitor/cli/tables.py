"""How scan results are shown: JSON lines for machines, a table for people."""

from __future__ import annotations

import json
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from monitor.escape import cell, for_terminal
from monitor.extraction import ScanResult
from rules.catalogue import titled_fields
from rules.events import Event
from storage.repository import FilingWithEvents
from storage.tables import EventRow


def write_json_line(result: ScanResult, stream: TextIO) -> None:
    stream.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    stream.flush()


def results_table(results: list[ScanResult]) -> Table:
    table = Table(title="Financing events", show_lines=True, expand=False)
    for column in ("file", "filing", "event", "fields", "evidence"):
        table.add_column(column, overflow="fold")
    for result in results:
        filing = " ".join(v for v in (result.header.form, result.header.company, result.header.accession) if v) or "-"
        source = cell(result.source)
        if result.error:
            table.add_row(source, cell(filing), Text("error", style="red"), cell(result.error), "")
        elif not result.events:
            table.add_row(source, cell(filing), Text("none", style="dim"), "", "")
        for event in result.events:
            fields = cell(titled_fields(event.type, event.fields))
            for check in event.checks:
                fields.append(f"\ncheck: {for_terminal(check)}", style="yellow")
            evidence = event.evidence if len(event.evidence) < 200 else event.evidence[:197] + "..."
            table.add_row(source, cell(filing), cell(event.type), fields, cell(evidence))
    return table


def print_table(results: list[ScanResult], console: Console) -> None:
    console.print(results_table(results))
    found = sum(len(r.events) for r in results)
    failed = sum(1 for r in results if r.error)
    console.print(f"{len(results)} files, {found} events, {failed} errors")


def stored_json(stored: FilingWithEvents) -> dict[str, Any]:
    """A stored filing in the shape of `scan --json`, its source being the filing's URL."""
    filing = stored.filing
    return {
        "source": filing.url,
        "accession": filing.accession,
        "form": filing.form,
        "company": filing.company,
        "cik": filing.cik,
        "filed": filing.filed.isoformat() if filing.filed else None,
        "events": [_stored_event(row).to_json() | {"rules_version": row.rules_version} for row in stored.events],
    }


def _stored_event(row: EventRow) -> Event:
    return Event(
        row.type,
        row.rule,
        row.fields,
        row.evidence,
        row.start_offset,
        row.end_offset,
        row.document or "",
        row.rules,
        row.checks,
    )


def print_stored_table(filings: list[FilingWithEvents], console: Console) -> None:
    table = Table(title="Stored financing events, newest first", show_lines=True)
    for column in ("filed", "filing", "event", "fields"):
        table.add_column(column, overflow="fold")
    for stored in filings:
        filing = stored.filing
        name = " ".join(v for v in (filing.form, filing.company, filing.accession) if v)
        for event in stored.events:
            fields = titled_fields(event.type, event.fields)
            table.add_row(filing.filed.isoformat() if filing.filed else "-", cell(name), cell(event.type), cell(fields))
    console.print(table)
    console.print(f"{len(filings)} filings, {sum(len(s.events) for s in filings)} events")

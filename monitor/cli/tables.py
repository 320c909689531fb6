"""How scan results are shown: JSON lines for machines, a table for people."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from monitor.escape import cell, for_terminal
from monitor.extraction import ScanResult
from rules.catalogue import titled_fields
from rules.events import Event

if TYPE_CHECKING:  # `scan` prints tables too, and must not load the database layer to do it
    from storage.repository import FilingWithEvents
    from storage.tables import EventRow


def write_json_line(result: ScanResult, stream: TextIO) -> None:
    stream.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    stream.flush()


# A column may shrink no narrower than its longest figure (so `$12,500,000` is never cut in two);
# other words (paths, accession numbers, quotes) fold where the terminal leaves no room.
MAX_UNBROKEN = 18
FIGURES_COLUMN = "fields"
_FIGURE = re.compile(r"^\(?\$?\d[\d,.%\-]*\)?[;,.:)]?$")
Cell = str | Text


def readable_table(
    title: str, columns: tuple[str, ...], rows: list[tuple[Cell, ...]], width: int, show_lines: bool = True
) -> Table:
    """Rich wraps at spaces and folds a word longer than its column, which cut `$12,500,000` into
    `$12,50` / `0,000` at 80 columns. The fields column is made wide enough for its longest figure
    (the others, paths and quotes, give way); rich's own minimum width would not do, as it widens a
    column after the others shrank, past the terminal's edge."""
    table = Table(title=title, show_lines=show_lines, expand=False)
    share = max(1, (width - 3 * len(columns) - 1) // max(1, len(columns)))  # less borders and padding
    for index, column in enumerate(columns):
        fixed = None
        if column == FIGURES_COLUMN:
            figures = [word for row in rows for word in str(row[index]).split() if _FIGURE.match(word)]
            longest = max((len(word) for word in figures if len(word) <= MAX_UNBROKEN), default=0)
            fixed = longest + 2 if longest > share else None  # + the cell's padding
        table.add_column(column, overflow="fold", width=fixed)
    for row in rows:
        table.add_row(*row)
    return table


def results_table(results: list[ScanResult], width: int = 80) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for result in results:
        filing = " ".join(v for v in (result.header.form, result.header.company, result.header.accession) if v) or "-"
        source = cell(result.source)
        if result.error:
            rows.append((source, cell(filing), Text("error", style="red"), cell(result.error), ""))
        elif not result.events:
            rows.append((source, cell(filing), Text("none", style="dim"), "", ""))
        for event in result.events:
            fields = cell(titled_fields(event.type, event.fields))
            for check in event.checks:
                fields.append(f"\ncheck: {for_terminal(check)}", style="yellow")
            evidence = event.evidence if len(event.evidence) < 200 else event.evidence[:197] + "..."
            rows.append((source, cell(filing), cell(event.type), fields, cell(evidence)))
    return readable_table("Financing events", ("file", "filing", "event", "fields", "evidence"), rows, width)


def print_table(results: list[ScanResult], console: Console) -> None:
    console.print(results_table(results, console.width))
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


def print_stored_table(filings: list[FilingWithEvents], console: Console, row_limit: int | None = None) -> None:
    rows: list[tuple[Cell, ...]] = []
    for stored in filings:
        filing = stored.filing
        name = " ".join(v for v in (filing.form, filing.company, filing.accession) if v)
        for event in stored.events:
            fields = titled_fields(event.type, event.fields)
            rows.append((filing.filed.isoformat() if filing.filed else "-", cell(name), cell(event.type), cell(fields)))
    columns = ("filed", "filing", "event", "fields")
    total = len(rows)
    rows = rows[:row_limit] if row_limit is not None else rows
    console.print(readable_table("Stored financing events, newest first", columns, rows, console.width))
    if len(rows) < total:
        console.print(f"{len(rows)} of {total} events shown (--limit), from {len(filings)} filings")
    else:
        console.print(f"{len(filings)} filings, {total} events")

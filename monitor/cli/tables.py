"""How scan results are shown: JSON lines for machines, a table for people."""

from __future__ import annotations

import json
import re
import textwrap
from typing import TYPE_CHECKING, Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from monitor.escape import cell, for_terminal
from monitor.extraction import ScanResult
from rules.catalogue import event_type, format_value, titled_fields
from rules.events import Event
from rules.fields import FieldValue

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


# A compact table's columns: the fixed ones' widths; the rest share what is left of the terminal.
COMPACT_LINES = 2  # a row takes at most this many lines; --wide shows every field in full


def compact_table(title: str, columns: tuple[str, ...], rows: list[tuple[Cell, ...]], width: int) -> Table:
    """One or two lines a row at 80 columns: no borders between rows, each cell cut (with "…") to
    what two lines of its column hold, so that a long company name or many fields never make a row
    of six lines (issue 23). `--wide` prints `readable_table` instead."""
    table = Table(title=title, box=box.SIMPLE_HEAD, show_lines=False, expand=False, pad_edge=False)
    fixed = {"filed": 11, "id": 6, "status": 9, "tries": 6, "event": 17}  # with a space of padding
    flexible = [c for c in columns if c not in fixed]
    spare = width - sum(fixed.get(c, 0) for c in columns) - 2 * len(columns)
    share = max(12, spare // max(1, len(flexible)))
    widths = {c: fixed.get(c, share) for c in columns}
    for column in columns:
        table.add_column(column, width=widths[column], overflow="fold", no_wrap=False)
    for row in rows:
        table.add_row(*(_cut(value, widths[c] - 1) for value, c in zip(row, columns, strict=True)))
    return table


def _cut(value: Cell, width: int) -> Cell:
    """The cell wrapped to its column here, and cut after COMPACT_LINES lines with "…" (rich would
    wrap it again at word boundaries, into more lines than a cut by length allows for)."""
    text = value.plain if isinstance(value, Text) else str(value)
    lines = textwrap.wrap(text, width=max(4, width), break_long_words=True) or [""]
    if len(lines) <= COMPACT_LINES:
        return value if len(lines) == 1 else cell("\n".join(lines))
    kept = lines[:COMPACT_LINES]
    kept[-1] = kept[-1][: max(1, width - 1)].rstrip() + "…"
    return cell("\n".join(kept))


def key_numbers(type_name: str, fields: dict[str, FieldValue]) -> str:
    """An event's headline figures, as a compact row shows them: "4,000,000; $2.50; $12,500,000"."""
    declared = event_type(type_name)
    shown = [format_value(fields[k], declared.kind_of(k)) for k in declared.headline_fields() if k in fields]
    if not shown:  # no headline figure stated: its other fields, as they read
        shown = [format_value(value, declared.kind_of(name)) for name, value in fields.items()]
    return "; ".join(shown) or "terms not stated"


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
        "deal": stored.deal_id,
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


def print_stored_table(
    filings: list[FilingWithEvents], console: Console, row_limit: int | None = None, wide: bool = False
) -> None:
    rows: list[tuple[Cell, ...]] = []
    for stored in filings:
        filing = stored.filing
        deal = f"deal #{stored.deal_id}" if stored.deal_id else ""
        name = " ".join(v for v in (filing.form, filing.company, filing.accession, deal) if v)
        filed = filing.filed.isoformat() if filing.filed else "-"
        for event in stored.events:
            if wide:
                rows.append((filed, cell(name), cell(event.type), cell(titled_fields(event.type, event.fields))))
            else:
                short = " ".join(v for v in (filing.form, filing.company) if v) + (f" · {deal}" if deal else "")
                rows.append((filed, cell(short), cell(event.type), cell(key_numbers(event.type, event.fields))))
    total = len(rows)
    rows = rows[:row_limit] if row_limit is not None else rows
    title = "Stored financing events, newest first"
    if wide:
        console.print(readable_table(title, ("filed", "filing", "event", "fields"), rows, console.width))
    else:
        console.print(compact_table(title, ("filed", "filing", "event", "terms"), rows, console.width))
    if len(rows) < total:
        console.print(f"{len(rows)} of {total} events shown (--limit), from {len(filings)} filings")
    else:
        console.print(f"{len(filings)} filings, {total} events")

"""How scan results are shown: JSON lines for machines, a table for people."""

from __future__ import annotations

import json
from typing import TextIO

from rich.console import Console
from rich.table import Table

from monitor.scan import ScanResult
from rules.fields import FieldValue


def write_json_line(result: ScanResult, stream: TextIO) -> None:
    stream.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    stream.flush()


def format_value(value: FieldValue) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if value < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(value)
    return value


def format_fields(fields: dict[str, FieldValue]) -> str:
    return ", ".join(f"{name}={format_value(value)}" for name, value in fields.items()) or "-"


def results_table(results: list[ScanResult]) -> Table:
    table = Table(title="Financing events", show_lines=True, expand=False)
    for column in ("file", "filing", "event", "fields", "evidence"):
        table.add_column(column, overflow="fold")
    for result in results:
        filing = " ".join(v for v in (result.header.form, result.header.company, result.header.accession) if v) or "-"
        if result.error:
            table.add_row(result.source, filing, "[red]error[/red]", result.error, "")
        elif not result.events:
            table.add_row(result.source, filing, "[dim]none[/dim]", "", "")
        for event in result.events:
            checks = "".join(f"\n[yellow]check: {c}[/yellow]" for c in event.checks)
            evidence = event.evidence if len(event.evidence) < 240 else event.evidence[:237] + "..."
            table.add_row(result.source, filing, event.type, format_fields(event.fields) + checks, evidence)
    return table


def print_table(results: list[ScanResult], console: Console) -> None:
    console.print(results_table(results))
    found = sum(len(r.events) for r in results)
    failed = sum(1 for r in results if r.error)
    console.print(f"{len(results)} files, {found} events, {failed} errors")

"""`filing-monitor events list`: stored events, as a table or JSON lines (the shape of `scan --json`)."""

from __future__ import annotations

import json
import sys
from datetime import date

from rich.console import Console

from monitor.cli.tables import print_stored_table, stored_json
from monitor.errors import ConfigError
from monitor.settings import Settings, rule_files_of
from rules.catalogue import CATALOGUE, declare_leniently
from storage.repository import Store


async def command_events_list(
    settings: Settings,
    as_json: bool,
    limit: int | None,
    types: list[str] | None,
    since: date | None,
    wide: bool = False,
) -> int:
    declare_leniently(rule_files_of(settings))  # the user's event types, shown by their titles
    unknown = sorted(set(types or ()) - set(CATALOGUE.names()))
    if unknown:
        known = ", ".join(CATALOGUE.names())
        raise ConfigError(f"--type {unknown[0]}: no such event type (known: {known})")
    store = await Store.open_for_reading(settings.database_url())
    try:
        filings = await store.filings_with_events(limit, types, since)
    finally:
        await store.close()
    if as_json:
        for filing in filings:
            sys.stdout.write(json.dumps(stored_json(filing)) + "\n")
    else:
        # --limit counts what is shown: a table's rows (one per event), JSON's lines (one per filing).
        # `limit` filings hold at least `limit` events, so the rows are cut here.
        print_stored_table(filings, Console(), row_limit=limit, wide=wide)
    return 0

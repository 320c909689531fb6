"""`filing-monitor deals list` and `deals show ID`: financings followed across their filings."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from typing import Any

from rich.console import Console

from monitor.cli.tables import Cell, compact_table, readable_table
from monitor.errors import ConfigError, MonitorError
from monitor.escape import cell
from monitor.settings import Settings, rule_files_of
from rules.catalogue import CATALOGUE, declare_leniently, event_type, format_fields, format_value
from storage.deals import DealWithFilings
from storage.repository import Store


def command_deals(settings: Settings, args: argparse.Namespace) -> int:
    """`deals show ID` or `deals list [filters]`."""
    if args.deals_command == "show":
        print_deal(asyncio.run(read_deal(settings, args.id)), Console(), args.json)
        return 0
    found = asyncio.run(read_deals(settings, args.limit, args.cik, args.kind, args.since, args.min_amount, args.ticker))
    print_deals(found, Console(), args.json, wide=args.wide)
    return 0


async def read_deals(
    settings: Settings,
    limit: int | None,
    cik: str | None,
    kind: str | None,
    since: date | None,
    min_amount: float | None,
    ticker: str | None,
) -> list[DealWithFilings]:
    declare_leniently(rule_files_of(settings))
    if kind is not None and kind not in CATALOGUE.names():
        raise ConfigError(f"--type {kind}: no such event type (known: {', '.join(CATALOGUE.names())})")
    if ticker is not None:
        cik = await _cik_of_ticker(settings, ticker)
    store = await Store.open_for_reading(settings.database_url())
    try:
        # Size is read from the deal's terms: filtered here, over every deal the other filters leave.
        deals = await store.list_deals(None if min_amount else limit, cik, kind, since)
    finally:
        await store.close()
    if min_amount:
        deals = [d for d in deals if (_size(d) or 0) >= min_amount][:limit]
    return deals


async def read_deal(settings: Settings, deal_id: int) -> DealWithFilings:
    declare_leniently(rule_files_of(settings))
    store = await Store.open_for_reading(settings.database_url())
    try:
        found = await store.deal(deal_id)
    finally:
        await store.close()
    if found is None:
        raise ConfigError(f"no deal {deal_id} (`filing-monitor deals list` shows them)")
    return found


def print_deals(deals: list[DealWithFilings], console: Console, as_json: bool, wide: bool = False) -> None:
    if as_json:
        for deal in deals:
            sys.stdout.write(json.dumps(deal_json(deal)) + "\n")
        return
    columns = ("id", "company", "filed", "deal", "filings")
    rows: list[tuple[Cell, ...]] = [
        (
            str(d.deal.id),
            cell(d.deal.company or f"CIK {d.deal.cik}"),
            d.deal.last_filed.isoformat() if d.deal.last_filed else "",
            cell(_what(d)),
            cell(f"{len(d.filings)}: " + ", ".join(f.form or "?" for _, f in d.filings)),
        )
        for d in deals
    ]
    make = readable_table if wide else compact_table
    console.print(make(f"{len(deals)} deals, newest first", columns, rows, console.width))


def print_deal(found: DealWithFilings, console: Console, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(deal_json(found)) + "\n")
        return
    deal = found.deal
    console.print(cell(f"deal #{deal.id}: {deal.company or '?'} (CIK {deal.cik}), {_titles(deal.kind)}"))
    console.print(cell(f"terms now: {_terms(found)}"))
    for number, (link, filing) in enumerate(found.filings, start=1):
        filed = filing.filed.isoformat() if filing.filed else "?"
        console.print(cell(f"{number}. {filed} {filing.form or '?'} {filing.accession}: {link.part}"))
        if link.adds:
            console.print(cell(f"   adds: {link.adds}"))
        console.print(cell(f"   why: {link.reason}"))


def deal_json(found: DealWithFilings) -> dict[str, Any]:
    deal = found.deal
    return {
        "id": deal.id,
        "key": deal.key,
        "cik": deal.cik,
        "company": deal.company,
        "kind": deal.kind.split(","),
        "terms": deal.terms,
        "first_filed": deal.first_filed.isoformat() if deal.first_filed else None,
        "last_filed": deal.last_filed.isoformat() if deal.last_filed else None,
        "filings": [
            {
                "accession": f.accession,
                "form": f.form,
                "filed": f.filed.isoformat() if f.filed else None,
                "part": link.part,
                "adds": link.adds,
                "why": link.reason,
            }
            for link, f in found.filings
        ],
    }


def _what(found: DealWithFilings) -> str:
    """The deal in a few words: its instruments and the money it raises."""
    from deals.matching import instruments

    size = _size(found)
    shown = ", ".join(_title(t) for t in sorted(instruments(found.deal.terms)))
    return f"{shown} {format_value(size, 'money')}" if size else shown


def _terms(found: DealWithFilings) -> str:
    return "; ".join(f"{_title(t)} {format_fields(t, dict(fields))}" for t, fields in found.deal.terms.items())


def _titles(kind: str) -> str:
    return ", ".join(_title(t) for t in kind.split(",") if t)


def _title(type_name: str) -> str:
    return event_type(type_name).title.lower() if type_name in CATALOGUE.names() else type_name


def _size(found: DealWithFilings) -> float | None:
    from deals.matching import deal_size

    return deal_size(found.deal.terms)


async def _cik_of_ticker(settings: Settings, ticker: str) -> str:
    """The ticker's CIK, from the SEC's ticker map, as the daemon reads it."""
    from monitor.edgar.client import EdgarClient, EdgarError
    from monitor.edgar.tickers import TickerError, fetch_tickers

    async with EdgarClient(settings.edgar) as client:
        try:
            tickers = await fetch_tickers(client)
        except (EdgarError, TickerError) as error:
            raise MonitorError(f"--ticker {ticker}: cannot read the SEC's ticker list: {error}") from None
    cik = tickers.get(ticker.upper())
    if cik is None:
        raise ConfigError(f"--ticker {ticker}: not in the SEC's ticker list")
    return cik

"""Ticker symbols to CIKs, from the SEC's company_tickers.json (for watchlists that name tickers)."""

from __future__ import annotations

import json
from typing import Any

from monitor.edgar.client import EdgarClient

TICKERS_PATH = "/files/company_tickers.json"


class TickerError(ValueError):
    pass


def tickers_url(base_url: str) -> str:
    return f"{base_url}{TICKERS_PATH}"


def parse_tickers(body: bytes) -> dict[str, str]:
    """{"0": {"cik_str": 320193, "ticker": "AAPL", "title": "Apple Inc."}, ...} -> {"AAPL": "320193"}."""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise TickerError(f"company_tickers.json is not JSON: {error}") from None
    rows = data.values() if isinstance(data, dict) else []
    tickers = {
        str(row["ticker"]).upper(): str(row["cik_str"]).lstrip("0")
        for row in rows
        if isinstance(row, dict) and row.get("ticker") and row.get("cik_str") is not None
    }
    if not tickers:
        raise TickerError("company_tickers.json holds no tickers")
    return tickers


async def fetch_tickers(client: EdgarClient) -> dict[str, str]:
    return parse_tickers(await client.fetch(tickers_url(client.settings.base_url)))

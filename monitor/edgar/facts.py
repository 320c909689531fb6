"""Shares outstanding, from the SEC's XBRL company facts (`dei:EntityCommonStockSharesOutstanding`).

An alert's dilution needs them, and nothing may wait long for them: `CompanyFacts` asks once per
company per day, within the client's fair-access budget, and answers within `wait_seconds` whatever
happens. A slower answer fills the cache for the next alert; a failed one is tried again after
`RETRY_SECONDS`. Without the figure the alert says "shares outstanding unknown".
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from monitor.edgar.client import EdgarClient, EdgarError

log = logging.getLogger(__name__)

FACTS_PATH = "/api/xbrl/companyfacts/CIK{cik:0>10}.json"
WAIT_SECONDS = 2.0  # the most an alert waits for the figure
RETRY_SECONDS = 600.0  # after a failed look-up, before asking again
KEEP_SECONDS = 86_400.0  # a figure is good for a day: companies report it quarterly


@dataclass(frozen=True, slots=True)
class SharesOutstanding:
    shares: int
    as_of: date  # the date the company gave the figure for (a 10-Q/10-K cover)


def facts_url(data_url: str, cik: str) -> str:
    return f"{data_url}{FACTS_PATH.format(cik=cik.lstrip('0') or '0')}"


def parse_shares_outstanding(body: bytes) -> SharesOutstanding | None:
    """The latest figure in a companyfacts document; None when it reports none (many funds, new
    registrants). Raises ValueError when the body is not the JSON the SEC serves."""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"company facts are not JSON: {error}") from None
    try:
        rows = data["facts"]["dei"]["EntityCommonStockSharesOutstanding"]["units"]["shares"]
    except (KeyError, TypeError):
        return None
    dated = [
        (str(row["end"]), str(row.get("filed") or ""), int(row["val"]))
        for row in rows
        if isinstance(row, dict) and isinstance(row.get("val"), int | float) and row.get("end")
    ]
    if not dated:
        return None
    end, _, shares = max(dated)
    try:
        return SharesOutstanding(shares, date.fromisoformat(end))
    except ValueError:
        return None


class CompanyFacts:
    def __init__(
        self,
        client: EdgarClient,
        data_url: str,
        wait_seconds: float = WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._data_url = data_url
        self._wait = wait_seconds
        self._clock = clock
        self._known: dict[str, tuple[float, SharesOutstanding | None]] = {}  # CIK -> (good until, figure)
        self._asking: dict[str, asyncio.Task[SharesOutstanding | None]] = {}

    async def shares_outstanding(self, cik: str | None) -> SharesOutstanding | None:
        """The company's latest figure, if known within a moment; never raises."""
        if not cik or not self._data_url:
            return None
        number = cik.lstrip("0")
        known = self._known.get(number)
        if known is not None and known[0] > self._clock():
            return known[1]
        task = self._asking.get(number)
        if task is None:
            task = asyncio.create_task(self._ask(number))
            self._asking[number] = task
        done, _ = await asyncio.wait({task}, timeout=self._wait)
        return task.result() if task in done else None

    async def _ask(self, cik: str) -> SharesOutstanding | None:
        try:
            figure = parse_shares_outstanding(await self._client.fetch(facts_url(self._data_url, cik)))
        except (EdgarError, ValueError) as error:
            log.info("shares outstanding of CIK %s unknown: %s", cik, error)
            self._known[cik] = (self._clock() + RETRY_SECONDS, None)
            return None
        finally:
            self._asking.pop(cik, None)
        self._known[cik] = (self._clock() + KEEP_SECONDS, figure)
        return figure

    async def aclose(self) -> None:
        """Stop the look-ups still under way (a shutdown does not wait for them)."""
        tasks = list(self._asking.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

"""A fake EDGAR on aiohttp: the latest-filings feed, full submissions and daily form indexes.

It enforces SEC fair access as the real service does (a declared User-Agent, a request count per
one-second window) and counts every violation; it can inject faults (429, 403 rate pages, 500, 503,
slow answers, truncated bodies) at a chosen rate, from a seeded random generator.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
import re
import time
import zlib
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dt_time
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from aiohttp import web

from fakes.filings import FakeFiling

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
FAULT_KINDS = ("429", "403", "500", "503", "slow", "truncated")
_EASTERN = ZoneInfo("America/New_York")
_DAILY_INDEX = re.compile(r"form\.(\d{8})\.idx$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_RATE_PAGE = "<html><body><h1>Your Request Originates from an Undeclared Automated Tool</h1></body></html>"
_THRESHOLD_PAGE = "<html><body><h1>Request Rate Threshold Exceeded</h1></body></html>"


@dataclass(slots=True)
class FaultPlan:
    rate: float = 0.0  # share of requests answered with a fault
    kinds: tuple[str, ...] = FAULT_KINDS
    slow_seconds: float = 2.5
    seed: int = 7
    limit: int | None = None  # at most this many faults in all


@dataclass(slots=True)
class Stats:
    requests: int = 0
    violations: int = 0  # requests beyond the limit in some one-second window
    undeclared: int = 0  # requests without a User-Agent naming a contact e-mail
    faults: Counter[str] = field(default_factory=Counter)
    served: Counter[str] = field(default_factory=Counter)  # feed, submission, index, missing
    max_in_window: int = 0


def _accepted_on(day: date) -> datetime:
    """When a filing of `day` was accepted, where the test does not say: now for today's (a filing
    published live), the afternoon of its day for an older one (a 2000 8-K was not accepted today)."""
    now = datetime.now(UTC)
    if day >= now.astimezone(_EASTERN).date():
        return now
    return datetime.combine(day, dt_time(16, 0), _EASTERN).astimezone(UTC)


class FakeEdgar:
    def __init__(
        self,
        *,
        rate_limit: int | None = 10,
        faults: FaultPlan | None = None,
        feed_depth: int = 1000,
        hostile: dict[str, HostileBody] | None = None,
    ) -> None:
        self.rate_limit = rate_limit
        self.faults = faults or FaultPlan()
        self.feed_depth = feed_depth  # how many of the newest filings the feed reaches back to
        self.stats = Stats()
        self.filings: list[FakeFiling] = []  # in publication order
        self.published_days: set[date] = set()  # days whose daily index is out
        self.tickers: dict[str, str] = {}  # ticker -> CIK, served as company_tickers.json
        # CIK -> (shares outstanding, the date they are given for), served as XBRL company facts
        self.shares_outstanding: dict[str, tuple[int, str]] = {}
        self.hostile = dict(hostile or {})  # accession -> the hostile answer served in its place
        self.feed_entries: list[bytes] = []  # raw <entry> elements served atop the feed's first page
        self._by_path: dict[str, FakeFiling] = {}
        self._arrivals: deque[float] = deque()
        self._random = random.Random(self.faults.seed)

    # what the test or demo publishes

    def publish(self, *filings: FakeFiling) -> None:
        for filing in filings:
            filing = filing.stamped(filing.accepted or _accepted_on(filing.day))
            self.filings.append(filing)
            self._by_path[filing.path] = filing

    def publish_index(self, *days: date) -> None:
        self.published_days.update(days)

    # the web application

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._fair_access, self._inject_faults])
        app.router.add_get("/cgi-bin/browse-edgar", self._feed)
        app.router.add_get("/Archives/edgar/data/{cik}/{folder}/{name}", self._submission)
        app.router.add_get("/Archives/edgar/daily-index/{year}/{quarter}/{name}", self._daily_index)
        app.router.add_get("/files/company_tickers.json", self._tickers)
        app.router.add_get("/api/xbrl/companyfacts/{name}", self._company_facts)
        return app

    @web.middleware
    async def _fair_access(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.stats.requests += 1
        if not _EMAIL.search(request.headers.get("User-Agent", "")):
            self.stats.undeclared += 1
            return web.Response(status=403, text=_RATE_PAGE, content_type="text/html")
        if self._over_limit(time.monotonic()):
            self.stats.violations += 1
            return web.Response(status=429, text=_THRESHOLD_PAGE, content_type="text/html")
        return await handler(request)

    def _over_limit(self, now: float) -> bool:
        self._arrivals.append(now)
        while self._arrivals and now - self._arrivals[0] >= 1.0:
            self._arrivals.popleft()
        self.stats.max_in_window = max(self.stats.max_in_window, len(self._arrivals))
        return self.rate_limit is not None and len(self._arrivals) > self.rate_limit

    @web.middleware
    async def _inject_faults(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        exhausted = self.faults.limit is not None and self.stats.faults.total() >= self.faults.limit
        if exhausted or self._random.random() >= self.faults.rate:
            return await handler(request)
        kind = self._random.choice(self.faults.kinds)
        self.stats.faults[kind] += 1
        if kind == "429":
            return web.Response(status=429, text=_THRESHOLD_PAGE, headers={"Retry-After": "1"})
        if kind == "403":
            return web.Response(status=403, text=_THRESHOLD_PAGE, content_type="text/html")
        if kind in ("500", "503"):
            return web.Response(status=int(kind), text="Service Unavailable")
        if kind == "slow":
            await asyncio.sleep(self.faults.slow_seconds)
            return await handler(request)
        return await _truncated(request, await handler(request))

    async def _feed(self, request: web.Request) -> web.Response:
        self.stats.served["feed"] += 1
        form = request.query.get("type", "")
        start = int(request.query.get("start", "0") or 0)
        count = min(int(request.query.get("count", "40") or 40), 100)
        visible = [f for f in reversed(self.filings[-self.feed_depth :]) if f.form.startswith(form)]
        body = atom_feed(visible[start : start + count])
        if start == 0 and self.feed_entries:
            at = body.index(b"<entry>") if b"<entry>" in body else body.rindex(b"</feed>")
            body = body[:at] + b"".join(self.feed_entries) + body[at:]
        return _maybe_gzipped(
            request, web.Response(body=body, content_type="application/atom+xml", charset="ISO-8859-1")
        )

    async def _tickers(self, request: web.Request) -> web.Response:
        """The SEC's ticker list: {"0": {"cik_str": 930553, "ticker": "NEOT", "title": "..."}, ...}."""
        self.stats.served["tickers"] += 1
        rows = {
            str(n): {"cik_str": int(cik), "ticker": t, "title": t} for n, (t, cik) in enumerate(self.tickers.items())
        }
        return web.json_response(rows)

    async def _company_facts(self, request: web.Request) -> web.Response:
        """data.sec.gov's companyfacts for a CIK ("CIK0000930553.json"): the shares outstanding the
        company gave on its reports' covers, as `dei:EntityCommonStockSharesOutstanding`; 404 for a
        company that reported none, as the SEC answers."""
        self.stats.served["facts"] += 1
        cik = request.match_info["name"].removeprefix("CIK").removesuffix(".json").lstrip("0")
        if cik not in self.shares_outstanding:
            return web.Response(status=404, text="Not Found")
        shares, end = self.shares_outstanding[cik]
        row = {"end": end, "val": shares, "accn": "0000000000-00-000000", "fy": int(end[:4]), "form": "10-Q"}
        facts = {
            "dei": {"EntityCommonStockSharesOutstanding": {"label": "Shares outstanding", "units": {"shares": [row]}}}
        }
        return web.json_response({"cik": int(cik), "entityName": f"CIK {cik}", "facts": facts})

    async def _submission(self, request: web.Request) -> web.StreamResponse:
        filing = self._by_path.get(request.path)
        if filing is None:
            self.stats.served["missing"] += 1
            raise web.HTTPNotFound(text="Not Found")
        self.stats.served["submission"] += 1
        hostile = self.hostile.get(filing.accession)
        if hostile is not None:
            self.stats.served[hostile.kind] += 1
            return await hostile.serve(request)
        return _maybe_gzipped(request, web.Response(body=filing.body, content_type="text/plain"))

    async def _daily_index(self, request: web.Request) -> web.Response:
        found = _DAILY_INDEX.search(request.match_info["name"])
        day = date(int(found.group(1)[:4]), int(found.group(1)[4:6]), int(found.group(1)[6:])) if found else None
        if day is None or day not in self.published_days:
            self.stats.served["missing"] += 1
            raise web.HTTPNotFound(text="Not Found")
        self.stats.served["index"] += 1
        body = form_index(day, [f for f in self.filings if f.day == day])
        return _maybe_gzipped(request, web.Response(body=body, content_type="text/plain"))


@dataclass(frozen=True, slots=True)
class HostileBody:
    """A submission answered with a body meant to exhaust memory.

    - `gzip_bomb`: Content-Encoding gzip, about 1 MB on the wire that inflates to `megabytes` of zeros;
    - `oversized`: a chunked body with no Content-Length, `megabytes` of text streamed a MB at a time.
    """

    kind: str  # "gzip_bomb" or "oversized"
    megabytes: int = 1024

    async def serve(self, request: web.Request) -> web.StreamResponse:
        if self.kind == "gzip_bomb":
            return web.Response(
                body=_gzipped_zeros(self.megabytes),
                headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"},
            )
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        line = b"<DOCUMENT>\n<TYPE>EX-99\n<TEXT>\n" + b"The Company sold shares. " * 40 + b"\n"
        chunk = line * ((1 << 20) // len(line))
        with contextlib.suppress(ConnectionError):
            for _ in range(self.megabytes):
                await response.write(chunk)
        return response


@functools.cache
def _gzipped_zeros(megabytes: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(megabytes)]
    return b"".join(parts) + compressor.flush()


def _maybe_gzipped(request: web.Request, response: web.Response) -> web.Response:
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.enable_compression()
    return response


async def _truncated(request: web.Request, complete: web.StreamResponse) -> web.StreamResponse:
    """Promise the whole body, send half of it, and drop the connection."""
    body = complete.body if isinstance(complete, web.Response) and isinstance(complete.body, bytes) else b""
    response = web.StreamResponse(status=200)
    response.content_length = max(len(body), 2)
    await response.prepare(request)
    await response.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.close()
    return response


def hostile_feed_entries() -> list[bytes]:
    """Four feed entries an attacker or a broken feed could serve: a 5,000-digit CIK, a raw `&` and an
    undefined entity, an 80 KB title, a 10 MB summary."""
    digits = b"9" * 5000

    def entry(title: bytes, summary: bytes, accession: bytes, cik: bytes = b"1") -> bytes:
        link = b"https://www.sec.gov/Archives/edgar/data/" + cik + b"/x/" + accession + b"-index.htm"
        return (
            b"<entry>\n<title>" + title + b"</title>\n"
            b'<link rel="alternate" type="text/html" href="' + link + b'"/>\n'
            b'<summary type="html">' + summary + b"</summary>\n"
            b"<updated>2026-11-24T16:05:12-05:00</updated>\n"
            b'<category scheme="https://www.sec.gov/" label="form type" term="8-K"/>\n'
            b"<id>urn:tag:sec.gov,2008:accession-number=" + accession + b"</id>\n</entry>\n"
        )

    return [
        entry(b"8-K - HUGE CIK CO (" + digits + b") (Filer)", b"Filed: 2026-11-24", b"0000000901-26-000001", digits),
        entry(b"8-K - AT&T &nbsp; HOLDINGS (0000000902) (Filer)", b"Filed: 2026-11-24 &copy;", b"0000000902-26-000002"),
        entry(b"8-K - " + b"LONG " * 16_000 + b"(0000000903) (Filer)", b"Filed: 2026-11-24", b"0000000903-26-000003"),
        entry(b"8-K - BIG SUMMARY (0000000904) (Filer)", b"x" * 10_000_000, b"0000000904-26-000004"),
    ]


def atom_feed(filings: list[FakeFiling]) -> bytes:
    entries = "".join(_atom_entry(f) for f in filings)
    return (
        '<?xml version="1.0" encoding="ISO-8859-1" ?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<title>Latest Filings - Fake EDGAR</title>\n"
        '<link rel="self" href="/cgi-bin/browse-edgar?action=getcurrent"/>\n'
        "<id>https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent</id>\n"
        "<updated>2026-11-24T16:05:12-05:00</updated>\n"
        f"{entries}</feed>\n"
    ).encode("iso-8859-1", errors="replace")


def _atom_entry(filing: FakeFiling) -> str:
    folder = f"https://www.sec.gov/Archives/edgar/data/{int(filing.cik)}/{filing.accession.replace('-', '')}"
    items = "".join(f"&lt;br&gt;Item {item}" for item in filing.items)
    return (
        "<entry>\n"
        f"<title>{escape(filing.form)} - {escape(filing.company)} ({int(filing.cik):010d}) (Filer)</title>\n"
        f'<link rel="alternate" type="text/html" href="{folder}/{filing.accession}-index.htm"/>\n'
        f'<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; {filing.feed_date or filing.day.isoformat()} &lt;b&gt;AccNo:&lt;/b&gt; '
        f"{filing.accession} &lt;b&gt;Size:&lt;/b&gt; {len(filing.body) // 1024 + 1} KB{items}</summary>\n"
        f"<updated>{(filing.accepted or datetime.now(UTC)).isoformat()}</updated>\n"
        f'<category scheme="https://www.sec.gov/" label="form type" term="{escape(filing.form)}"/>\n'
        f"<id>urn:tag:sec.gov,2008:accession-number={filing.accession}</id>\n"
        "</entry>\n"
    )


def form_index(day: date, filings: list[FakeFiling]) -> bytes:
    lines = [
        "Description:           Daily Index of EDGAR Dissemination Feed by Form Type",
        f"Last Data Received:    {day:%B %d, %Y}",
        "Comments:              webmaster@sec.gov",
        "Anonymous FTP:         ftp://ftp.sec.gov/edgar/",
        " ",
        " ",
        f"{'Form Type':<12}{'Company Name':<62}{'CIK':<12}{'Date Filed':<12}File Name",
        "-" * 141,
    ]
    for filing in sorted(filings, key=lambda f: (f.form, f.company)):
        path = f"edgar/data/{int(filing.cik)}/{filing.accession}.txt"
        lines.append(f"{filing.form:<12}{filing.company:<62}{int(filing.cik):<12}{day:%Y%m%d}    {path}")
    return ("\n".join(lines) + "\n").encode("latin-1", errors="replace")

"""/metrics, /healthz and /readyz over HTTP, served on the daemon's own event loop.

/healthz answers while the process runs. /readyz answers 200 only when the daemon can do its job:
the database answers, the feed was read within the last few polls, EDGAR has not paused us, and
every configured destination is usable; otherwise 503 with one line per problem.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from monitor.daemon.runtime import App
from monitor.metrics import CONTENT_TYPE, Metrics
from monitor.settings import MetricsSettings
from storage.errors import StorageError

log = logging.getLogger(__name__)

DATABASE_ANSWER_SECONDS = 2.0
# A scraper needs one connection, a few tools a handful: past this, the oldest is closed, so that
# slow or idle connections cannot take every descriptor the daemon needs for its own files.
MAX_CONNECTIONS = 64
STALE_POLLS = 3  # the feed may miss this many polls (a slow page, a retry) before the daemon is unready


class HealthServer:
    def __init__(self, settings: MetricsSettings, metrics: Metrics, readiness: Readiness) -> None:
        self.settings = settings
        self.metrics = metrics
        self.readiness = readiness
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        """Listen on [metrics] address and port; the base URL it answers on."""
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, keepalive_timeout=5)
        await self._runner.setup()
        _bound_connections(self._runner.server)
        site = web.TCPSite(self._runner, self.settings.address, self.settings.port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.readiness.close()

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        problems = await self.readiness.problems()
        if not problems:
            return web.Response(text="ready\n")
        return web.Response(status=503, text="not ready:\n" + "".join(f"- {p}\n" for p in problems))


def _bound_connections(server: web.Server | None) -> None:
    """Close the oldest connection whenever more than MAX_CONNECTIONS are open."""
    if server is None:
        return
    made = server.connection_made

    def made_within_bound(handler: web.RequestHandler, transport: asyncio.Transport) -> None:
        made(handler, transport)
        # A closed connection stays listed until its handler ends: count only those still open.
        open_ones = [
            h.transport for h in server.connections if h.transport is not None and not h.transport.is_closing()
        ]
        for oldest in open_ones[: max(0, len(open_ones) - MAX_CONNECTIONS)]:
            oldest.close()

    setattr(server, "connection_made", made_within_bound)  # noqa: B010 (mypy: a method is not assignable)


class Readiness:
    """Why the daemon cannot do its job now; [] when it can."""

    def __init__(self, app: App) -> None:
        self.app = app
        # The database check is never cancelled: a write cancelled while it waited for a lock could
        # leave its transaction open, holding the lock the daemon's own writes then wait for. One
        # runs at a time; a scrape that finds it still running reports the database as not answering.
        self._ping: asyncio.Task[None] | None = None

    async def problems(self) -> list[str]:
        app = self.app
        problems = []
        database = await self._database_problem()
        if database:
            problems.append(database)
        poll_seconds = app.settings.edgar.poll_seconds
        age = app.poller.seconds_since_read()
        stale_after = STALE_POLLS * poll_seconds + app.settings.edgar.timeout_seconds
        if age is None:
            problems.append("the feed has not been read yet")
        elif age > stale_after:
            problems.append(f"the feed was last read {age:.0f} s ago (it is polled every {poll_seconds:g} s)")
        pause = app.client.limiter.paused_for()
        if pause > 0:
            problems.append(f"EDGAR rate-limited us: requests pause for {pause:.1f} s more")
        unusable = app.destinations.unusable | app.outbox.refused
        problems += [f"{destination} unusable: {why}" for destination, why in sorted(unusable.items())]
        return problems

    async def _database_problem(self) -> str | None:
        if self._ping is None or self._ping.done():
            self._ping = asyncio.create_task(self.app.store.ping())
            self._ping.add_done_callback(_retrieved)
        # This check's own task: a scrape beside it may start the next one meanwhile.
        ping = self._ping
        done, _ = await asyncio.wait({ping}, timeout=DATABASE_ANSWER_SECONDS)
        if not done:
            return f"the database did not answer within {DATABASE_ANSWER_SECONDS:g} s"
        error = ping.exception()
        if error is None:
            return None
        if isinstance(error, (StorageError, SQLAlchemyError, OSError)):
            if _locked(error):  # the check gave up waiting for a lock held elsewhere
                return f"the database did not answer within {DATABASE_ANSWER_SECONDS:g} s: it is locked"
            return f"the database does not answer: {' '.join(str(error).split())[:200]}"
        raise error

    async def close(self) -> None:
        """Give a check still waiting on the database the moment it takes to give up by itself."""
        if self._ping is not None and not self._ping.done():
            await asyncio.wait({self._ping}, timeout=DATABASE_ANSWER_SECONDS)


def _locked(error: BaseException) -> bool:
    text = str(getattr(error, "orig", None) or error).lower()
    return "database is locked" in text or "lock timeout" in text


def _retrieved(ping: asyncio.Task[None]) -> None:
    """A check's failure is read by the scrape that waited for it; one no scrape waited for (the
    daemon stopped meanwhile) must not end as 'Task exception was never retrieved' with a traceback."""
    if not ping.cancelled():
        ping.exception()

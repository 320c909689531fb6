"""/metrics, /healthz and /readyz over HTTP, served on the daemon's own event loop.

/healthz answers while the process runs. /readyz answers 200 only when the daemon can do its job:
the database answers, the feed was read within the last few polls, EDGAR has not paused us, and
every configured destination is usable; otherwise 503 with one line per problem.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from monitor.daemon.runtime import App
from monitor.metrics import CONTENT_TYPE, Metrics
from monitor.settings import MetricsSettings
from storage.errors import StorageError

log = logging.getLogger(__name__)

DATABASE_ANSWER_SECONDS = 2.0
STALE_POLLS = 3  # the feed may miss this many polls (a slow page, a retry) before the daemon is unready
Readiness = Callable[[], Awaitable[list[str]]]


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
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.address, self.settings.port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        problems = await self.readiness()
        if not problems:
            return web.Response(text="ready\n")
        return web.Response(status=503, text="not ready:\n" + "".join(f"- {p}\n" for p in problems))


async def readiness_problems(app: App) -> list[str]:
    """Why the daemon cannot do its job now; [] when it can."""
    problems = []
    database = await _database_problem(app)
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


async def _database_problem(app: App) -> str | None:
    try:
        await asyncio.wait_for(app.store.ping(), DATABASE_ANSWER_SECONDS)
    except TimeoutError:
        return f"the database did not answer within {DATABASE_ANSWER_SECONDS:g} s"
    except (StorageError, SQLAlchemyError, OSError) as error:
        return f"the database does not answer: {' '.join(str(error).split())[:200]}"
    return None

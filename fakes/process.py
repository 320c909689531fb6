"""The fake EDGAR in a process of its own.

In the test's or the benchmark's process, the fake stamps each request's arrival on an event loop
that also runs the test (and, there, a second daemon's output, a fake Slack, a database): a busy
loop stamps late, and its count of requests in a one-second window can lie either way. In a process
of its own, the count is what an independent server would see. The test publishes filings and
reads the counts through a control port that the fair-access count does not see.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
from datetime import date
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from fakes.demo import serve
from fakes.edgar import FakeEdgar, Stats
from fakes.filings import FakeFiling


class EdgarProcess:
    """`async with EdgarProcess(rate_limit=10) as edgar:` serves at `edgar.base_url` until the block ends."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.base_url = ""
        self._control = ""
        self._process: multiprocessing.process.BaseProcess | None = None

    async def __aenter__(self) -> EdgarProcess:
        context = multiprocessing.get_context("spawn")  # no fork of a threaded, running event loop
        receiving, sending = context.Pipe(duplex=False)
        self._process = context.Process(target=_serve, args=(self.options, sending), daemon=True)
        self._process.start()
        sending.close()
        ready = await asyncio.to_thread(receiving.poll, 60)
        if not ready:
            raise RuntimeError("the fake EDGAR process did not start within 60 s")
        self.base_url, self._control = receiving.recv()
        receiving.close()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            await asyncio.to_thread(self._process.join, 10)

    async def publish(self, *filings: FakeFiling) -> None:
        await self._post("publish", list(filings))

    async def publish_index(self, *days: date) -> None:
        await self._post("publish_index", list(days))

    async def stats(self) -> Stats:
        async with aiohttp.ClientSession() as session, session.get(f"{self._control}/stats") as response:
            stats: Stats = pickle.loads(await response.read())
            return stats

    async def _post(self, action: str, items: list[Any]) -> None:
        body = pickle.dumps(items)
        async with aiohttp.ClientSession() as session, session.post(f"{self._control}/{action}", data=body) as reply:
            reply.raise_for_status()


def _serve(options: dict[str, Any], ready: Connection) -> None:
    asyncio.run(_serve_until_stopped(options, ready))


async def _serve_until_stopped(options: dict[str, Any], ready: Connection) -> None:
    fake = FakeEdgar(**options)
    _, base_url = await serve(fake.app())
    _, control_url = await serve(_control_app(fake))
    ready.send((base_url, control_url))
    ready.close()
    await asyncio.Event().wait()  # until the parent terminates this process


def _control_app(fake: FakeEdgar) -> web.Application:
    async def publish(request: web.Request) -> web.Response:
        fake.publish(*pickle.loads(await request.read()))
        return web.Response(text="ok")

    async def publish_index(request: web.Request) -> web.Response:
        fake.publish_index(*pickle.loads(await request.read()))
        return web.Response(text="ok")

    async def stats(request: web.Request) -> web.Response:
        return web.Response(body=pickle.dumps(fake.stats))

    app = web.Application(client_max_size=1 << 30)
    app.router.add_post("/publish", publish)
    app.router.add_post("/publish_index", publish_index)
    app.router.add_get("/stats", stats)
    return app

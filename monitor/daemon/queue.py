"""The bounded work queue between discovery (feed, indexes, retries) and the pool of workers."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, IntEnum

from sqlalchemy.exc import SQLAlchemyError

from monitor.logs import FailureLog
from storage.errors import StorageError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A filing to process, as discovery found it (the feed, an index, a retry)."""

    accession: str
    cik: str
    form: str | None = None
    discovered_at: datetime | None = None
    accepted_at: datetime | None = None  # the feed's time for it, used where the header gives none


class Outcome(Enum):
    STORED = "stored"
    ALREADY_STORED = "already stored"
    FAILED = "failed"


_STOP = WorkItem("", "0")  # wakes a waiting worker at shutdown


class Priority(IntEnum):
    """Fresh filings from the feed go before retries, and both before days read from the indexes:
    a month of catch-up must not delay today's alert."""

    STOP = 0
    LIVE = 1
    RETRY = 2
    CATCH_UP = 3


class WorkQueue:
    """Each accession is queued once at a time; whoever submitted it can await its outcome."""

    def __init__(self, maxsize: int) -> None:
        self._workers = 0
        self._queue: asyncio.PriorityQueue[tuple[int, int, WorkItem]] = asyncio.PriorityQueue(maxsize)
        self._order = itertools.count()  # first in, first out within a priority
        self._pending: dict[str, asyncio.Future[Outcome]] = {}
        self._closed = False
        self._failures = FailureLog(log, "processing filings (each is fetched again later)")

    def __contains__(self, accession: str) -> bool:
        return accession in self._pending

    @property
    def busy(self) -> int:
        return len(self._pending)

    async def submit(self, item: WorkItem, priority: Priority = Priority.LIVE) -> asyncio.Future[Outcome]:
        """Queue an item (waiting while the queue is full); an accession already queued is not added twice."""
        future = self._pending.get(item.accession)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._pending[item.accession] = future
            await self._queue.put((priority, next(self._order), item))
        return future

    def close(self) -> None:
        """Workers finish the item in hand and take no more."""
        self._closed = True
        for _ in range(self._workers):  # one stop item per worker wakes each idle one to see the flag
            with contextlib.suppress(asyncio.QueueFull):
                self._queue.put_nowait((Priority.STOP, next(self._order), _STOP))

    async def run_worker(self, process: Callable[[WorkItem], Awaitable[Outcome]]) -> None:
        self._workers += 1
        try:
            await self._work(process)
        finally:
            self._workers -= 1

    async def _work(self, process: Callable[[WorkItem], Awaitable[Outcome]]) -> None:
        failures = self._failures
        while not self._closed:
            _, _, item = await self._queue.get()
            if item is _STOP or self._closed:
                self._queue.task_done()
                return
            try:
                outcome = await process(item)
            except asyncio.CancelledError:
                self._finish(item, Outcome.FAILED)
                raise
            except Exception as error:  # a bug, a full disk: costs this filing (retried later), never the worker
                failures.failed(error, expected=(StorageError, SQLAlchemyError, OSError))
                outcome = Outcome.FAILED
            else:
                failures.succeeded()
            self._finish(item, outcome)

    def _finish(self, item: WorkItem, outcome: Outcome) -> None:
        future = self._pending.pop(item.accession, None)
        if future is not None and not future.done():
            future.set_result(outcome)
        self._queue.task_done()

    async def drained(self) -> None:
        """Return once nothing is queued or being processed."""
        await self._queue.join()

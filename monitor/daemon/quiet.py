"""A job for the moments the scans go quiet: the rules' regex caches emptied, their memory returned.

RE2 keeps, inside each regex, the automata its searches build; after a burst of filings the rules
hold tens of MB that a daemon waiting for the next 8-K has no use for. Rebuilding the rules costs
about 0.08 s of one core and the next filing's scan a few ms more; it runs only once no scan has
run for a second, so a backfill or a burst keeps its warm caches throughout, and the pipeline's job
acts only once the process has grown enough for it to matter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator

log = logging.getLogger(__name__)

QUIET_SECONDS = 1.0


class WhenQuiet:
    def __init__(self, job: Callable[[], None], delay: float = QUIET_SECONDS) -> None:
        self._job = job
        self._delay = delay
        self._busy = 0
        self._due = False  # a scan ran since the job last did
        self._timer: asyncio.TimerHandle | None = None
        self._running: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """Around each scan: the job waits until none has run for `delay` seconds."""
        self._busy += 1
        self._cancel_timer()
        try:
            yield
        finally:
            self._busy -= 1
            self._due = True
            if self._busy == 0:
                self._timer = asyncio.get_running_loop().call_later(self._delay, self._start)

    async def close(self) -> None:
        """No job starts from now on; one under way is let finish (it cannot be stopped in its thread)."""
        self._cancel_timer()
        self._due = False
        if self._running is not None:
            await self._running

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _start(self) -> None:
        self._timer = None
        if self._busy or not self._due or (self._running is not None and not self._running.done()):
            return
        self._due = False
        self._running = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            await asyncio.to_thread(self._job)
        except Exception:  # a failed clean-up costs memory, never the daemon
            log.exception("emptying the rules' caches failed; they stay as they are")

"""SEC fair access: never more than the configured number of requests in any one-second window.

A token bucket (aiolimiter and friends) lets a full bucket burst on top of its steady rate, so a
one-second window can see nearly twice the rate; the SEC counts per window and answers 429 at 9.7-9.9
requests a second. This limiter keeps a slot per recent request, stamped with the moment its
headers actually left (not the moment it was allowed: a busy event loop or a connection being
opened can delay that), and lets the next request go only while fewer than N slots fall within the
last window. A request allowed but not yet sent counts as inside the window.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque

from monitor.logs import fields

log = logging.getLogger(__name__)

# Requests arrive with jitter (the network, a busy server stamping them late): a margin on the
# window keeps the count the SEC sees within the limit. Requests are also spread evenly across it
# (one per window/N), never sent in bursts: a burst's last request, stamped late by a server still
# busy with the first ones, would share a window with the next burst's first.
ARRIVAL_MARGIN_SECONDS = 0.05
MAX_PAUSE_SECONDS = 120.0
_RECHECK_SECONDS = 0.002  # while an allowed request has not left yet
# A process cannot know what the one before it (killed, restarted) sent in its last second, but that
# one had ended before this one began: counting a full window as sent at this moment (imported
# before any request can leave) is enough, and start-up's own second pays for it.
_PROCESS_STARTED = time.monotonic()


class Slot:
    __slots__ = ("allowed_at", "sent_at")

    def __init__(self, sent_at: float | None = None) -> None:
        self.allowed_at = time.monotonic() if sent_at is None else sent_at
        self.sent_at = sent_at

    def mark_sent(self) -> None:
        if self.sent_at is None:
            self.sent_at = time.monotonic()


class FairAccessLimiter:
    def __init__(
        self,
        requests_per_second: float,
        margin: float = ARRIVAL_MARGIN_SECONDS,
        fresh_start: bool = False,
        started_at: float = _PROCESS_STARTED,
    ) -> None:
        # At most floor(rate) requests in any one-second window; below one a second, one per 1/rate s.
        self.capacity = max(1, math.floor(requests_per_second))
        self.window = (1.0 if requests_per_second >= 1 else 1.0 / requests_per_second) + margin
        self._slots: deque[Slot] = deque()
        self._lock = asyncio.Lock()
        self._paused_until = 0.0
        self._pause = 0.0
        if not fresh_start:
            self._slots.extend(Slot(started_at) for _ in range(self.capacity))

    async def acquire(self) -> Slot:
        """Wait for room in the window; every task of the client shares the one limiter.

        The caller marks the returned slot sent when the request's headers leave.
        """
        async with self._lock:
            while True:
                now = time.monotonic()
                wait = max(self._paused_until - now, self._wait_for_window(now))
                if wait <= 0:
                    slot = Slot()
                    self._slots.append(slot)
                    return slot
                await asyncio.sleep(wait)

    def _wait_for_window(self, now: float) -> float:
        while self._slots and self._slots[0].sent_at is not None and now - self._slots[0].sent_at >= self.window:
            self._slots.popleft()
        inside = [s.sent_at for s in self._slots if s.sent_at is None or now - s.sent_at < self.window]
        if len(inside) < self.capacity:
            return self._wait_for_spacing(now)
        sent = sorted(t for t in inside if t is not None)
        # The window has room once enough of the sent requests age out of it.
        surplus = len(inside) - self.capacity
        if surplus < len(sent):
            return max(sent[surplus] + self.window - now, _RECHECK_SECONDS)
        return _RECHECK_SECONDS

    def _wait_for_spacing(self, now: float) -> float:
        """Time until one window/N has passed since the latest request was allowed (0 for the first).
        Allowances keep an even beat; the window above, counted on send times, keeps the limit."""
        if not self._slots:
            return 0.0
        return max(0.0, self._slots[-1].allowed_at + self.window / self.capacity - now)

    def slow_down(self, retry_after: float | None = None) -> float:
        """EDGAR said 'too fast': pause every task, longer each time it repeats without a success between."""
        self._pause = min(max(self._pause * 2, 1.0), MAX_PAUSE_SECONDS)
        pause = max(self._pause, retry_after or 0.0)
        was_paused = self._paused_until > time.monotonic()
        self._paused_until = max(self._paused_until, time.monotonic() + pause)
        if not was_paused:
            log.warning(
                "EDGAR rate-limited us: all requests pause for %.1f s",
                pause,
                extra=fields("edgar_throttled", pause_seconds=pause),
            )
        return pause

    def paused_for(self) -> float:
        """Seconds left of a rate-limit pause (0 when none is in force)."""
        return max(0.0, self._paused_until - time.monotonic())

    def succeeded(self) -> None:
        if self._pause:
            log.info("EDGAR answers normally again: requests resume at the full rate")
        self._pause = 0.0

"""SEC fair access: never more than the configured number of requests in any one-second window.

A token bucket (aiolimiter and friends) lets a full bucket burst on top of its steady rate, so a
one-second window can see nearly twice the rate; the SEC counts per window and answers 429 at 9.7-9.9
requests a second. This limiter keeps the send times of the last N requests and lets the next one
go only when the oldest of them is more than a window old.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque

log = logging.getLogger(__name__)

# Requests leave our event loop a few milliseconds after they are allowed, and arrive with network
# jitter; a small margin on the window keeps the count the SEC sees within the limit.
ARRIVAL_MARGIN_SECONDS = 0.02
MAX_PAUSE_SECONDS = 120.0


class FairAccessLimiter:
    def __init__(
        self, requests_per_second: float, margin: float = ARRIVAL_MARGIN_SECONDS, fresh_start: bool = False
    ) -> None:
        # At most floor(rate) requests in any one-second window; below one a second, one per 1/rate s.
        self.capacity = max(1, math.floor(requests_per_second))
        self.window = (1.0 if requests_per_second >= 1 else 1.0 / requests_per_second) + margin
        self._sent: deque[float] = deque(maxlen=self.capacity)
        if not fresh_start:
            # A process cannot know what the one before it (killed, restarted) sent in its last
            # second: count that second as full, which costs one second at start-up.
            self._sent.extend([time.monotonic()] * self.capacity)
        self._lock = asyncio.Lock()
        self._paused_until = 0.0
        self._pause = 0.0

    async def acquire(self) -> None:
        """Wait for a slot; every task of the client shares the one limiter, so the sum obeys."""
        async with self._lock:
            while True:
                now = time.monotonic()
                wait = max(self._paused_until - now, self._wait_for_window(now))
                if wait <= 0:
                    self._sent.append(now)
                    return
                await asyncio.sleep(wait)

    def _wait_for_window(self, now: float) -> float:
        if len(self._sent) < self.capacity:
            return 0.0
        return self._sent[0] + self.window - now

    def slow_down(self, retry_after: float | None = None) -> float:
        """EDGAR said 'too fast': pause every task, longer each time it repeats without a success between."""
        self._pause = min(max(self._pause * 2, 1.0), MAX_PAUSE_SECONDS)
        pause = max(self._pause, retry_after or 0.0)
        was_paused = self._paused_until > time.monotonic()
        self._paused_until = max(self._paused_until, time.monotonic() + pause)
        if not was_paused:
            log.warning("EDGAR rate-limited us: all requests pause for %.1f s", pause)
        return pause

    def succeeded(self) -> None:
        if self._pause:
            log.info("EDGAR answers normally again: requests resume at the full rate")
        self._pause = 0.0

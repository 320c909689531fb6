"""One aiohttp session for the daemon's life: declared User-Agent, fair-access limiter, retries."""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace, TracebackType

import aiohttp
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from monitor.edgar.body import Body
from monitor.edgar.limiter import FairAccessLimiter, Slot
from monitor.errors import MonitorError
from monitor.metrics import Metrics, unserved
from monitor.retry_after import retry_after_seconds
from monitor.settings import EdgarSettings

log = logging.getLogger(__name__)

_UNDECLARED_TEXT = "Undeclared Automated Tool"
_NO_WAIT_SECONDS = 0.001  # the limiter's own bookkeeping: not a wait worth counting


class EdgarError(MonitorError):
    """A request that failed for good: after every retry, or at once where retrying cannot help."""


class NotFound(EdgarError):
    """404: a daily index not published (weekend, holiday, today) or a filing not there."""


class TooLarge(EdgarError):
    """A body over the configured size cap: not retried within this request (it would be as large again).

    The filing is failed; the retry job fetches it again up to max_filing_attempts, which a raised
    max_body_mb lets through."""


class TransientError(EdgarError):
    """Worth another try: 5xx, a timeout, a truncated body, a dropped connection."""


class Throttled(TransientError):
    """429, or 403 'Request Rate Threshold Exceeded': the whole client slows down."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class EdgarClient:
    def __init__(self, settings: EdgarSettings, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics or unserved()
        self.limiter = FairAccessLimiter(settings.max_requests_per_second)
        self.requests = 0
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> EdgarClient:
        timeout = aiohttp.ClientTimeout(
            total=self.settings.timeout_seconds * 4,
            connect=self.settings.timeout_seconds,
            sock_read=self.settings.timeout_seconds,
        )
        tracing = aiohttp.TraceConfig()
        tracing.on_request_headers_sent.append(_headers_sent)
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=timeout,
            connector=aiohttp.TCPConnector(limit=16),
            trace_configs=[tracing],
        )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()

    async def fetch(self, url: str) -> bytes:
        """The body at `url` as bytes: for feed pages, indexes and lists, small by nature."""
        with await self.fetch_body(url) as body:
            return body.read()

    async def fetch_body(self, url: str) -> Body:
        """The body at `url`, retried with exponential backoff and jitter until it arrives whole; past
        a few MB it sits in a temporary file. The caller closes it."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=wait_random_exponential(multiplier=0.5, max=30),
            retry=retry_if_exception_type(TransientError),
            before_sleep=self._before_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._fetch_once(url)
        except EdgarError as error:
            # tenacity keeps the last error, and the error's frames keep the response and what it had
            # read (megabytes, for a refused body): a cycle only the cyclic GC would break, seconds
            # later. The error leaves without those frames, and everything they held is freed now.
            raise error.with_traceback(None) from None
        raise AssertionError("unreachable: tenacity reraises the last error")

    async def _fetch_once(self, url: str) -> Body:
        if self._session is None:
            raise RuntimeError("EdgarClient used outside 'async with'")
        asked = time.monotonic()
        slot = await self.limiter.acquire()
        self.metrics.waited(time.monotonic() - asked - _NO_WAIT_SECONDS)
        self.requests += 1
        answer: int | None = None  # the status, for metrics; None when no whole answer came
        try:
            async with self._session.get(url, trace_request_ctx=slot) as response:
                if response.status == 200:
                    body = await self._bounded_body(url, response)
                    answer = 200
                    self.limiter.succeeded()
                    return body
                answer = response.status
                text = (await response.read())[:2000].decode("latin-1")
                raise _status_error(url, response.status, text, response.headers.get("Retry-After"))
        except TimeoutError:
            answer = None
            raise TransientError(f"{url}: no answer within {self.settings.timeout_seconds:g} s") from None
        except aiohttp.ClientPayloadError as error:
            answer = None
            raise TransientError(f"{url}: truncated body ({error})") from None
        except aiohttp.ClientError as error:
            answer = None
            raise TransientError(f"{url}: {type(error).__name__}: {error}") from None
        finally:
            slot.mark_sent()  # no-op once the headers left; otherwise the slot stops waiting for them
            self.metrics.request(answer)

    async def _bounded_body(self, url: str, response: aiohttp.ClientResponse) -> Body:
        """The whole body, streamed (past a few MB to a temporary file) and refused past the size cap,
        counted after decompression: a huge submission or a gzip bomb must not exhaust memory."""
        cap = int(self.settings.max_body_mb * 1_000_000)
        if response.content_length is not None and response.content_length > cap:
            raise TooLarge(f"{url}: {response.content_length / 1e6:.0f} MB, over [edgar] max_body_mb")
        body = Body()
        try:
            async for chunk in response.content.iter_chunked(1 << 20):
                if body.size + len(chunk) > cap:
                    raise TooLarge(f"{url}: over {self.settings.max_body_mb:g} MB ([edgar] max_body_mb)")
                body.append(chunk)
        except (TimeoutError, aiohttp.ClientError):
            # Both are OSErrors too: a read that timed out or broke is retried, not a disk that is full.
            body.close()
            raise
        except OSError as error:  # the temporary file: a full or read-only disk
            body.close()
            raise EdgarError(f"{url}: no room for the body in a temporary file: {error.strerror or error}") from None
        except BaseException:
            body.close()  # released now: an exception's frames would keep it alive until the GC ran
            raise
        return body

    def _before_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Throttled):
            self.limiter.slow_down(error.retry_after)
        log.debug("retrying after: %s (attempt %d)", error, state.attempt_number)


async def _headers_sent(
    session: aiohttp.ClientSession, context: SimpleNamespace, params: aiohttp.TraceRequestHeadersSentParams
) -> None:
    slot = context.trace_request_ctx
    if isinstance(slot, Slot):
        slot.mark_sent()


def _status_error(url: str, status: int, text: str, retry_after: str | None) -> EdgarError:
    if status == 403 and _UNDECLARED_TEXT in text:
        return EdgarError(f"{url}: 403 the SEC refused our User-Agent; set [edgar] user_agent to a name and e-mail")
    if status in (403, 429):  # the SEC answers either for "Request Rate Threshold Exceeded"
        return Throttled(f"{url}: {status} rate limited", retry_after_seconds(retry_after))
    if status == 404:
        return NotFound(f"{url}: 404 not found")
    if status >= 500 or status == 408:
        return TransientError(f"{url}: {status} server error")
    return EdgarError(f"{url}: HTTP {status}: {' '.join(text.split())[:200]}")

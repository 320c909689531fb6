"""The EDGAR client against the fake EDGAR: declared agent, gzip, fair access, every failure mode."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import date

import pytest
from aiohttp import web

from fakes.edgar import FakeEdgar, FaultPlan
from fakes.filings import FakeFiling
from monitor.edgar.client import EdgarClient, EdgarError, NotFound
from monitor.edgar.limiter import FairAccessLimiter
from monitor.edgar.urls import submission_url
from monitor.metrics import Metrics
from tests.conftest import edgar_settings, serving

BODY = b"<SEC-DOCUMENT>" + b"A filing body that is long enough to be worth compressing. " * 400
FILING = FakeFiling("0000123456-26-000042", "123456", "8-K", "EXAMPLE INC", date(2026, 11, 24), BODY)


async def fetch_once(fake: FakeEdgar, metrics: Metrics | None = None, **settings: object) -> bytes:
    async with serving(fake.app()) as base_url, EdgarClient(edgar_settings(base_url, **settings), metrics) as client:
        return await client.fetch(submission_url(base_url, FILING.cik, FILING.accession))


@pytest.mark.parametrize(
    ("kind", "counted_as"),
    [("429", "429"), ("403", "403"), ("500", "5xx"), ("503", "5xx"), ("slow", "error"), ("truncated", "error")],
)
async def test_each_failure_is_retried_until_the_whole_body_arrives_and_counted(kind: str, counted_as: str) -> None:
    fake = FakeEdgar(faults=FaultPlan(rate=1.0, kinds=(kind,), limit=2, slow_seconds=1.5))
    fake.publish(FILING)
    metrics = Metrics()
    assert await fetch_once(fake, metrics, max_attempts=4) == BODY
    assert fake.stats.faults[kind] == 2
    assert fake.stats.requests == 3  # two faults, then the answer
    (family,) = metrics.requests.collect()
    counted = {s.labels["outcome"]: s.value for s in family.samples if s.name.endswith("_total")}
    assert counted == {counted_as: 2, "200": 1}  # each request once, by what came back


async def test_a_failure_that_outlasts_every_attempt_is_an_error_naming_the_url() -> None:
    fake = FakeEdgar(faults=FaultPlan(rate=1.0, kinds=("503",)))
    fake.publish(FILING)
    with pytest.raises(EdgarError, match=r"0000123456-26-000042\.txt: 503"):
        await fetch_once(fake, max_attempts=2)
    assert fake.stats.requests == 2


async def test_a_body_over_the_size_cap_is_refused_without_retrying() -> None:
    fake = FakeEdgar()
    fake.publish(FILING)
    with pytest.raises(EdgarError, match="max_body_mb"):
        await fetch_once(fake, max_body_mb=0.001)
    assert fake.stats.requests == 1


async def test_not_found_is_not_retried() -> None:
    fake = FakeEdgar()
    with pytest.raises(NotFound):
        await fetch_once(fake)
    assert fake.stats.requests == 1


async def test_an_undeclared_agent_is_refused_at_once_with_advice() -> None:
    fake = FakeEdgar()
    fake.publish(FILING)
    async with serving(fake.app()) as base_url:
        settings = edgar_settings(base_url).model_copy(update={"user_agent": "python-requests/2.31"})
        async with EdgarClient(settings) as client:
            with pytest.raises(EdgarError, match="User-Agent"):
                await client.fetch(submission_url(base_url, FILING.cik, FILING.accession))
    assert fake.stats.undeclared == 1 and fake.stats.requests == 1


async def test_every_request_declares_the_agent_and_accepts_gzip() -> None:
    seen: list[tuple[str, str]] = []
    fake = FakeEdgar()
    fake.publish(FILING)
    app = fake.app()

    async def record(request: object) -> None:
        headers = request.headers  # type: ignore[attr-defined]
        seen.append((headers.get("User-Agent", ""), headers.get("Accept-Encoding", "")))

    app.on_response_prepare.append(lambda request, response: record(request))
    async with serving(app) as base_url, EdgarClient(edgar_settings(base_url)) as client:
        assert await client.fetch(submission_url(base_url, FILING.cik, FILING.accession)) == BODY
    assert seen == [("Tests tests@example.com", "gzip, deflate")]


async def test_many_tasks_together_stay_within_the_limit_in_every_one_second_window() -> None:
    fake = FakeEdgar(rate_limit=10)
    fake.publish(FILING)
    async with serving(fake.app()) as base_url, EdgarClient(edgar_settings(base_url)) as client:
        url = submission_url(base_url, FILING.cik, FILING.accession)
        started = time.monotonic()
        await asyncio.gather(*(client.fetch(url) for _ in range(25)))
        elapsed = time.monotonic() - started
    assert fake.stats.violations == 0
    assert fake.stats.max_in_window <= 10
    assert elapsed >= 2.0  # 25 requests at 10 a second cannot take less


async def test_a_rate_limit_answer_pauses_every_task_not_just_the_one_refused() -> None:
    limiter = FairAccessLimiter(100, fresh_start=True)
    pause = limiter.slow_down(retry_after=None)
    started = time.monotonic()
    await asyncio.gather(*(limiter.acquire() for _ in range(3)))
    assert time.monotonic() - started >= pause * 0.95
    assert limiter.slow_down() == 2 * pause  # a second refusal without a success between: longer
    limiter.succeeded()
    assert limiter.slow_down() == pause


def test_the_limiter_never_allows_more_than_the_whole_number_of_requests_a_second() -> None:
    assert FairAccessLimiter(9.9).capacity == 9
    slow = FairAccessLimiter(0.5)
    assert slow.capacity == 1 and slow.window > 2.0


async def test_a_new_process_waits_out_only_the_window_the_one_before_it_may_have_filled() -> None:
    # A restarted process cannot know what its predecessor sent in its last second, but that one had
    # ended before this one started: start-up's own time counts towards the wait.
    just_started = FairAccessLimiter(10, margin=0.0, started_at=time.monotonic())
    begun = time.monotonic()
    await just_started.acquire()
    assert time.monotonic() - begun >= 0.95
    started_a_second_ago = FairAccessLimiter(10, margin=0.0, started_at=time.monotonic() - 1.0)
    begun = time.monotonic()
    await started_a_second_ago.acquire()
    assert time.monotonic() - begun < 0.1


async def test_the_window_runs_from_when_a_request_left_not_from_when_it_was_allowed() -> None:
    # A busy loop or a new connection can hold a request back after the limiter allowed it; counting
    # from the allowance would let the next ones crowd into the window the server sees.
    limiter = FairAccessLimiter(2, margin=0.0, fresh_start=True)
    first, second = await limiter.acquire(), await limiter.acquire()
    third = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0.3)
    assert not third.done()  # allowed but unsent requests count as inside the window
    first.mark_sent()
    second.mark_sent()
    left = time.monotonic()
    await third
    assert time.monotonic() - left >= 0.99


async def test_requests_are_spread_across_the_window_not_sent_in_bursts() -> None:
    # A server still busy with a burst stamps its last requests late, into the next burst's window.
    limiter = FairAccessLimiter(10, margin=0.05, fresh_start=True)
    times = []
    for _ in range(6):
        slot = await limiter.acquire()
        slot.mark_sent()
        times.append(slot.sent_at or 0.0)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 0.105 * 0.98  # (1 s + margin) / 10


async def test_a_body_that_stalls_midway_is_retried_not_taken_for_a_full_disk() -> None:
    answers = itertools.count()

    async def stalling(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(BODY[:1000])
        if next(answers) == 0:
            await asyncio.sleep(3)  # past the client's timeout, mid-body
        await response.write(BODY[1000:])
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/{tail:.*}", stalling)
    async with serving(app) as base_url, EdgarClient(edgar_settings(base_url, timeout_seconds=1.0)) as client:
        assert await client.fetch(submission_url(base_url, FILING.cik, FILING.accession)) == BODY

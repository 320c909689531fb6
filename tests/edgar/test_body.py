"""Bodies stay within a bound: spilled to a temporary file past a few MB, refused past the cap (after
decompression: a gzip bomb), and released at once when refused, not when the GC next looks."""

from __future__ import annotations

import asyncio
import gc
import mmap
import tracemalloc
from collections.abc import Iterator

import pytest

from fakes.edgar import FakeEdgar, HostileBody
from monitor.edgar.body import Body
from monitor.edgar.client import EdgarClient, EdgarError, TooLarge
from monitor.edgar.urls import submission_url
from tests.conftest import edgar_settings, serving
from tests.edgar.test_client import FILING

MB = 1 << 20


def test_a_body_past_the_spill_size_lives_in_a_temporary_file() -> None:
    with Body(spill_bytes=2 * MB) as body:
        for number in range(5):
            body.append(bytes([65 + number]) * MB)
        assert body.spilled and body.size == 5 * MB
        with body.view() as data:
            assert isinstance(data, mmap.mmap)
            assert data[:1] == b"A" and data[-1:] == b"E" and len(data) == 5 * MB
    assert not body.spilled  # closed: the file is gone


def test_by_default_a_prospectus_of_megabytes_waits_for_its_scan_on_disk() -> None:
    with Body() as body:
        body.append(b"x" * (2 * MB))
        assert body.spilled
    with Body() as body:
        body.append(b"x" * 200_000)  # a large 8-K
        assert not body.spilled


def test_a_small_body_stays_in_memory_and_reads_back_whole() -> None:
    with Body(spill_bytes=2 * MB) as body:
        body.append(b"<feed>")
        body.append(b"</feed>")
        assert not body.spilled and body.read() == b"<feed></feed>"


@pytest.fixture
def no_cyclic_gc() -> Iterator[None]:
    """What a refused body costs is seen with the cyclic GC off: only what is freed at once is freed."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()
        gc.enable()


async def refused(hostile: HostileBody, max_body_mb: float) -> tuple[int, int]:
    """Fetch a hostile body until refused; the memory still held after, and the peak, in bytes."""
    fake = FakeEdgar()
    fake.publish(FILING)
    fake.hostile[FILING.accession] = hostile
    async with serving(fake.app()) as base_url:
        settings = edgar_settings(base_url, max_body_mb=max_body_mb, timeout_seconds=30)
        async with EdgarClient(settings) as client:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            try:
                await client.fetch_body(submission_url(base_url, FILING.cik, FILING.accession))
            except TooLarge:
                pass  # and the exception is gone: what it held must be gone too
            else:
                pytest.fail("a body over the cap was accepted")
            await asyncio.sleep(0.1)  # the dropped connection is closed on the loop's next turns
            held, peak = tracemalloc.get_traced_memory()
    return held - before, peak - before


@pytest.mark.usefixtures("no_cyclic_gc")
async def test_an_oversized_chunked_body_is_refused_and_released_at_once() -> None:
    held, peak = await refused(HostileBody("oversized", megabytes=120), max_body_mb=60)
    assert held < 3 * MB, f"{held / MB:.1f} MB still held after the refusal"
    assert peak < 16 * MB, f"peak {peak / MB:.1f} MB: the body was not spilled"


@pytest.mark.usefixtures("no_cyclic_gc")
async def test_a_gzip_bomb_is_refused_with_memory_bounded() -> None:
    held, peak = await refused(HostileBody("gzip_bomb", megabytes=256), max_body_mb=60)
    assert held < 3 * MB, f"{held / MB:.1f} MB still held after the refusal"
    assert peak < 16 * MB, f"peak {peak / MB:.1f} MB while inflating"


async def test_no_room_for_a_spilled_body_fails_the_filing_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("monitor.edgar.body.tempfile.TemporaryFile", full_disk)
    fake = FakeEdgar()
    fake.publish(FILING)
    fake.hostile[FILING.accession] = HostileBody("oversized", megabytes=8)
    async with serving(fake.app()) as base_url, EdgarClient(edgar_settings(base_url)) as client:
        with pytest.raises(EdgarError, match="no room for the body in a temporary file: No space left on device"):
            await client.fetch_body(submission_url(base_url, FILING.cik, FILING.accession))

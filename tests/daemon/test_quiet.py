"""The job for quiet moments: run once the scans stop, never during one, never twice for one burst."""

from __future__ import annotations

import asyncio
import logging

import pytest

from monitor.daemon.quiet import WhenQuiet


async def test_the_job_waits_until_no_scan_has_run_for_the_delay_and_runs_once() -> None:
    ran: list[int] = []
    quiet = WhenQuiet(lambda: ran.append(1), delay=0.05)
    with quiet.busy():
        await asyncio.sleep(0.1)
    with quiet.busy():  # a second scan before the delay is out starts the wait again
        assert ran == []
    await asyncio.sleep(0.02)
    assert ran == []
    await asyncio.sleep(0.15)
    assert ran == [1]
    await asyncio.sleep(0.1)
    assert ran == [1]  # nothing was scanned since: nothing to empty
    await quiet.close()


async def test_the_job_never_runs_while_a_scan_is_under_way() -> None:
    ran: list[int] = []
    quiet = WhenQuiet(lambda: ran.append(1), delay=0.02)
    with quiet.busy():
        with quiet.busy():
            pass
        await asyncio.sleep(0.1)  # one scan ended, the other still runs
        assert ran == []
    await asyncio.sleep(0.1)
    assert ran == [1]
    await quiet.close()


async def test_no_job_starts_after_close() -> None:
    ran: list[int] = []
    quiet = WhenQuiet(lambda: ran.append(1), delay=0.02)
    with quiet.busy():
        pass
    await quiet.close()
    await asyncio.sleep(0.1)
    assert ran == []


async def test_a_failing_job_is_logged_and_the_next_quiet_moment_tries_again(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    def job() -> None:
        calls.append(1)
        raise MemoryError("no room to compile")

    quiet = WhenQuiet(job, delay=0.02)
    for _ in range(2):
        with quiet.busy():
            pass
        await asyncio.sleep(0.1)
    await quiet.close()
    assert calls == [1, 1]
    assert [record.levelno for record in caplog.records] == [logging.ERROR, logging.ERROR]

"""The work queue: one entry per accession, outcomes to whoever waits, workers that survive bugs."""

from __future__ import annotations

import asyncio

from monitor.daemon.queue import Outcome, Priority, WorkItem, WorkQueue


async def test_an_accession_queued_twice_is_processed_once_and_both_submitters_get_the_outcome() -> None:
    queue = WorkQueue(10)
    seen: list[str] = []

    async def process(item: WorkItem) -> Outcome:
        seen.append(item.accession)
        return Outcome.STORED

    first = await queue.submit(WorkItem("0000000001-26-000001", "1"))
    second = await queue.submit(WorkItem("0000000001-26-000001", "1"))
    assert "0000000001-26-000001" in queue
    worker = asyncio.create_task(queue.run_worker(process))
    assert await first is Outcome.STORED and await second is Outcome.STORED
    assert seen == ["0000000001-26-000001"] and queue.busy == 0
    worker.cancel()


async def test_a_bug_in_processing_costs_one_item_not_the_worker() -> None:
    queue = WorkQueue(10)

    async def process(item: WorkItem) -> Outcome:
        if item.accession.endswith("1"):
            raise ValueError("bug")
        return Outcome.STORED

    futures = [await queue.submit(WorkItem(f"0000000001-26-00000{n}", "1")) for n in (1, 2)]
    worker = asyncio.create_task(queue.run_worker(process))
    assert [await f for f in futures] == [Outcome.FAILED, Outcome.STORED]
    worker.cancel()


async def test_closing_the_queue_ends_idle_workers() -> None:
    queue = WorkQueue(10)

    async def process(item: WorkItem) -> Outcome:
        return Outcome.STORED

    workers = [asyncio.create_task(queue.run_worker(process)) for _ in range(3)]
    await asyncio.sleep(0)
    queue.close()
    await asyncio.wait_for(asyncio.gather(*workers), 1)


async def test_fresh_filings_overtake_queued_catch_up_and_retries() -> None:
    queue = WorkQueue(10)
    order: list[str] = []

    async def process(item: WorkItem) -> Outcome:
        order.append(item.accession)
        return Outcome.STORED

    await queue.submit(WorkItem("catch-up-1", "1"), Priority.CATCH_UP)
    await queue.submit(WorkItem("retry-1", "1"), Priority.RETRY)
    await queue.submit(WorkItem("catch-up-2", "1"), Priority.CATCH_UP)
    last = await queue.submit(WorkItem("live-1", "1"))
    worker = asyncio.create_task(queue.run_worker(process))
    await queue.drained()
    worker.cancel()
    assert await last is Outcome.STORED
    assert order == ["live-1", "retry-1", "catch-up-1", "catch-up-2"]


async def test_closing_wakes_every_idle_worker_however_many_there_are() -> None:
    queue = WorkQueue(1000)

    async def process(item: WorkItem) -> Outcome:
        return Outcome.STORED

    workers = [asyncio.create_task(queue.run_worker(process)) for _ in range(100)]
    await asyncio.sleep(0)  # all of them waiting on an empty queue
    queue.close()
    await asyncio.wait_for(asyncio.gather(*workers), 5)

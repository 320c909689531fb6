"""The work queue: one entry per accession, outcomes to whoever waits, workers that survive bugs."""

from __future__ import annotations

import asyncio

from monitor.pipeline import Outcome, WorkItem
from monitor.work import WorkQueue


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

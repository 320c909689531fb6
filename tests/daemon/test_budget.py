"""The scan budget: filings side by side up to the cores, never more bytes than the budget at once."""

from __future__ import annotations

import asyncio

from monitor.daemon.budget import ScanBudget


async def scan_together(budget: ScanBudget, sizes: list[int]) -> int:
    """The most scans that ran at once."""
    running = most = 0

    async def scan(size: int) -> None:
        nonlocal running, most
        async with budget.reserve(size):
            running += 1
            most = max(most, running)
            await asyncio.sleep(0.01)
            running -= 1

    await asyncio.gather(*(scan(size) for size in sizes))
    return most


async def test_small_filings_share_the_cores() -> None:
    assert await scan_together(ScanBudget(slots=2, budget_bytes=100), [10] * 6) == 2


async def test_two_large_bodies_are_scanned_one_after_the_other() -> None:
    assert await scan_together(ScanBudget(slots=4, budget_bytes=100), [150, 150]) == 1


async def test_a_body_larger_than_the_budget_still_runs_alone_and_nothing_waits_forever() -> None:
    assert await scan_together(ScanBudget(slots=4, budget_bytes=100), [60, 500, 60, 30]) <= 2


async def test_by_default_an_8k_goes_beside_a_prospectus_but_two_prospectuses_take_turns() -> None:
    # Side by side, two prospectuses of megabytes cost the memory of both and end no sooner.
    assert await scan_together(ScanBudget(slots=2), [4_000_000, 40_000]) == 2
    assert await scan_together(ScanBudget(slots=2), [4_000_000, 3_500_000]) == 1

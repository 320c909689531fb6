"""The store's promises, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text, update
from sqlmodel import col

from rules.events import Event
from storage.database import MIGRATIONS, migrate
from storage.repository import ProcessedFiling, Store
from storage.tables import FilingRow
from tests.storage.alembic_steps import differences_from_the_models, upgrade_to

ACCESSION = "0000930553-00-000010"


def processed(accession: str = ACCESSION, events: int = 2) -> ProcessedFiling:
    return ProcessedFiling(
        accession=accession,
        url=f"http://edgar.test/{accession}.txt",
        cik="930553",
        form="8-K",
        company="NEOTHERAPEUTICS INC",
        filed=date(2000, 3, 31),
        events=[
            Event("share_sale", "shares-sold", {"shares": 520324 + n, "investors": ["A", "B"]}, "sold", 10, 20, "8-K")
            for n in range(events)
        ],
        rules_version="v1",
    )


async def test_migrations_create_exactly_the_tables_the_models_describe(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        await migrate(store.engine)  # applying them again is a no-op

        async with store.engine.connect() as connection:
            assert await connection.run_sync(differences_from_the_models) == []
            version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        assert version == ScriptDirectory(str(MIGRATIONS)).get_current_head()
    finally:
        await store.close()


async def test_a_database_made_by_the_first_release_is_upgraded_with_its_rows_kept(database_url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to("0001"))
        await connection.execute(
            text(
                "INSERT INTO filings (accession, url, status, attempts, event_count) "
                "VALUES ('0000930553-00-000010', 'u', 'failed', 1, 0)"
            )
        )
    await engine.dispose()
    store = await Store.open(database_url)
    try:
        (row,) = await store.retryable_filings()
        assert (row.accession, row.status, row.claimed_by) == ("0000930553-00-000010", "failed", None)
        assert await store.claim_filing(row.accession, "930553", "u", None)
    finally:
        await store.close()


async def test_a_filing_is_stored_once_with_its_events_and_one_alert_per_destination(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        assert await store.save_processed(processed(), ["console", "slack"]) is True
        assert await store.save_processed(processed(events=5), ["console", "slack"]) is False
        stored = await store.filings_with_events()
        assert len(stored) == 1
        assert [e.fields["shares"] for e in stored[0].events] == [520324, 520325]
        assert stored[0].events[0].fields["investors"] == ["A", "B"]
        assert {a.alert.destination for a in await store.pending_alerts()} == {"console", "slack"}
    finally:
        await store.close()


async def test_a_filing_without_events_is_stored_but_not_alerted(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        assert await store.save_processed(processed(events=0), ["console"])
        assert await store.known([ACCESSION, "0000000000-00-000000"]) == {ACCESSION}
        assert await store.pending_alerts() == []
        assert await store.filings_with_events() == []
    finally:
        await store.close()


async def test_instances_sharing_a_database_claim_each_filing_and_alert_once(database_url: str) -> None:
    stores = [await Store.open(database_url, name, timedelta(seconds=30)) for name in "abcd"]
    first, second = stores[0], stores[1]
    try:
        claims = await asyncio.gather(*(s.claim_filing(ACCESSION, "930553", "u", None) for s in stores))
        assert sorted(claims) == [False] * 3 + [True]
        first = stores[claims.index(True)]
        second = stores[claims.index(False)]
        assert await first.known([ACCESSION]) == {ACCESSION}  # a claim counts as seen: no one re-queues it
        await first.save_processed(processed(), ["console"])
        alerts = await asyncio.gather(first.claim_alerts(), second.claim_alerts())
        assert sorted(len(a) for a in alerts) == [0, 1]
        assert not await second.claim_filing(ACCESSION, "930553", "u", None)  # done is done
    finally:
        for store in stores:
            await store.close()


async def test_a_dead_instances_claim_is_taken_over_after_its_lease_and_its_own_at_restart(database_url: str) -> None:
    dead = await Store.open(database_url, "a", timedelta(seconds=-1))  # every claim it takes has expired
    alive = await Store.open(database_url, "b")
    restarted = await Store.open(database_url, "c")
    try:
        assert await dead.claim_filing(ACCESSION, "930553", "u", None)
        assert [r.accession for r in await alive.retryable_filings()] == [ACCESSION]
        assert await alive.claim_filing(ACCESSION, "930553", "u", None)
        assert not await dead.claim_filing(ACCESSION, "930553", "u", None)  # b holds a live claim now
        other = "0000930553-00-000011"
        assert await restarted.claim_filing(other, "930553", "u", None)
        assert await restarted.claim_filing(other, "930553", "u", None)  # the same instance, restarted
        assert other in [r.accession for r in await restarted.retryable_filings()]
        assert other not in [r.accession for r in await alive.retryable_filings()]
    finally:
        for store in (dead, alive, restarted):
            await store.close()


async def test_two_instances_racing_for_one_filing_store_it_once(database_url: str) -> None:
    first, second = await Store.open(database_url), await Store.open(database_url)
    try:
        results = await asyncio.gather(*(s.save_processed(processed(), ["console"]) for s in (first, second) * 3))
        assert sorted(results) == [False] * 5 + [True]
        assert len((await first.filings_with_events())[0].events) == 2
        assert len(await first.pending_alerts()) == 1
    finally:
        await first.close()
        await second.close()


async def test_failures_are_counted_until_the_filing_is_given_up_and_a_success_clears_them(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        for attempt in (1, 2):
            row = await store.save_failure(ACCESSION, "u", "930553", f"boom {attempt}", 3, None)
            assert row is not None and row.status == "failed" and row.attempts == attempt
        assert [r.accession for r in await store.retryable_filings()] == [ACCESSION]
        row = await store.save_failure(ACCESSION, "u", "930553", "boom 3", 3, None)
        assert row is not None and row.status == "gave_up"
        assert await store.retryable_filings() == []
        assert await store.save_processed(processed(), ["console"])
        found = await store.filing(ACCESSION)
        assert found is not None and found.filing.status == "done" and found.filing.error is None
        assert await store.save_failure(ACCESSION, "u", "930553", "late", 3, None) is None  # done stays done
    finally:
        await store.close()


async def test_the_poll_cursor_only_moves_forward_and_gap_days_are_remembered(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        assert await store.covered_at() is None
        later = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
        await store.set_covered_at(later)
        await store.set_covered_at(later - timedelta(hours=1))
        assert await store.covered_at() == later
        await store.mark_gap(date(2026, 11, 20))
        await store.mark_gap(date(2026, 11, 20))
        assert await store.gap_days() == [date(2026, 11, 20)]
        await store.mark_index_done(date(2026, 11, 20), ["8-K", "D"])
        await store.mark_index_done(date(2026, 11, 20), ["8-K", "424B5"])
        assert await store.done_forms(date(2026, 11, 20)) == {"8-K", "D", "424B5"}
    finally:
        await store.close()


async def test_alerts_are_pending_until_marked_and_a_permanent_failure_stays_failed(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        await store.save_processed(processed(), ["console"])
        await store.save_processed(processed("0000930553-00-000011"), ["console"])
        first, second = await store.pending_alerts()
        await store.mark_alert_sent([first.alert.id or 0], "1700000000.000100")
        await store.mark_alert_failed([second.alert.id or 0], "timeout", permanent=False)
        assert [p.alert.id for p in await store.pending_alerts()] == [second.alert.id]
        await store.mark_alert_failed([second.alert.id or 0], "invalid_auth", permanent=True)
        assert await store.pending_alerts() == []
    finally:
        await store.close()


async def test_events_are_listed_newest_filing_first_whatever_order_they_were_processed_in(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        # Processed in this order: a backfill of older days after the daemon's news.
        for accession, filed in [
            ("0000000001-25-000001", date(2025, 2, 3)),
            ("0000000001-20-000001", date(2020, 1, 2)),
            ("0000000001-24-000001", date(2024, 5, 1)),
        ]:
            filing = processed(accession)
            filing.filed = filed
            await store.save_processed(filing, [])
        listed = [f.filing.filed for f in await store.filings_with_events()]
        assert listed == [date(2025, 2, 3), date(2024, 5, 1), date(2020, 1, 2)]
    finally:
        await store.close()


async def test_one_name_in_two_live_processes_is_two_claimants_and_a_dead_ones_claims_are_taken_at_start(
    database_url: str,
) -> None:
    beside = await Store.open(database_url, "same-config")
    cron = await Store.open(database_url, "same-config")  # `run --once` beside the daemon, one config
    try:
        assert beside.instance != cron.instance
        assert await beside.claim_filing(ACCESSION, "930553", "u", None)
        assert not await cron.claim_filing(ACCESSION, "930553", "u", None)  # the daemon's live claim
        assert ACCESSION not in [r.accession for r in await cron.retryable_filings()]
        # An earlier life of the daemon, killed: its pid is gone from this machine.
        dead_pid = _pid_of_an_ended_process()
        earlier = beside.instance.rsplit(":", 2)[0] + f":{dead_pid}:deadbeef"
        async with beside._transaction() as session:
            await session.exec(
                update(FilingRow).where(col(FilingRow.accession) == ACCESSION).values(claimed_by=earlier)
            )
        restarted = await Store.open(database_url, "same-config")
        try:
            assert await restarted.claim_filing(ACCESSION, "930553", "u", None)  # at once, not after the lease
        finally:
            await restarted.close()
    finally:
        await beside.close()
        await cron.close()


def _pid_of_an_ended_process() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


async def test_a_nul_in_a_filers_text_is_dropped_not_a_store_that_fails_on_postgresql(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        filing = processed()
        filing.company = "NEO\x00THERAPEUTICS INC"
        filing.events[0].evidence = "sold\x00 shares"
        filing.events[0].fields["investors"] = ["A\x00", "B"]
        assert await store.save_processed(filing, ["console"])
        found = await store.filing(ACCESSION)
        assert found is not None and found.filing.company == "NEOTHERAPEUTICS INC"
        assert found.events[0].evidence == "sold shares"
        await store.save_skipped("0000930553-00-000011", "930553", "8-K", "BAD\x00 CO", "u", "form")
    finally:
        await store.close()


async def test_a_new_sqlite_file_another_process_is_writing_is_waited_for_not_refused(tmp_path: Path) -> None:
    # Two instances started at once on a new database: while one held its write lock to migrate,
    # the other's switch to WAL was answered "database is locked" at once and it exited.
    path = tmp_path / "monitor.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE other_process_migrating (x)")
    release = threading.Timer(1.0, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        store = await Store.open(f"sqlite:///{path}")
        await store.close()
    finally:
        release.join()
        holder.close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"

"""Migrations are all or nothing: a kill at any point of a first start leaves a database that opens."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import revisions
from storage.errors import StorageError
from storage.repository import Store
from storage.session import utcnow
from storage.tables import metadata
from tests.storage.alembic_steps import differences_from_the_models, upgrade_to

ROOT = Path(__file__).resolve().parents[2]

# Migrates a new database and SIGKILLs itself right after its Nth CREATE statement reached SQLite.
_KILLED_MIGRATION = """
import asyncio, os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
from storage.database import create_engine, migrate

creates = 0

@event.listens_for(Engine, "after_cursor_execute")
def _kill_after_nth_create(connection, cursor, statement, parameters, context, executemany):
    global creates
    if statement.lstrip().upper().startswith("CREATE"):
        creates += 1
        if creates == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(migrate(create_engine(sys.argv[1])))
"""


def _migrate_and_die(url: str, after_creates: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_MIGRATION, url, str(after_creates)], cwd=ROOT, timeout=60, check=False
    )
    return done.returncode


@pytest.mark.parametrize("after_creates", [1, 2, 4, 7])
async def test_a_first_start_killed_mid_migration_leaves_a_database_that_opens(
    tmp_path: Path, after_creates: int
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'monitor.db'}"
    assert _migrate_and_die(url, after_creates) == -signal.SIGKILL
    store = await Store.open(url)
    try:
        async with store.engine.connect() as connection:
            tables = {row[0] for row in await connection.execute(text("SELECT name FROM sqlite_master"))}
        assert {table.name for table in metadata.sorted_tables} <= tables
    finally:
        await store.close()


async def _make_tables_without_version(url: str, row: bool) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        if row:
            await connection.execute(
                text(
                    "INSERT INTO filings (accession, url, status, attempts, event_count) VALUES ('a', 'u', 'done', 0, 0)"
                )
            )
    await engine.dispose()


async def test_a_half_made_empty_schema_left_by_an_older_release_is_made_anew(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'monitor.db'}"
    await _make_tables_without_version(url, row=False)
    store = await Store.open(url)
    await store.close()


async def test_tables_with_rows_but_no_schema_record_are_reported_not_dropped(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'monitor.db'}"
    await _make_tables_without_version(url, row=True)
    with pytest.raises(StorageError, match=r"monitor\.db.*no record of their schema version"):
        await Store.open(url)
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM filings"))).scalar() == 1
    await engine.dispose()


async def test_reading_commands_create_nothing_in_a_database_without_our_schema(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        path = Path(database_url.partition(":///")[2])
        with pytest.raises(StorageError, match="no database file there yet"):
            await Store.open_for_reading(database_url)
        assert not path.exists()
        path.touch()  # an empty file: a database with no tables
    with pytest.raises(StorageError, match="no filing-monitor schema in it: run the daemon"):
        await Store.open_for_reading(database_url)
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    await engine.dispose()
    assert tables == []


async def test_reading_an_older_schema_says_to_start_the_daemon_and_reading_the_current_one_works(
    database_url: str,
) -> None:
    store = await Store.open(database_url)
    await store.close()
    reader = await Store.open_for_reading(database_url)
    assert await reader.count_filings() == 0
    await reader.close()
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    await engine.dispose()
    with pytest.raises(StorageError, match="at revision 0002, this release reads 0006: start the daemon once"):
        await Store.open_for_reading(database_url)


async def test_a_reader_cannot_write(database_url: str) -> None:
    store = await Store.open(database_url)
    await store.close()
    reader = await Store.open_for_reading(database_url)
    try:
        with pytest.raises(Exception, match=r"(?i)read.?only"):
            await reader.set_covered_at(utcnow())
    finally:
        await reader.close()


async def test_gap_rows_of_an_older_release_move_to_their_table_and_read_ones_are_dropped(database_url: str) -> None:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to("0003"))
        for name in ("gap:2026-11-20", "gap:2026-11-21"):
            await connection.execute(
                text("INSERT INTO poll_cursor (name, covered_at) VALUES (:n, CURRENT_TIMESTAMP)"), {"n": name}
            )
        await connection.execute(
            text("INSERT INTO index_days (day, form, done_at) VALUES ('2026-11-21', '8-K', CURRENT_TIMESTAMP)")
        )
    await engine.dispose()
    store = await Store.open(database_url)
    try:
        assert await store.gap_days() == [date(2026, 11, 20)]  # the 21st's index was read already
        assert await store.covered_at() is None  # no gap row is taken for the feed's high-water mark
    finally:
        await store.close()


UP_TO_DATE_START = """
import asyncio, sys
from storage.repository import Store

async def main() -> None:
    store = await Store.open(sys.argv[1])
    await store.close()

asyncio.run(main())
print("alembic" in sys.modules)
"""


def test_neither_a_first_start_nor_the_next_imports_alembic(tmp_path: Path) -> None:
    # Issue 23: Alembic (about 11 MB resident) was imported at every start, then at each first start
    # (bench (e) starts on a new database), though it is needed only to upgrade an older schema.
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    runs = [
        subprocess.run([sys.executable, "-c", UP_TO_DATE_START, url], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert [run.stdout.strip() for run in runs] == ["False", "False"], [run.stderr for run in runs]


async def test_the_migrations_reach_the_schema_a_first_start_creates_from_the_models(database_url: str) -> None:
    # A new database is made from the models, an older one upgraded by the migrations: a column added
    # to one and not the other would leave users of the two with different schemas.
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(upgrade_to("head"))
            assert await connection.run_sync(differences_from_the_models) == []
    finally:
        await engine.dispose()


async def test_a_database_created_from_the_models_is_one_alembic_knows_at_head(database_url: str) -> None:
    store = await Store.open(database_url)
    await store.close()
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(upgrade_to("head"))  # nothing to do, and no table made twice
            version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        assert version == [revisions()[1]]
    finally:
        await engine.dispose()

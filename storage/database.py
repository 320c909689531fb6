"""The async engine: SQLite (WAL, created on first use) or PostgreSQL; migrations applied at start-up."""

from __future__ import annotations

import logging
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, event, func, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.errors import SchemaError
from storage.tables import metadata

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 7_263_114  # any fixed number: instances sharing a PostgreSQL database migrate one at a time


def create_engine(url: str, read_only: bool = False) -> AsyncEngine:
    """The engine for a database URL; `read_only` for commands that only look (status, lists): they
    never create a file, a schema or a row, whatever database they are pointed at."""
    if read_only:
        return _read_only_engine(url)
    if url.startswith("sqlite"):
        location = url.partition(":///")[2]
        if location:
            Path(location).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=5)


def _read_only_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        location = url.partition(":///")[2]
        if not location or not Path(location).is_file():
            raise SchemaError("no database file there yet: run the daemon (filing-monitor run) with this config first")
        # Not SQLite's mode=ro: a read-only connection cannot recover the write-ahead log of a daemon
        # killed mid-write, and would refuse to read until the daemon ran again. query_only refuses
        # every change instead, while the connection may still tidy the log.
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_reading_pragmas)
        return engine
    server_settings = {"default_transaction_read_only": "on"}
    return create_async_engine(url, connect_args={"server_settings": server_settings}, pool_pre_ping=True)


def _sqlite_reading_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


async def check_schema(engine: AsyncEngine) -> None:
    """The schema is this release's; else a SchemaError saying what to do (nothing is changed here)."""
    async with engine.connect() as connection:
        present = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        version = None
        if "alembic_version" in present:
            version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    known, head = revisions()
    if version is None:
        raise SchemaError("no filing-monitor schema in it: run the daemon (filing-monitor run) with this config first")
    if version != head:
        if version in known:
            raise SchemaError(
                f"its schema is at revision {version}, this release reads {head}: start the daemon once to upgrade it"
            )
        raise SchemaError(
            f"its schema is at revision {version}, which this release does not know: a newer release made it"
        )


_REVISION = re.compile(r'^revision\s*=\s*"(\w+)"', re.M)
_DOWN_REVISION = re.compile(r'^down_revision\s*=\s*"(\w+)"', re.M)


@cache
def revisions() -> tuple[frozenset[str], str]:
    """Our migrations' revisions and the newest, read from their files: Alembic (11 MB of imports)
    is loaded only when a migration is due, not at every start."""
    known: set[str] = set()
    below: set[str] = set()
    for script in MIGRATIONS.joinpath("versions").glob("*.py"):
        text_of = script.read_text(encoding="utf-8")
        if found := _REVISION.search(text_of):
            known.add(found.group(1))
        if down := _DOWN_REVISION.search(text_of):
            below.add(down.group(1))
    heads = known - below
    if len(heads) != 1:
        raise SchemaError(f"the migrations in {MIGRATIONS} have {len(heads)} heads: {sorted(heads)}")
    return frozenset(known), heads.pop()


async def _schema_version(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        present = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        if "alembic_version" not in present:
            return None
        return (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL lets the daemon, `events list` and a backfill read while one of them writes.
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")  # first: the other pragmas may wait for a lock
    _write_ahead_log(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


WAL_WAIT_SECONDS = 30.0


def _write_ahead_log(cursor: Any) -> None:
    """Put the file in WAL mode (kept in the file: set once, by whoever comes first). Switching needs
    the file to itself, and SQLite answers "database is locked" at once, without waiting, while
    another process holds a write lock (a second instance migrating a new database): it is asked
    again until the switch is made, by us or by the other."""
    deadline = time.monotonic() + WAL_WAIT_SECONDS
    while True:
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as error:  # the driver's OperationalError, wrapped by the async adapter
            if "locked" not in str(error).lower() or time.monotonic() > deadline:
                raise
        time.sleep(0.05)


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there already), all or nothing."""
    if await _schema_version(engine) == revisions()[1]:
        return  # the usual start: nothing to do, and Alembic not imported
    if engine.dialect.name == "sqlite":
        await _migrate_sqlite(engine)
        return
    async with engine.begin() as connection:
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        await connection.run_sync(_repair_and_upgrade)


async def _migrate_sqlite(engine: AsyncEngine) -> None:
    """SQLite runs DDL transactionally, but Python's sqlite3 commits each CREATE TABLE on its own
    unless it is told to leave transactions to us: a kill mid-migration would leave half a schema.
    A connection of its own, in one BEGIN IMMEDIATE ... COMMIT, makes the migration all or nothing
    (and makes two instances starting at once migrate one after the other)."""
    migrating = create_async_engine(engine.url, connect_args={"timeout": 30})
    event.listen(migrating.sync_engine, "connect", _sqlite_pragmas)
    event.listen(migrating.sync_engine, "connect", _driver_leaves_transactions_to_us)
    event.listen(migrating.sync_engine, "begin", _begin_immediate)
    try:
        async with migrating.begin() as connection:
            await connection.run_sync(_repair_and_upgrade)
    finally:
        await migrating.dispose()


def _driver_leaves_transactions_to_us(connection: Any, _record: Any) -> None:
    connection.isolation_level = None


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# Alembic's own record of the revision, as Alembic makes it: a database created here from the models
# is one Alembic upgrades later like any other.
_ALEMBIC_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def _repair_and_upgrade(connection: Connection) -> None:
    _drop_half_made_schema(connection)
    if _holds_no_schema(connection):
        _create_at_head(connection)
    else:
        _upgrade_with_alembic(connection)


def _holds_no_schema(connection: Connection) -> bool:
    present = set(inspect(connection).get_table_names())
    if present & {table.name for table in metadata.sorted_tables}:
        return False
    return "alembic_version" not in present or connection.execute(select(_ALEMBIC_VERSION)).first() is None


def _create_at_head(connection: Connection) -> None:
    """A new database: the tables made from the models and stamped with the newest revision, as
    Alembic's cookbook advises. Running every migration from the first would import Alembic (about
    11 MB that the daemon would then keep for good) to reach the same schema; a test holds the two equal."""
    metadata.create_all(connection)
    _ALEMBIC_VERSION.create(connection, checkfirst=True)
    connection.execute(_ALEMBIC_VERSION.insert().values(version_num=revisions()[1]))


def _upgrade_with_alembic(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _drop_half_made_schema(connection: Connection) -> None:
    """Tables of ours without Alembic's record of them were left by an interrupted first start of an
    older release (its migrations were not atomic on SQLite). Empty, they are dropped and made anew;
    holding rows, they are reported: nothing is deleted that someone may need."""
    present = set(inspect(connection).get_table_names())
    if "alembic_version" in present and connection.execute(text("SELECT 1 FROM alembic_version")).first():
        return
    ours = [table for table in reversed(metadata.sorted_tables) if table.name in present]
    if not ours:
        return
    holding = [table.name for table in ours if connection.execute(select(func.count()).select_from(table)).scalar()]
    if holding:
        raise SchemaError(
            f"the database holds filing-monitor tables ({', '.join(sorted(holding))} with rows) but no record"
            " of their schema version: it was not made by filing-monitor, or was damaged; point [storage] url"
            " at another database, or move this one aside"
        )
    log.warning("the database held a half-made schema (an interrupted first start): made anew")
    for table in ours:
        table.drop(connection)

"""The async engine: SQLite (WAL, created on first use) or PostgreSQL; migrations applied at start-up."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 7_263_114  # any fixed number: instances sharing a PostgreSQL database migrate one at a time


class StorageError(Exception):
    """The database cannot be reached or used; the message names it with any password masked."""


def masked(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def async_url(url: str, base: Path) -> str:
    """A user's database URL in the form SQLAlchemy's async engine takes; relative SQLite paths start at `base`."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"{url!r} is not a URL (sqlite:///file.db or postgresql+asyncpg://user@host/db)")
    driver = scheme.split("+")[0]
    if driver == "sqlite":
        location = rest[1:] if rest.startswith("/") else rest
        if location in ("", ":memory:"):
            return "sqlite+aiosqlite://"
        path = Path(location)
        return f"sqlite+aiosqlite:///{path if path.is_absolute() else (base / path).resolve()}"
    if driver in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    raise ValueError(f"unsupported database {scheme!r}; use sqlite:/// or postgresql+asyncpg://")


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        location = url.partition(":///")[2]
        if location:
            Path(location).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=5)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL lets the daemon, `events list` and a backfill read while one of them writes.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there already)."""
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        await connection.run_sync(_upgrade)


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")

"""The connection every store part shares: sessions, transactions, the instance name in claims."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.errors import DatabaseVanished
from storage.tables import AlertRow, EventRow, FilingRow

DEFAULT_LEASE = timedelta(minutes=10)
LOOKUP_CHUNK = 500  # keeps IN (...) lists under every database's parameter limit


def _sqlite_file(engine: AsyncEngine) -> Path | None:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        return None
    return Path(database)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands back naive times for what was written in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Database:
    """One instance's connection; `instance` names it in the claims it takes on filings and alerts."""

    def __init__(self, engine: AsyncEngine, instance: str = "local", lease: timedelta = DEFAULT_LEASE) -> None:
        self.engine = engine
        self.instance = instance
        self.lease = lease
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        self._file = _sqlite_file(engine)
        self._identity = _identity(self._file) if self._file else None

    async def close(self) -> None:
        await self.engine.dispose()

    def check_same_file(self) -> None:
        """A SQLite file deleted or replaced under a running daemon would take every record of what
        was stored and alerted with it, and the daemon would go on writing into a ghost: fetching and
        alerting everything again after a restart. Raises DatabaseVanished when that happened."""
        if self._file is None:
            return
        now = _identity(self._file)
        if now != self._identity:
            what = "was deleted" if now is None else "was replaced by another file"
            raise DatabaseVanished(f"the database file {self._file} {what} while in use")

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        self.check_same_file()
        async with self._sessions() as session, session.begin():
            yield session

    def _takeable(self, table: type[FilingRow] | type[AlertRow], free: str, held: str) -> ColumnElement[bool]:
        """Rows anyone may claim: `free` ones, and `held` ones whose lease ran out (their instance died)
        or that this instance itself held in an earlier life (a restart under the same name)."""
        stale = or_(col(table.claimed_until) < utcnow(), col(table.claimed_by) == self.instance)
        return or_(col(table.status) == free, and_(col(table.status) == held, stale))

    async def _events_of(self, session: AsyncSession, filings: list[FilingRow]) -> dict[int, list[EventRow]]:
        grouped: dict[int, list[EventRow]] = {}
        ids = [f.id for f in filings if f.id is not None]
        for start in range(0, len(ids), LOOKUP_CHUNK):
            query = (
                select(EventRow)
                .where(col(EventRow.filing_id).in_(ids[start : start + LOOKUP_CHUNK]))
                .order_by(col(EventRow.id))
            )
            for event in (await session.exec(query)).all():
                grouped.setdefault(event.filing_id, []).append(event)
        return grouped

"""The connection every store part shares: sessions, transactions, the instance name in claims."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import AlertRow, EventRow, FilingRow

DEFAULT_LEASE = timedelta(minutes=10)
LOOKUP_CHUNK = 500  # keeps IN (...) lists under every database's parameter limit


def utcnow() -> datetime:
    return datetime.now(UTC)


class Database:
    """One instance's connection; `instance` names it in the claims it takes on filings and alerts."""

    def __init__(self, engine: AsyncEngine, instance: str = "local", lease: timedelta = DEFAULT_LEASE) -> None:
        self.engine = engine
        self.instance = instance
        self.lease = lease
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)

    async def close(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
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

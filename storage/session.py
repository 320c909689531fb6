"""The connection every store part shares: sessions, transactions, the instance name in claims."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy import event as orm_events
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Session, UOWTransaction
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


def _machine() -> str:
    """This host, and its process-id namespace: containers sharing a host name do not share pids."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").strip("pid:[]")
    except OSError:
        namespace = "0"
    return f"{socket.gethostname()[:30]}/{namespace[:12]}"


def process_claimant(name: str) -> str:
    """Who a claim belongs to: the configured instance name, this host and process, and a token of this
    process's life. Two processes on one config (cron's `run --once` beside the daemon, two daemons)
    are two claimants, so neither takes the other's claims for its own."""
    return f"{name[:30]}@{_machine()}:{os.getpid()}:{secrets.token_hex(4)}"


def dead_here(claimant: str, me: str) -> bool:
    """Whether a claimant was a process of this machine that has ended: its claims can be taken at
    once rather than after their lease (a restart takes up its earlier life's work). A claimant of
    another machine, or one we cannot tell about, is alive until its lease ends."""
    rest = claimant.rpartition("@")[2] if "@" in claimant else ""
    where, _, process = rest.partition(":")
    pid, _, _token = process.partition(":")
    if not rest or where != _machine() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return claimant != me  # our pid, another token: an earlier life of this process's pid (a container restart)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists, owned by someone else
    return False


@orm_events.listens_for(Session, "before_flush")
def _without_nul(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    """PostgreSQL's text refuses NUL (SQLite keeps it): a filer's company name with one would fail
    every store of its filing. Every row written loses its NULs, in text and in JSON alike."""
    for row in (*session.new, *session.dirty):
        table = getattr(row, "__table__", None)
        for column in table.columns if table is not None else ():
            value = getattr(row, column.key, None)
            cleaned = without_nul(value)
            if cleaned is not value:
                setattr(row, column.key, cleaned)


def without_nul(value: object) -> object:
    """`value` without NUL characters, the same object where it has none."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        items = [without_nul(v) for v in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        pairs = {without_nul(k): without_nul(v) for k, v in value.items()}
        changed = any(a is not b for a, b in zip(pairs.values(), value.values(), strict=True)) or list(pairs) != list(
            value
        )
        return pairs if changed else value
    return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands back naive times for what was written in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Database:
    """One instance's connection; `instance` names it in the claims it takes on filings and alerts."""

    def __init__(self, engine: AsyncEngine, instance: str = "local", lease: timedelta = DEFAULT_LEASE) -> None:
        self.engine = engine
        self.name = instance
        self.instance = process_claimant(instance)
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
        """Rows this process may claim: `free` ones, and `held` ones whose lease ran out (their process
        died, or was ended: see `expire_dead_claims`) or that this process itself holds."""
        stale = or_(col(table.claimed_until) < utcnow(), col(table.claimed_by) == self.instance)
        return or_(col(table.status) == free, and_(col(table.status) == held, stale))

    async def expire_dead_claims(self, held: dict[type[FilingRow] | type[AlertRow], str]) -> int:
        """End the leases of claims held by processes of this machine that are gone (an earlier life of
        this daemon, killed): their work is taken up now, not after the lease. Claims of a process that
        still runs (a daemon beside `run --once`) are left alone. The number of claims ended."""
        ended = 0
        for table, state in held.items():
            async with self._sessions() as session:
                query = select(table.claimed_by).where(col(table.status) == state).distinct()
                holders = [h for h in (await session.exec(query)).all() if h]
            dead = [h for h in holders if dead_here(h, self.instance) or _an_older_release(h, self.name)]
            if dead:
                async with self._transaction() as session:
                    result = await session.exec(
                        update(table)
                        .where(col(table.status) == state, col(table.claimed_by).in_(dead))
                        .values(claimed_until=utcnow() - timedelta(seconds=1))
                    )
                    ended += int(result.rowcount or 0)
        return ended

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


def _an_older_release(claimant: str, name: str) -> bool:
    """A claim written before claimants named their process (the bare instance name): this
    instance's earlier life, taken up as before."""
    return claimant == name[:100]

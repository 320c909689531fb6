"""Every read and write the daemon makes, each one short transaction with a name that says what it does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, func, or_, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from rules.events import Event
from storage.database import StorageError, async_url, create_engine, masked, migrate
from storage.tables import AlertRow, EventRow, FilingRow, IndexDay, PollCursor

DEFAULT_LEASE = timedelta(minutes=10)
FEED_CURSOR = "feed"
GAP_PREFIX = "gap:"
_LOOKUP_CHUNK = 500  # keeps IN (...) lists under every database's parameter limit


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class ProcessedFiling:
    """What one filing's processing produced: saved in one transaction with its events and alerts."""

    accession: str
    url: str
    cik: str | None
    form: str | None
    company: str | None
    filed: date | None
    events: list[Event]
    rules_version: str
    discovered_at: datetime | None = None
    fetched_at: datetime | None = None


@dataclass(slots=True)
class FilingWithEvents:
    filing: FilingRow
    events: list[EventRow]


@dataclass(slots=True)
class PendingAlert:
    alert: AlertRow
    filing: FilingRow
    events: list[EventRow]


class Store:
    """The database of one instance; `instance` names it in the claims it takes on filings and alerts."""

    def __init__(self, engine: AsyncEngine, instance: str = "local", lease: timedelta = DEFAULT_LEASE) -> None:
        self.engine = engine
        self.instance = instance
        self.lease = lease
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)

    @classmethod
    async def open(cls, url: str, instance: str = "local", lease: timedelta = DEFAULT_LEASE) -> Store:
        """Connect (creating a SQLite file on first use) and apply any pending migrations."""
        engine = create_engine(async_url(url, Path.cwd()))
        try:
            await migrate(engine)
        except (OSError, TimeoutError, SQLAlchemyError) as error:
            await engine.dispose()
            reason = getattr(error, "orig", None) or error
            raise StorageError(
                f"cannot open the database {masked(engine.url.render_as_string(False))}: {reason}"
            ) from None
        return cls(engine, instance, lease)

    async def close(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, session.begin():
            yield session

    # filings and events

    async def known(self, accessions: Iterable[str]) -> set[str]:
        """The accession numbers already stored, whatever their status."""
        wanted = list(dict.fromkeys(accessions))
        found: set[str] = set()
        async with self._sessions() as session:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                rows = await session.exec(select(FilingRow.accession).where(col(FilingRow.accession).in_(chunk)))
                found.update(rows.all())
        return found

    async def claim_filing(self, accession: str, cik: str, url: str, discovered_at: datetime | None) -> bool:
        """Take a filing to work on; False if it is done, given up, or another instance's live claim.

        Instances sharing a database each poll the same feed: the claim makes one of them fetch and
        process a filing, and a claim whose lease ran out (its instance died) may be taken over.
        """
        now = utcnow()
        try:
            async with self._transaction() as session:
                session.add(
                    FilingRow(
                        accession=accession,
                        url=url,
                        cik=cik,
                        status="claimed",
                        claimed_by=self.instance,
                        claimed_until=now + self.lease,
                        discovered_at=discovered_at,
                    )
                )
            return True
        except IntegrityError:
            pass
        takeable = or_(
            col(FilingRow.status) == "failed",
            and_(
                col(FilingRow.status) == "claimed",
                or_(col(FilingRow.claimed_until) < now, col(FilingRow.claimed_by) == self.instance),
            ),
        )
        async with self._transaction() as session:
            result = await session.exec(
                update(FilingRow)
                .where(col(FilingRow.accession) == accession, takeable)
                .values(status="claimed", claimed_by=self.instance, claimed_until=now + self.lease)
            )
            return bool(result.rowcount == 1)

    async def save_processed(self, processed: ProcessedFiling, destinations: list[str]) -> bool:
        """Store a filing, its events and its alerts at once; False if it was already stored.

        Two instances (or a retry racing a poll) may process the same filing: the unique accession,
        and the row lock on a failed filing being retried, let exactly one of them store it.
        """
        try:
            async with self._transaction() as session:
                row = await self._locked_filing(session, processed.accession)
                if row is not None and row.status == "done":
                    return False
                row = _filled(row, processed)
                session.add(row)
                await session.flush()
                assert row.id is not None
                session.add_all(_event_rows(row.id, processed))
                if processed.events:
                    now = utcnow()
                    session.add_all(
                        AlertRow(filing_id=row.id, destination=d, status="pending", created_at=now)
                        for d in destinations
                    )
            return True
        except IntegrityError:
            return False

    async def save_failure(
        self, accession: str, url: str, cik: str | None, error: str, max_attempts: int, discovered_at: datetime | None
    ) -> FilingRow | None:
        """Record a failed attempt; after `max_attempts` the filing is given up (kept, with its error)."""
        try:
            async with self._transaction() as session:
                row = await self._locked_filing(session, accession)
                if row is not None and row.status == "done":
                    return None
                if row is None:
                    row = FilingRow(accession=accession, url=url, cik=cik, status="failed", discovered_at=discovered_at)
                row.claimed_until = None
                row.attempts += 1
                row.error = error[:4000]
                row.status = "gave_up" if row.attempts >= max_attempts else "failed"
                session.add(row)
                return row
        except IntegrityError:
            return None

    async def _locked_filing(self, session: AsyncSession, accession: str) -> FilingRow | None:
        query = select(FilingRow).where(FilingRow.accession == accession).with_for_update()
        return (await session.exec(query)).first()

    async def retryable_filings(self, limit: int = 100) -> list[FilingRow]:
        """Failed filings, and claims whose instance died (lease over) or was this one in an earlier life."""
        stale_claim = and_(
            col(FilingRow.status) == "claimed",
            or_(col(FilingRow.claimed_until) < utcnow(), col(FilingRow.claimed_by) == self.instance),
        )
        async with self._sessions() as session:
            query = (
                select(FilingRow)
                .where(or_(col(FilingRow.status) == "failed", stale_claim))
                .order_by(col(FilingRow.id))
                .limit(limit)
            )
            return list((await session.exec(query)).all())

    async def filing(self, accession: str) -> FilingWithEvents | None:
        async with self._sessions() as session:
            row = (await session.exec(select(FilingRow).where(FilingRow.accession == accession))).first()
            if row is None:
                return None
            events = await self._events_of(session, [row])
        return FilingWithEvents(row, events.get(row.id or 0, []))

    async def filings_with_events(self, limit: int | None = None) -> list[FilingWithEvents]:
        """Stored filings that have at least one event, newest first."""
        async with self._sessions() as session:
            query = (
                select(FilingRow)
                .where(FilingRow.event_count > 0)
                .order_by(col(FilingRow.processed_at).desc(), col(FilingRow.id).desc())
            )
            if limit is not None:
                query = query.limit(limit)
            filings = list((await session.exec(query)).all())
            events = await self._events_of(session, filings)
        return [FilingWithEvents(f, events.get(f.id or 0, [])) for f in filings]

    async def all_filings(self) -> list[FilingWithEvents]:
        async with self._sessions() as session:
            filings = list((await session.exec(select(FilingRow).order_by(col(FilingRow.id)))).all())
            events = await self._events_of(session, filings)
        return [FilingWithEvents(f, events.get(f.id or 0, [])) for f in filings]

    async def _events_of(self, session: AsyncSession, filings: list[FilingRow]) -> dict[int, list[EventRow]]:
        grouped: dict[int, list[EventRow]] = {}
        ids = [f.id for f in filings if f.id is not None]
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            query = (
                select(EventRow)
                .where(col(EventRow.filing_id).in_(ids[start : start + _LOOKUP_CHUNK]))
                .order_by(col(EventRow.id))
            )
            for event in (await session.exec(query)).all():
                grouped.setdefault(event.filing_id, []).append(event)
        return grouped

    async def count_filings(self, status: str | None = None) -> int:
        async with self._sessions() as session:
            query = select(func.count()).select_from(FilingRow)
            if status is not None:
                query = query.where(FilingRow.status == status)
            return int((await session.exec(query)).one())

    # the poll cursor and finished index days

    async def covered_at(self) -> datetime | None:
        async with self._sessions() as session:
            row = await session.get(PollCursor, FEED_CURSOR)
            return row.covered_at if row else None

    async def set_covered_at(self, moment: datetime) -> None:
        async with self._transaction() as session:
            row = await session.get(PollCursor, FEED_CURSOR, with_for_update=True)
            if row is None:
                session.add(PollCursor(name=FEED_CURSOR, covered_at=moment))
            elif moment > row.covered_at:
                row.covered_at = moment
                session.add(row)

    async def mark_gap(self, day: date) -> None:
        """A day whose feed outran our polls: its daily index must be read once it is published."""
        name = f"{GAP_PREFIX}{day.isoformat()}"
        try:
            async with self._transaction() as session:
                if await session.get(PollCursor, name) is None:
                    session.add(PollCursor(name=name, covered_at=utcnow()))
        except IntegrityError:
            pass

    async def gap_days(self) -> list[date]:
        async with self._sessions() as session:
            names = (
                await session.exec(select(PollCursor.name).where(col(PollCursor.name).startswith(GAP_PREFIX)))
            ).all()
        return sorted(date.fromisoformat(n.removeprefix(GAP_PREFIX)) for n in names)

    async def done_forms(self, day: date) -> set[str]:
        async with self._sessions() as session:
            rows = await session.exec(select(IndexDay.form).where(IndexDay.day == day))
            return set(rows.all())

    async def mark_index_done(self, day: date, forms: Iterable[str]) -> None:
        missing = set(forms) - await self.done_forms(day)
        if not missing:
            return
        try:
            async with self._transaction() as session:
                session.add_all(IndexDay(day=day, form=form, done_at=utcnow()) for form in sorted(missing))
        except IntegrityError:
            pass  # another instance finished the same day first

    # the alert outbox

    async def pending_alerts(self, limit: int = 50) -> list[PendingAlert]:
        """Alerts not delivered yet (pending, or being sent), oldest first: what the outbox holds."""
        async with self._sessions() as session:
            query = (
                select(AlertRow.id)
                .where(col(AlertRow.status).in_(["pending", "sending"]))
                .order_by(col(AlertRow.id))
                .limit(limit)
            )
            ids = [i for i in (await session.exec(query)).all() if i is not None]
        return await self._alerts(ids)

    async def claim_alerts(self, limit: int = 50) -> list[PendingAlert]:
        """Take pending alerts to send (and 'sending' ones whose instance died); each goes to one instance."""
        now = utcnow()
        takeable = or_(
            col(AlertRow.status) == "pending",
            and_(
                col(AlertRow.status) == "sending",
                or_(col(AlertRow.claimed_until) < now, col(AlertRow.claimed_by) == self.instance),
            ),
        )
        async with self._sessions() as session:
            query = select(AlertRow.id).where(takeable).order_by(col(AlertRow.id)).limit(limit)
            candidates = list((await session.exec(query)).all())
        claimed: list[int] = []
        for alert_id in candidates:
            # One conditional update per alert: whoever changes the row first owns it, on SQLite and PostgreSQL.
            async with self._transaction() as session:
                result = await session.exec(
                    update(AlertRow)
                    .where(col(AlertRow.id) == alert_id, takeable)
                    .values(status="sending", claimed_by=self.instance, claimed_until=now + self.lease)
                )
                if result.rowcount == 1 and alert_id is not None:
                    claimed.append(alert_id)
        return await self._alerts(claimed)

    async def _alerts(self, ids: list[int]) -> list[PendingAlert]:
        if not ids:
            return []
        async with self._sessions() as session:
            query = (
                select(AlertRow, FilingRow)
                .join(FilingRow, col(FilingRow.id) == col(AlertRow.filing_id))
                .where(col(AlertRow.id).in_(ids))
                .order_by(col(AlertRow.id))
            )
            pairs = list((await session.exec(query)).all())
            events = await self._events_of(session, [f for _, f in pairs])
        return [PendingAlert(a, f, events.get(f.id or 0, [])) for a, f in pairs]

    async def mark_alert_sent(self, alert_id: int, external_id: str | None) -> None:
        async with self._transaction() as session:
            await session.exec(
                update(AlertRow)
                .where(col(AlertRow.id) == alert_id)
                .values(
                    status="sent",
                    sent_at=utcnow(),
                    external_id=external_id,
                    attempts=AlertRow.attempts + 1,
                    claimed_until=None,
                )
            )

    async def mark_alert_failed(self, alert_id: int, error: str, permanent: bool) -> None:
        async with self._transaction() as session:
            await session.exec(
                update(AlertRow)
                .where(col(AlertRow.id) == alert_id)
                .values(
                    status="failed" if permanent else "pending",
                    error=error[:4000],
                    attempts=AlertRow.attempts + 1,
                    claimed_until=None,
                )
            )


def _filled(row: FilingRow | None, processed: ProcessedFiling) -> FilingRow:
    row = row or FilingRow(accession=processed.accession, url=processed.url, status="done")
    row.url = processed.url
    row.cik = processed.cik
    row.form = processed.form
    row.company = processed.company
    row.filed = processed.filed
    row.discovered_at = row.discovered_at or processed.discovered_at
    row.fetched_at = processed.fetched_at
    row.processed_at = utcnow()
    row.status = "done"
    row.claimed_until = None
    row.error = None
    row.attempts += 1
    row.event_count = len(processed.events)
    row.rules_version = processed.rules_version
    return row


def _event_rows(filing_id: int, processed: ProcessedFiling) -> list[EventRow]:
    return [
        EventRow(
            filing_id=filing_id,
            type=e.type,
            rule=e.rule,
            fields=dict(e.fields),
            evidence=e.evidence,
            start_offset=e.start,
            end_offset=e.end,
            document=e.document or None,
            rules=list(e.rules),
            checks=list(e.checks),
            rules_version=processed.rules_version,
        )
        for e in processed.events
    ]

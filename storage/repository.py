"""Filings and their events: claimed, stored in one transaction with their alerts, listed.

Each method is one short transaction with a name that says what it does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from deals.facts import Recall
from rules.events import Event
from storage.database import check_schema, create_engine, migrate
from storage.deals import Deals, filing_facts
from storage.errors import StorageError
from storage.outbox import Outbox
from storage.progress import Progress
from storage.session import DEFAULT_LEASE, LOOKUP_CHUNK, aware, utcnow
from storage.states import TROUBLED_FILINGS, AlertState, FilingState
from storage.tables import AlertRow, EventRow, FilingRow, PollCursor
from storage.urls import async_url, masked

PING_WAIT_SECONDS = 1.5  # /readyz answers within 2 s: the check gives up before
SQLITE_BUSY_MILLISECONDS = 30_000  # what every connection waits for a lock otherwise (storage.database)


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
    accepted_at: datetime | None = None  # when the SEC accepted it (UTC)
    recall: Recall = field(default_factory=Recall)  # a registration's figures, for deals it may recall
    items: tuple[str, ...] = ()  # an 8-K's items


@dataclass(slots=True)
class FilingWithEvents:
    filing: FilingRow
    events: list[EventRow]
    deal_id: int | None = None  # the deal it is part of (`filings_with_events` reads it)


class Store(Progress, Outbox, Deals):
    """Every read and write of the daemon, in the parts of storage/: filings here, progress, outbox, deals."""

    @classmethod
    async def open(cls, url: str, instance: str = "local", lease: timedelta = DEFAULT_LEASE) -> Store:
        """Connect (creating a SQLite file on first use) and apply any pending migrations."""
        engine = create_engine(async_url(url, Path.cwd()))
        try:
            await migrate(engine)
            store = cls(engine, instance, lease)  # after the migration made the file: it knows the file
            await store.expire_dead_claims({FilingRow: FilingState.CLAIMED, AlertRow: AlertState.SENDING})
        except (OSError, TimeoutError, SQLAlchemyError, StorageError) as error:
            await engine.dispose()
            reason = getattr(error, "orig", None) or error
            raise StorageError(
                f"cannot open the database {masked(engine.url.render_as_string(False))}: {reason}"
            ) from None
        return store

    @classmethod
    async def open_for_reading(cls, url: str) -> Store:
        """Connect read-only to a database the daemon made, without creating or migrating anything."""
        try:
            engine = create_engine(async_url(url, Path.cwd()), read_only=True)
        except StorageError as error:
            raise StorageError(f"cannot read the database {masked(url)}: {error}") from None
        try:
            await check_schema(engine)
        except (OSError, TimeoutError, SQLAlchemyError, StorageError) as error:
            await engine.dispose()
            reason = getattr(error, "orig", None) or error
            raise StorageError(f"cannot read the database {masked(url)}: {reason}") from None
        return cls(engine)

    async def known(self, accessions: Iterable[str]) -> set[str]:
        """The accession numbers already stored, whatever their status."""
        wanted = list(dict.fromkeys(accessions))
        found: set[str] = set()
        async with self._sessions() as session:
            for start in range(0, len(wanted), LOOKUP_CHUNK):
                chunk = wanted[start : start + LOOKUP_CHUNK]
                rows = await session.exec(select(FilingRow.accession).where(col(FilingRow.accession).in_(chunk)))
                found.update(rows.all())
        return found

    async def claim_filing(self, accession: str, cik: str, url: str, discovered_at: datetime | None) -> bool:
        """Take a filing to work on; False if it is done, given up, or another instance's live claim.

        Instances sharing a database each poll the same feed: the claim makes one of them fetch and
        process a filing, and a claim whose lease ran out (its instance died) may be taken over.
        """
        until = utcnow() + self.lease
        row = FilingRow(accession=accession, url=url, cik=cik, status=FilingState.CLAIMED, discovered_at=discovered_at)
        row.claimed_by, row.claimed_until = self.instance, until
        if await self._insert(row):
            return True
        takeable = self._takeable(FilingRow, free=FilingState.FAILED, held=FilingState.CLAIMED)
        async with self._transaction() as session:
            result = await session.exec(
                update(FilingRow)
                .where(col(FilingRow.accession) == accession, takeable)
                .values(status=FilingState.CLAIMED, claimed_by=self.instance, claimed_until=until)
            )
            return bool(result.rowcount == 1)

    async def save_skipped(self, accession: str, cik: str, form: str, company: str, url: str, reason: str) -> None:
        """A filing deliberately not fetched: kept, so that polls count it as seen."""
        row = FilingRow(accession=accession, url=url, cik=cik, form=form, company=company, status=FilingState.SKIPPED)
        row.error, row.discovered_at = reason, utcnow()
        await self._insert(row)

    async def _insert(self, row: FilingRow) -> bool:
        """Add a new filing row; False if its accession is there already."""
        try:
            async with self._transaction() as session:
                session.add(row)
            return True
        except IntegrityError:
            return False

    async def save_processed(self, processed: ProcessedFiling, destinations: list[str], alerting: bool = True) -> bool:
        """Store a filing, its events, its place in a deal and its alerts at once; False if it was
        already stored. A filing without events that joins a deal (a resale registration of its
        shares) is alerted where the deal was, when `alerting`.

        Two instances (or a retry racing a poll) may process the same filing: the unique accession,
        and the row lock on a failed filing being retried, let exactly one of them store it.
        """
        try:
            async with self._transaction() as session:
                row = await self._locked_filing(session, processed.accession)
                if row is not None and row.status == FilingState.DONE:
                    return False
                row = _filled(row, processed)
                session.add(row)
                await session.flush()
                assert row.id is not None
                session.add_all(_event_rows(row.id, processed))
                facts = filing_facts(row, processed.events, processed.recall, processed.items)
                joined = await self._join_deal(session, row, facts)
                if not processed.events and joined is not None and alerting:
                    destinations = await self._deal_destinations(session, joined[0].id or 0)
                if processed.events or joined is not None:
                    now = utcnow()
                    session.add_all(
                        AlertRow(filing_id=row.id, destination=d, status=AlertState.PENDING, created_at=now)
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
                if row is not None and row.status == FilingState.DONE:
                    return None
                if row is None:
                    row = FilingRow(
                        accession=accession, url=url, cik=cik, status=FilingState.FAILED, discovered_at=discovered_at
                    )
                row.claimed_until = None
                row.attempts += 1
                row.error = error[:4000]
                row.status = FilingState.GAVE_UP if row.attempts >= max_attempts else FilingState.FAILED
                session.add(row)
                return row
        except IntegrityError:
            return None

    async def _locked_filing(self, session: AsyncSession, accession: str) -> FilingRow | None:
        query = select(FilingRow).where(FilingRow.accession == accession).with_for_update()
        return (await session.exec(query)).first()

    async def retryable_filings(self, limit: int = 100) -> list[FilingRow]:
        """Failed filings, and claims whose instance died (lease over) or was this one in an earlier life."""
        async with self._sessions() as session:
            query = (
                select(FilingRow)
                .where(self._takeable(FilingRow, free=FilingState.FAILED, held=FilingState.CLAIMED))
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

    async def filings_with_events(
        self, limit: int | None = None, types: list[str] | None = None, filed_since: date | None = None
    ) -> list[FilingWithEvents]:
        """Stored filings with at least one event (of `types`, if given; only those shown), newest first."""
        query = select(FilingRow).where(FilingRow.event_count > 0)
        if types:
            having = select(EventRow.filing_id).where(col(EventRow.type).in_(types))
            query = query.where(col(FilingRow.id).in_(having))
        if filed_since is not None:
            query = query.where(col(FilingRow.filed) >= filed_since)
        # Newest first by the date the list shows, the filing's; then as processed.
        query = query.order_by(
            col(FilingRow.filed).desc().nulls_last(), col(FilingRow.processed_at).desc(), col(FilingRow.id).desc()
        )
        if limit is not None:
            query = query.limit(limit)
        async with self._sessions() as session:
            filings = list((await session.exec(query)).all())
            events = await self._events_of(session, filings)
        deals = await self.deal_ids_of([f.id for f in filings if f.id is not None])
        return [
            FilingWithEvents(
                f, [e for e in events.get(f.id or 0, []) if not types or e.type in types], deals.get(f.id or 0)
            )
            for f in filings
        ]

    async def all_filings(self) -> list[FilingWithEvents]:
        async with self._sessions() as session:
            filings = list((await session.exec(select(FilingRow).order_by(col(FilingRow.id)))).all())
            events = await self._events_of(session, filings)
        return [FilingWithEvents(f, events.get(f.id or 0, [])) for f in filings]

    async def filings_in_range(
        self, since: date, until: date | None = None, forms: list[str] | None = None
    ) -> list[FilingWithEvents]:
        """Processed filings filed from `since` to `until` (of `forms`, if given), oldest first: what
        `rules replay` runs the rules over again."""
        query = select(FilingRow).where(FilingRow.status == FilingState.DONE, col(FilingRow.filed) >= since)
        if until is not None:
            query = query.where(col(FilingRow.filed) <= until)
        if forms:
            query = query.where(col(FilingRow.form).in_(forms))
        query = query.order_by(col(FilingRow.filed), col(FilingRow.id))
        async with self._sessions() as session:
            filings = list((await session.exec(query)).all())
            events = await self._events_of(session, filings)
        return [FilingWithEvents(f, events.get(f.id or 0, [])) for f in filings]

    async def replace_events(
        self, accession: str, events: list[Event], rules_version: str, destinations: list[str]
    ) -> bool:
        """A filing's events as new rules find them, at once; alerts to `destinations` too when the
        filing now has events and was never alerted (an alert goes at most once per destination).
        True when alerts were added."""
        async with self._transaction() as session:
            row = await self._locked_filing(session, accession)
            if row is None or row.id is None:
                return False
            for old in (await session.exec(select(EventRow).where(EventRow.filing_id == row.id))).all():
                await session.delete(old)
            processed = ProcessedFiling(
                accession, row.url, row.cik, row.form, row.company, row.filed, events, rules_version
            )
            session.add_all(_event_rows(row.id, processed))
            row.event_count = len(events)
            row.rules_version = rules_version
            session.add(row)
            alerted = (await session.exec(select(AlertRow.id).where(AlertRow.filing_id == row.id))).first()
            if not events or alerted is not None or not destinations:
                return False
            now = utcnow()
            session.add_all(
                AlertRow(filing_id=row.id, destination=d, status=AlertState.PENDING, created_at=now)
                for d in destinations
            )
            return True

    async def status_counts(self) -> dict[str, int]:
        """How many filings are in each status: done, failed, gave_up, claimed, skipped."""
        async with self._sessions() as session:
            query = select(FilingRow.status, func.count()).group_by(col(FilingRow.status))
            return {status: int(count) for status, count in (await session.exec(query)).all()}

    async def ping(self, wait_seconds: float = PING_WAIT_SECONDS) -> None:
        """A write that changes nothing: raises when the database would not take the daemon's writes
        within `wait_seconds`. A read would not tell: SQLite's WAL readers pass another process's
        lock. It gives up by itself rather than being cancelled: a cancelled write leaves its
        connection to be reset mid-transaction as the daemon stops (a traceback in the log)."""
        self.check_same_file()
        milliseconds = int(wait_seconds * 1000)
        async with self.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            wait = f"PRAGMA busy_timeout={milliseconds}" if sqlite else f"SET LOCAL lock_timeout = {milliseconds}"
            try:
                await connection.exec_driver_sql(wait)
                await connection.execute(update(PollCursor).where(col(PollCursor.name) == "").values(name=""))
                await connection.commit()
            finally:
                await connection.rollback()
                if sqlite:
                    await connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MILLISECONDS}")
                    await connection.commit()

    async def lags_since(self, since: datetime) -> list[float]:
        """Seconds from SEC acceptance to stored, for the filings stored since `since` whose
        acceptance time is known (the lag `status` reports as percentiles)."""
        async with self._sessions() as session:
            query = select(FilingRow.accepted_at, FilingRow.processed_at).where(
                col(FilingRow.processed_at) >= since,
                col(FilingRow.accepted_at).is_not(None),
                col(FilingRow.status) == FilingState.DONE,
            )
            rows = (await session.exec(query)).all()
        return [(aware(stored) - aware(accepted)).total_seconds() for accepted, stored in rows if accepted and stored]

    async def newest_accepted(self) -> FilingRow | None:
        """The stored filing the SEC accepted last: how far behind the SEC the daemon is."""
        async with self._sessions() as session:
            query = (
                select(FilingRow)
                .where(col(FilingRow.accepted_at).is_not(None), col(FilingRow.status) == FilingState.DONE)
                .order_by(col(FilingRow.accepted_at).desc())
                .limit(1)
            )
            return (await session.exec(query)).first()

    async def troubled_filings(self, limit: int = 20) -> list[FilingRow]:
        """Filings that failed (to be retried) or were given up, newest first, with their errors."""
        async with self._sessions() as session:
            query = (
                select(FilingRow)
                .where(col(FilingRow.status).in_(TROUBLED_FILINGS))
                .order_by(col(FilingRow.id).desc())
                .limit(limit)
            )
            return list((await session.exec(query)).all())

    async def count_filings(self, status: str | None = None) -> int:
        async with self._sessions() as session:
            query = select(func.count()).select_from(FilingRow)
            if status is not None:
                query = query.where(FilingRow.status == status)
            return int((await session.exec(query)).one())


def _filled(row: FilingRow | None, processed: ProcessedFiling) -> FilingRow:
    row = row or FilingRow(accession=processed.accession, url=processed.url, status=FilingState.DONE)
    row.url = processed.url
    row.cik = processed.cik
    row.form = processed.form
    row.company = processed.company
    row.filed = processed.filed
    row.discovered_at = row.discovered_at or processed.discovered_at
    row.accepted_at = processed.accepted_at
    row.fetched_at = processed.fetched_at
    row.processed_at = utcnow()
    row.status = FilingState.DONE
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

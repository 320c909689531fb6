"""The alert outbox: written with a filing's events, claimed by one instance, marked after delivery."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import col, select

from storage.session import Database, utcnow
from storage.tables import AlertRow, EventRow, FilingRow


@dataclass(slots=True)
class PendingAlert:
    alert: AlertRow
    filing: FilingRow
    events: list[EventRow]


class Outbox(Database):
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
        takeable = self._takeable(AlertRow, free="pending", held="sending")
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

    async def alert_counts(self) -> dict[str, int]:
        async with self._sessions() as session:
            query = select(AlertRow.status, func.count()).group_by(col(AlertRow.status))
            return {status: int(count) for status, count in (await session.exec(query)).all()}

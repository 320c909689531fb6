"""The alert outbox: written with a filing's events, claimed by one instance, marked after delivery."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import col, select

from storage.deals import DealLink, Deals
from storage.session import utcnow
from storage.states import DELIVERABLE_ALERTS, AlertState
from storage.tables import AlertRow, EventRow, FilingRow


@dataclass(slots=True)
class PendingAlert:
    alert: AlertRow
    filing: FilingRow
    events: list[EventRow]
    deal: DealLink | None = None  # the deal the filing is part of, with its filings so far


class Outbox(Deals):
    async def pending_alerts(self, limit: int = 50) -> list[PendingAlert]:
        """Alerts not delivered yet (pending, or being sent), oldest first: what the outbox holds."""
        async with self._sessions() as session:
            query = (
                select(AlertRow.id)
                .where(col(AlertRow.status).in_(DELIVERABLE_ALERTS))
                .order_by(col(AlertRow.id))
                .limit(limit)
            )
            ids = [i for i in (await session.exec(query)).all() if i is not None]
        return await self._alerts(ids)

    async def oldest_unsent(self) -> dict[str, datetime]:
        """Per destination, when its oldest undelivered alert was written: a digest is due after its wait."""
        async with self._sessions() as session:
            query = (
                select(AlertRow.destination, func.min(AlertRow.created_at))
                .where(col(AlertRow.status).in_(DELIVERABLE_ALERTS))
                .group_by(col(AlertRow.destination))
            )
            return {d: _aware(t) for d, t in (await session.exec(query)).all() if t is not None}

    async def claim_alerts(
        self, limit: int = 50, skip: Collection[str] = (), only: str | None = None, held_back: Collection[int] = ()
    ) -> list[PendingAlert]:
        """Take alerts to send (pending ones, and 'sending' ones whose instance died), oldest first;
        each goes to one instance. `skip` leaves destinations that must wait (rate limit, digest);
        `held_back`, alerts this pass already put off (a reply whose deal message is not out yet)."""
        now = utcnow()
        takeable = self._takeable(AlertRow, free=AlertState.PENDING, held=AlertState.SENDING)
        query = select(AlertRow.id).where(takeable)
        if held_back:
            query = query.where(col(AlertRow.id).not_in(list(held_back)))
        if skip:
            query = query.where(col(AlertRow.destination).not_in(list(skip)))
        if only is not None:
            query = query.where(col(AlertRow.destination) == only)
        async with self._sessions() as session:
            candidates = list((await session.exec(query.order_by(col(AlertRow.id)).limit(limit))).all())
        claimed: list[int] = []
        for alert_id in candidates:
            # One conditional update per alert: whoever changes the row first owns it, on SQLite and PostgreSQL.
            async with self._transaction() as session:
                result = await session.exec(
                    update(AlertRow)
                    .where(col(AlertRow.id) == alert_id, takeable)
                    .values(status=AlertState.SENDING, claimed_by=self.instance, claimed_until=now + self.lease)
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
            deals = await self.links_of(session, [f.id for _, f in pairs if f.id is not None])
        return [PendingAlert(a, f, events.get(f.id or 0, []), deals.get(f.id or 0)) for a, f in pairs]

    async def mark_send_started(self, alert_ids: Sequence[int], thread_ts: str | None = None) -> datetime:
        """The idempotency record, committed before the send: after a crash, look before sending again
        (a reply: in the thread it went to)."""
        started = utcnow()
        async with self._transaction() as session:
            await session.exec(
                update(AlertRow)
                .where(col(AlertRow.id).in_(list(alert_ids)))
                .values(send_started_at=started, thread_ts=thread_ts)
            )
        return started

    async def mark_alert_sent(
        self, alert_ids: Sequence[int], external_id: str | None, delivered_to: str | None = None
    ) -> None:
        async with self._transaction() as session:
            await session.exec(
                update(AlertRow)
                .where(col(AlertRow.id).in_(list(alert_ids)))
                .values(
                    status=AlertState.SENT,
                    sent_at=utcnow(),
                    external_id=external_id,
                    delivered_to=delivered_to,
                    error=None,
                    attempts=AlertRow.attempts + 1,
                    claimed_until=None,
                )
            )

    async def mark_alert_failed(
        self, alert_ids: Sequence[int], error: str, permanent: bool, maybe_delivered: bool = False
    ) -> None:
        """Failed for good, or to be retried by this instance (it keeps the claim: another instance,
        perhaps still failing for an old reason, does not take the alert meanwhile). Unless the send may
        have landed anyway (a timeout), the idempotency record is cleared: nothing to look up first."""
        values: dict[str, object] = {
            "status": AlertState.FAILED if permanent else AlertState.SENDING,
            "error": error[:4000],
            "attempts": AlertRow.attempts + 1,
            "claimed_until": None if permanent else utcnow() + self.lease,
        }
        if not maybe_delivered:
            values["send_started_at"] = None
        async with self._transaction() as session:
            await session.exec(update(AlertRow).where(col(AlertRow.id).in_(list(alert_ids))).values(**values))

    async def release_alerts(self, alert_ids: Sequence[int] | None = None) -> None:
        """Give this instance's claimed alerts (the given ones, or all) back to the outbox for anyone;
        an uncertain send keeps its record, so whoever takes it looks it up first."""
        query = update(AlertRow).where(
            col(AlertRow.status) == AlertState.SENDING, col(AlertRow.claimed_by) == self.instance
        )
        if alert_ids is not None:
            query = query.where(col(AlertRow.id).in_(list(alert_ids)))
        async with self._transaction() as session:
            await session.exec(query.values(status=AlertState.PENDING, claimed_until=None))

    async def requeue_failed(self, alert_ids: Sequence[int] = ()) -> list[int]:
        """Failed alerts (all, or the given ones) taken back by this instance to be sent at once:
        claimed, so that a daemon still failing for the old reason cannot fail them again first."""
        query = select(AlertRow.id).where(col(AlertRow.status) == AlertState.FAILED)
        if alert_ids:
            query = query.where(col(AlertRow.id).in_(list(alert_ids)))
        async with self._transaction() as session:
            ids = [i for i in (await session.exec(query)).all() if i is not None]
            if ids:
                await session.exec(
                    update(AlertRow)
                    .where(col(AlertRow.id).in_(ids), col(AlertRow.status) == AlertState.FAILED)
                    .values(status=AlertState.SENDING, claimed_by=self.instance, claimed_until=utcnow() + self.lease)
                )
        return ids

    async def list_alerts(self, statuses: Collection[str], limit: int = 100) -> list[tuple[AlertRow, FilingRow]]:
        """Alerts in the given states with their filings, newest first."""
        async with self._sessions() as session:
            query = (
                select(AlertRow, FilingRow)
                .join(FilingRow, col(FilingRow.id) == col(AlertRow.filing_id))
                .where(col(AlertRow.status).in_(list(statuses)))
                .order_by(col(AlertRow.id).desc())
                .limit(limit)
            )
            return list((await session.exec(query)).all())

    async def alert_counts(self) -> dict[str, int]:
        async with self._sessions() as session:
            query = select(AlertRow.status, func.count()).group_by(col(AlertRow.status))
            return {status: int(count) for status, count in (await session.exec(query)).all()}

    async def alert_counts_by_destination(self) -> dict[str, dict[str, int]]:
        """Alerts by destination, then status: the console's and Slack's are not one count."""
        async with self._sessions() as session:
            query = select(AlertRow.destination, AlertRow.status, func.count()).group_by(
                col(AlertRow.destination), col(AlertRow.status)
            )
            counts: dict[str, dict[str, int]] = {}
            for destination, status, count in (await session.exec(query)).all():
                counts.setdefault(destination, {})[status] = int(count)
            return counts


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes from aggregates; every time we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)

"""Deals in the database: a filing joins one as it is stored (in the same transaction), and the
commands and the outbox read them. Which deal a filing joins is decided in deals/matching.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from deals.facts import DealFiling, FilingFacts, OpenDeal, Recall, Term
from deals.matching import RECALL_WINDOW_DAYS, deal_size, decide, merged_terms, what_it_adds
from rules.events import Event
from storage.session import Database, utcnow
from storage.states import AlertState
from storage.tables import AlertRow, DealFilingRow, DealRow, FilingRow

MAX_OPEN_DEALS = 20  # an issuer's newest deals a filing is compared with


@dataclass(slots=True)
class DealLink:
    """A filing's place in its deal: the deal, the filing's part, what it adds, and whether it opened it."""

    deal: DealRow
    part: str
    adds: str
    reason: str
    first: bool
    filings: list[tuple[DealFilingRow, FilingRow]]
    size_change: float | None = None


@dataclass(slots=True)
class DealWithFilings:
    deal: DealRow
    filings: list[tuple[DealFilingRow, FilingRow]]


def filing_facts(row: FilingRow, events: Sequence[Event], recall: Recall, items: tuple[str, ...]) -> FilingFacts:
    terms = tuple(Term(e.type, dict(e.fields), e.evidence) for e in events)
    return FilingFacts(row.accession, row.form or "", row.filed, terms, recall, items)


class Deals(Database):
    async def _join_deal(
        self, session: AsyncSession, row: FilingRow, facts: FilingFacts
    ) -> tuple[DealRow, DealFilingRow] | None:
        """Put a stored filing in its deal (an open one it agrees with, or a new one), inside the
        caller's transaction; None for a filing that is in no deal (no events, recalls none)."""
        if not row.cik or row.id is None:
            return None
        await self._lock_issuer(session, row.cik)
        open_deals = await self._open_deals(session, row.cik, row.filed, exclude=row.id)
        decision = decide(facts, [view for view, _ in open_deals])
        now = utcnow()
        if decision.deal_id is None and not decision.opens:
            return None
        if decision.deal_id is None:
            deal = DealRow(
                cik=row.cik, company=row.company, key=row.accession, kind=_kind(facts),
                terms={}, opened_at=now, updated_at=now, first_filed=row.filed, last_filed=row.filed,
            )  # fmt: skip
            view = None
        else:
            view, deal = next((v, d) for v, d in open_deals if v.id == decision.deal_id)
        adds = what_it_adds(decision, facts, view)
        size_before = deal_size(deal.terms)
        deal.terms = merged_terms(deal.terms, facts.terms)
        size_after = deal_size(deal.terms)
        deal.filing_count += 1
        deal.updated_at = now
        if row.filed is not None:
            deal.last_filed = max(deal.last_filed or row.filed, row.filed)
            deal.first_filed = min(deal.first_filed or row.filed, row.filed)
        session.add(deal)
        await session.flush()
        assert deal.id is not None
        link = DealFilingRow(
            deal_id=deal.id, filing_id=row.id, part=decision.part, reason=decision.reason, adds=adds, joined_at=now
        )
        if view is not None and size_before and size_after is not None:
            link.size_change = round((size_after - size_before) / size_before * 100, 2)
        session.add(link)
        return deal, link

    async def rebuild_deals(self, replayed: dict[str, Recall]) -> int:
        """Deals made again after `rules replay --apply` changed events: every deal holding a
        replayed filing is undone, and its filings and the replayed ones join deals again, oldest
        first, from their events now (`replayed`: accession -> what the replay read of a filing
        without events). The number of filings placed in a deal."""
        async with self._transaction() as session:
            rows = list(
                (await session.exec(select(FilingRow).where(col(FilingRow.accession).in_(list(replayed))))).all()
            )
            deal_ids = await self._deals_near(session, rows)
            links = await self._deal_filings(session, deal_ids) if deal_ids else []
            for link, _ in links:
                await session.delete(link)
            for deal_id in deal_ids:
                deal = await session.get(DealRow, deal_id)
                if deal is not None:
                    await session.delete(deal)
            await session.flush()
            again = {r.id: r for r in rows} | {f.id: f for _, f in links}
            ordered = sorted(again.values(), key=lambda f: (f.filed or date.min, f.id or 0))
            events = await self._events_of(session, ordered)
            placed = 0
            for row in ordered:
                stored = [
                    Event(e.type, e.rule, e.fields, e.evidence, e.start_offset, e.end_offset, e.document or "")
                    for e in events.get(row.id or 0, [])
                ]
                facts = filing_facts(row, stored, replayed.get(row.accession, Recall()), ())
                placed += await self._join_deal(session, row, facts) is not None
        return placed

    async def _deals_near(self, session: AsyncSession, rows: Sequence[FilingRow]) -> list[int]:
        """The deals a replayed filing could have joined: its issuer's, within reach of its date."""
        days = [r.filed for r in rows if r.filed is not None]
        ciks = sorted({r.cik for r in rows if r.cik})
        if not ciks:
            return []
        query = select(DealRow.id).where(col(DealRow.cik).in_(ciks))
        if days:
            reach = timedelta(days=RECALL_WINDOW_DAYS)
            query = query.where(
                func.coalesce(DealRow.last_filed, min(days)) >= min(days) - reach,
                func.coalesce(DealRow.first_filed, max(days)) <= max(days) + reach,
            )
        return sorted(i for i in (await session.exec(query)).all() if i is not None)

    async def _lock_issuer(self, session: AsyncSession, cik: str) -> None:
        """Instances sharing PostgreSQL decide one issuer's filings one at a time: two filings of a
        new deal stored at once would otherwise each open it. (SQLite has one writer anyway.)"""
        if self.engine.dialect.name == "postgresql":
            await session.exec(select(func.pg_advisory_xact_lock(func.hashtext(f"deal:{cik}"))))

    async def _open_deals(
        self, session: AsyncSession, cik: str, filed: date | None, exclude: int
    ) -> list[tuple[OpenDeal, DealRow]]:
        query = select(DealRow).where(DealRow.cik == cik)
        if filed is not None:
            reach = filed - timedelta(days=RECALL_WINDOW_DAYS)
            query = query.where(func.coalesce(DealRow.last_filed, filed) >= reach)
        newest = col(DealRow.last_filed).desc().nulls_last(), col(DealRow.id).desc()
        deals = list((await session.exec(query.order_by(*newest).limit(MAX_OPEN_DEALS))).all())
        # One query for every deal's filings, not one a deal: this runs as each filing is stored.
        rows = await self._deal_filings(session, [d.id for d in deals if d.id is not None]) if deals else []
        found: list[tuple[OpenDeal, DealRow]] = []
        for deal in deals:
            assert deal.id is not None
            filings = tuple(
                DealFiling(f.accession, f.form or "", f.filed, link.part)
                for link, f in rows
                if link.deal_id == deal.id and f.id != exclude
            )
            found.append((OpenDeal(deal.id, deal.terms, filings), deal))
        return found

    async def _deal_filings(
        self, session: AsyncSession, deal_ids: Sequence[int]
    ) -> list[tuple[DealFilingRow, FilingRow]]:
        query = (
            select(DealFilingRow, FilingRow)
            .join(FilingRow, col(FilingRow.id) == col(DealFilingRow.filing_id))
            .where(col(DealFilingRow.deal_id).in_(list(deal_ids)))
            .order_by(col(DealFilingRow.id))
        )
        return list((await session.exec(query)).all())

    async def _deal_destinations(self, session: AsyncSession, deal_id: int) -> list[str]:
        """Where the deal's earlier filings were alerted: a filing that only recalls it replies there."""
        query = (
            select(AlertRow.destination)
            .join(DealFilingRow, col(DealFilingRow.filing_id) == col(AlertRow.filing_id))
            .where(DealFilingRow.deal_id == deal_id)
            .distinct()
        )
        return sorted((await session.exec(query)).all())

    async def links_of(self, session: AsyncSession, filing_ids: Sequence[int]) -> dict[int, DealLink]:
        """filing id -> its deal, its part, and the deal's filings (for a thread's reply and update)."""
        if not filing_ids:
            return {}
        query = (
            select(DealFilingRow, DealRow)
            .join(DealRow, col(DealRow.id) == col(DealFilingRow.deal_id))
            .where(col(DealFilingRow.filing_id).in_(list(filing_ids)))
        )
        pairs = list((await session.exec(query)).all())
        deal_filings = await self._deal_filings(session, sorted({d.id for _, d in pairs if d.id is not None}))
        links: dict[int, DealLink] = {}
        for link, deal in pairs:
            filings = [(df, f) for df, f in deal_filings if df.deal_id == deal.id]
            first = bool(filings) and filings[0][0].filing_id == link.filing_id
            links[link.filing_id] = DealLink(deal, link.part, link.adds, link.reason, first, filings, link.size_change)
        return links

    async def list_deals(
        self,
        limit: int | None = 50,
        cik: str | None = None,
        kind: str | None = None,
        since: date | None = None,
    ) -> list[DealWithFilings]:
        """Deals newest first (by their last filing), with their filings."""
        query = select(DealRow)
        if cik:
            query = query.where(DealRow.cik == cik.lstrip("0"))
        if kind:
            query = query.where(col(DealRow.kind).contains(kind))
        if since is not None:
            query = query.where(col(DealRow.last_filed) >= since)
        query = query.order_by(col(DealRow.last_filed).desc().nulls_last(), col(DealRow.id).desc())
        if limit is not None:
            query = query.limit(limit)
        async with self._sessions() as session:
            deals = list((await session.exec(query)).all())
            rows = await self._deal_filings(session, [d.id for d in deals if d.id is not None])
        return [DealWithFilings(d, [(df, f) for df, f in rows if df.deal_id == d.id]) for d in deals]

    async def deal(self, deal_id: int) -> DealWithFilings | None:
        async with self._sessions() as session:
            row = await session.get(DealRow, deal_id)
            if row is None:
                return None
            return DealWithFilings(row, await self._deal_filings(session, [deal_id]))

    async def deal_ids_of(self, filing_ids: Sequence[int]) -> dict[int, int]:
        """filing id -> its deal's id, for the lists that name the deal."""
        if not filing_ids:
            return {}
        async with self._sessions() as session:
            query = select(DealFilingRow.filing_id, DealFilingRow.deal_id).where(
                col(DealFilingRow.filing_id).in_(list(filing_ids))
            )
            return dict((await session.exec(query)).all())

    async def thread_of(self, alert_id: int, deal_id: int, destination: str) -> tuple[str, str | None]:
        """Where an alert of a deal's later filing goes at its destination: ("reply", the deal
        message's ts), ("wait", None) while an earlier alert of the deal there is undelivered, or
        ("parent", None) when it is the deal's first message there."""
        async with self._sessions() as session:
            query = (
                select(AlertRow)
                .join(DealFilingRow, col(DealFilingRow.filing_id) == col(AlertRow.filing_id))
                .where(
                    DealFilingRow.deal_id == deal_id,
                    AlertRow.destination == destination,
                    col(AlertRow.id) < alert_id,
                )
                .order_by(col(AlertRow.id))
            )
            earlier = list((await session.exec(query)).all())
        for row in earlier:
            if row.status == AlertState.SENT and row.external_id:
                return "reply", row.external_id
        if any(row.status in (AlertState.PENDING, AlertState.SENDING) for row in earlier):
            return "wait", None
        return "parent", None


def _kind(facts: FilingFacts) -> str:
    return ",".join(sorted(dict.fromkeys(t.type for t in facts.terms)))

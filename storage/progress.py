"""How far the daemon has come: the feed's high-water mark, gap days, and finished index days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.session import Database, utcnow
from storage.tables import IndexDay, PollCursor

FEED_CURSOR = "feed"
GAP_PREFIX = "gap:"


class Progress(Database):
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

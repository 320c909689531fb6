"""How far the daemon has come: the feed's high-water mark, gap days (until read), finished index days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.session import Database, utcnow
from storage.tables import GapDay, IndexDay, PollCursor

FEED_CURSOR = "feed"


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
        try:
            async with self._transaction() as session:
                if await session.get(GapDay, day) is None:
                    session.add(GapDay(day=day, marked_at=utcnow()))
        except IntegrityError:
            pass  # another instance marked it first

    async def gap_days(self) -> list[date]:
        """Gap days whose index has not been read yet."""
        async with self._sessions() as session:
            return sorted(row.day for row in (await session.exec(select(GapDay))).all())

    async def done_forms(self, day: date) -> set[str]:
        async with self._sessions() as session:
            rows = await session.exec(select(IndexDay.form).where(IndexDay.day == day))
            return set(rows.all())

    async def mark_index_done(self, day: date, forms: Iterable[str]) -> None:
        """The day's index is read for these forms (every form still wanted): a gap on that day is filled."""
        missing = set(forms) - await self.done_forms(day)
        try:
            async with self._transaction() as session:
                session.add_all(IndexDay(day=day, form=form, done_at=utcnow()) for form in sorted(missing))
                await session.exec(delete(GapDay).where(col(GapDay.day) == day))
        except IntegrityError:
            pass  # another instance finished the same day first (and filled its gap)

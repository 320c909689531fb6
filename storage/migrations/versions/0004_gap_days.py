"""Gap days in a table of their own, deleted once their index is read (they were "gap:" rows of
poll_cursor, kept forever).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_cursor = sa.table("poll_cursor", sa.column("name", sa.String), sa.column("covered_at", sa.DateTime(timezone=True)))
_index = sa.table("index_days", sa.column("day", sa.Date))


def upgrade() -> None:
    gaps = op.create_table(
        "gap_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(_cursor.c.name, _cursor.c.covered_at).where(_cursor.c.name.like("gap:%")))
    read = set(connection.execute(sa.select(_index.c.day).distinct()).scalars())
    unread = [
        {"day": day, "marked_at": marked}
        for name, marked in rows
        if (day := date.fromisoformat(name.removeprefix("gap:"))) not in read
    ]
    if unread:
        op.bulk_insert(gaps, unread)
    connection.execute(sa.delete(_cursor).where(_cursor.c.name.like("gap:%")))


def downgrade() -> None:
    connection = op.get_bind()
    gaps = sa.table("gap_days", sa.column("day", sa.Date), sa.column("marked_at", sa.DateTime(timezone=True)))
    rows = connection.execute(sa.select(gaps.c.day, gaps.c.marked_at)).all()
    if rows:
        op.bulk_insert(_cursor, [{"name": f"gap:{day.isoformat()}", "covered_at": marked} for day, marked in rows])
    op.drop_table("gap_days")

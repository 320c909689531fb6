"""When the SEC accepted each filing (the header's <ACCEPTANCE-DATETIME>, Eastern time, kept in UTC):
the lag from acceptance to stored that `status` reports.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("filings") as table:
        table.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
    # `status` reads the newest acceptance and the last hour's filings: no scan of every filing.
    op.create_index("ix_filings_accepted_at", "filings", ["accepted_at"])
    op.create_index("ix_filings_processed_at", "filings", ["processed_at"])


def downgrade() -> None:
    op.drop_index("ix_filings_processed_at", "filings")
    op.drop_index("ix_filings_accepted_at", "filings")
    with op.batch_alter_table("filings") as table:
        table.drop_column("accepted_at")

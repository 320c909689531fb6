"""Claims: which instance is working on a filing or sending an alert, and until when.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("filings", "alerts"):
        op.add_column(table, sa.Column("claimed_by", sa.String(100)))
        op.add_column(table, sa.Column("claimed_until", sa.DateTime(timezone=True)))


def downgrade() -> None:
    for table in ("filings", "alerts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("claimed_until")
            batch.drop_column("claimed_by")

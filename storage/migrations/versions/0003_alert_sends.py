"""Alert sends: when a send to the destination began (the idempotency record), and where it landed.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alerts", sa.Column("send_started_at", sa.DateTime(timezone=True)))
    op.add_column("alerts", sa.Column("delivered_to", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("delivered_to")
        batch.drop_column("send_started_at")

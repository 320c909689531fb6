"""Deals: one financing followed across its filings, each filing's part in it and why it joined;
and the Slack thread a reply went under.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cik", sa.String(10), nullable=False),
        sa.Column("company", sa.String(300)),
        sa.Column("key", sa.String(20), nullable=False, unique=True),
        sa.Column("kind", sa.String(200), nullable=False),
        sa.Column("terms", sa.JSON, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_filed", sa.Date),
        sa.Column("last_filed", sa.Date),
        sa.Column("filing_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_deals_cik", "deals", ["cik"])
    op.create_index("ix_deals_last_filed", "deals", ["last_filed"])
    op.create_table(
        "deal_filings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deal_id", sa.Integer, sa.ForeignKey("deals.id"), nullable=False),
        sa.Column("filing_id", sa.Integer, sa.ForeignKey("filings.id"), nullable=False, unique=True),
        sa.Column("part", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("adds", sa.Text, nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size_change", sa.Float),
    )
    op.create_index("ix_deal_filings_deal_id", "deal_filings", ["deal_id"])
    op.add_column("alerts", sa.Column("thread_ts", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("thread_ts")
    op.drop_index("ix_deal_filings_deal_id", "deal_filings")
    op.drop_table("deal_filings")
    op.drop_index("ix_deals_last_filed", "deals")
    op.drop_index("ix_deals_cik", "deals")
    op.drop_table("deals")

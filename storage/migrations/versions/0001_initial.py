"""The first schema: filings, events, poll cursor, index days, alert outbox.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "filings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("accession", sa.String(20), nullable=False),
        sa.Column("form", sa.String(20)),
        sa.Column("company", sa.String(300)),
        sa.Column("cik", sa.String(10)),
        sa.Column("filed", sa.Date()),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("discovered_at", sa.DateTime(timezone=True)),
        sa.Column("fetched_at", sa.DateTime(timezone=True)),
        sa.Column("processed_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("rules_version", sa.String(40)),
    )
    op.create_index("ix_filings_accession", "filings", ["accession"], unique=True)
    op.create_index("ix_filings_cik", "filings", ["cik"])
    op.create_index("ix_filings_status", "filings", ["status"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("filing_id", sa.Integer(), sa.ForeignKey("filings.id"), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(100)),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("rules_version", sa.String(40), nullable=False),
    )
    op.create_index("ix_events_filing_id", "events", ["filing_id"])
    op.create_index("ix_events_type", "events", ["type"])
    op.create_table(
        "poll_cursor",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("covered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "index_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("form", sa.String(20), primary_key=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("filing_id", sa.Integer(), sa.ForeignKey("filings.id"), nullable=False),
        sa.Column("destination", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("external_id", sa.String(100)),
        sa.Column("error", sa.Text()),
        sa.UniqueConstraint("filing_id", "destination", name="uq_alerts_filing_destination"),
    )
    op.create_index("ix_alerts_filing_id", "alerts", ["filing_id"])
    op.create_index("ix_alerts_status", "alerts", ["status"])


def downgrade() -> None:
    for table in ("alerts", "index_days", "poll_cursor", "events", "filings"):
        op.drop_table(table)

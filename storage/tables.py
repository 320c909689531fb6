"""The tables: filings, their events, the poll cursor, finished index days, the alert outbox, and deals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata


class FilingRow(SQLModel, table=True):
    __tablename__ = "filings"

    id: int | None = Field(default=None, primary_key=True)
    accession: str = Field(max_length=20, unique=True, index=True)
    form: str | None = Field(default=None, max_length=20)
    company: str | None = Field(default=None, max_length=300)
    cik: str | None = Field(default=None, max_length=10, index=True)
    filed: date | None = None
    url: str = Field(max_length=500)
    # when the SEC accepted it (the header's, Eastern time, as UTC)
    accepted_at: datetime | None = Field(default=None, index=True)
    discovered_at: datetime | None = None  # when a poll or an index first named it (UTC)
    fetched_at: datetime | None = None
    processed_at: datetime | None = Field(default=None, index=True)
    status: str = Field(max_length=10, index=True)  # a FilingState (storage.states)
    claimed_by: str | None = Field(default=None, max_length=100)  # the instance working on it (or that did)
    claimed_until: datetime | None = None  # after this, another instance may take it over
    error: str | None = Field(default=None, sa_column=Column(Text))
    attempts: int = 0
    event_count: int = 0
    rules_version: str | None = Field(default=None, max_length=40)


class EventRow(SQLModel, table=True):
    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    filing_id: int = Field(foreign_key="filings.id", index=True)
    type: str = Field(max_length=40, index=True)
    rule: str = Field(max_length=200)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    start_offset: int
    end_offset: int
    document: str | None = Field(default=None, max_length=100)
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    checks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rules_version: str = Field(max_length=40)


class PollCursor(SQLModel, table=True):
    """The high-water mark: when a poll last reached filings already seen (nothing missed before)."""

    __tablename__ = "poll_cursor"

    name: str = Field(primary_key=True, max_length=40)
    covered_at: datetime


class GapDay(SQLModel, table=True):
    """A day whose feed outran our polls: its daily index must be read; the row goes once it is."""

    __tablename__ = "gap_days"

    day: date = Field(primary_key=True)
    marked_at: datetime


class IndexDay(SQLModel, table=True):
    """A daily index whose filings (of one form) are all stored: catch-up and backfill skip it."""

    __tablename__ = "index_days"

    day: date = Field(primary_key=True)
    form: str = Field(primary_key=True, max_length=20)
    done_at: datetime


class AlertRow(SQLModel, table=True):
    """The outbox: one row per filing with events and destination, written with the events."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("filing_id", "destination", name="uq_alerts_filing_destination"),)

    id: int | None = Field(default=None, primary_key=True)
    filing_id: int = Field(foreign_key="filings.id", index=True)
    destination: str = Field(max_length=200)
    status: str = Field(max_length=10, index=True)  # an AlertState (storage.states)
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = None
    attempts: int = 0
    created_at: datetime
    sent_at: datetime | None = None
    external_id: str | None = Field(default=None, max_length=100)  # e.g. Slack's message ts
    error: str | None = Field(default=None, sa_column=Column(Text))
    # Set, and committed, just before a send: a send that may have reached the destination without the
    # answer being recorded (a crash, a timeout) is looked up there before it is ever sent again.
    send_started_at: datetime | None = None
    delivered_to: str | None = Field(default=None, max_length=100)  # e.g. the Slack channel's id
    thread_ts: str | None = Field(default=None, max_length=100)  # a reply: its deal's message, where it went


class DealRow(SQLModel, table=True):
    """One financing followed across filings (deals/): its current terms, kept as filings join."""

    __tablename__ = "deals"

    id: int | None = Field(default=None, primary_key=True)
    cik: str = Field(max_length=10, index=True)
    company: str | None = Field(default=None, max_length=300)
    key: str = Field(max_length=20, unique=True)  # its first filing's accession: the same in any database
    kind: str = Field(max_length=200)  # its instruments' types, comma-separated
    terms: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    opened_at: datetime
    updated_at: datetime
    first_filed: date | None = None
    last_filed: date | None = Field(default=None, index=True)
    filing_count: int = 0


class DealFilingRow(SQLModel, table=True):
    """A filing's part in its deal, why it joined, and what it added (its reply in the thread)."""

    __tablename__ = "deal_filings"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    filing_id: int = Field(foreign_key="filings.id", unique=True)
    part: str = Field(max_length=40)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    adds: str = Field(sa_column=Column(Text, nullable=False))
    joined_at: datetime
    size_change: float | None = None  # percent: how much this filing changed the deal's size

"""What every notifier receives and answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from monitor.edgar.urls import public_filing_url
from monitor.errors import MonitorError
from monitor.output import format_fields
from rules.fields import FieldValue
from storage import PendingAlert


class NotifyError(MonitorError):
    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class AlertEvent:
    type: str
    rule: str
    fields: dict[str, FieldValue]
    evidence: str


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    destination: str
    accession: str
    form: str | None
    company: str | None
    cik: str | None
    filed: date | None
    events: tuple[AlertEvent, ...]

    @classmethod
    def from_pending(cls, pending: PendingAlert) -> Alert:
        filing = pending.filing
        return cls(
            id=pending.alert.id or 0,
            destination=pending.alert.destination,
            accession=filing.accession,
            form=filing.form,
            company=filing.company,
            cik=filing.cik,
            filed=filing.filed,
            events=tuple(AlertEvent(e.type, e.rule, dict(e.fields), e.evidence) for e in pending.events),
        )

    @property
    def url(self) -> str | None:
        return public_filing_url(self.cik, self.accession) if self.cik else None

    def summary(self) -> str:
        """One line: who filed what, and each event's key numbers."""
        who = f"{self.company or 'unknown company'} ({self.form or '?'}, {self.accession})"
        parts = [f"{e.type} {format_fields(e.type, e.fields)}".strip() for e in self.events]
        return f"{who}: {'; '.join(parts)}"


@dataclass(frozen=True, slots=True)
class Delivery:
    external_id: str | None = None


class Notifier(Protocol):
    name: str

    async def send(self, alert: Alert) -> Delivery:
        """Deliver one alert; raise NotifyError(retryable=...) when it could not be delivered."""
        ...

"""What every notifier receives and answers."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from monitor.edgar.urls import public_filing_url
from monitor.errors import MonitorError
from monitor.settings import http_url
from rules.catalogue import event_type, format_fields, format_implied_price, implied_price
from rules.fields import FieldValue
from storage.deals import DealLink
from storage.outbox import PendingAlert
from storage.session import aware

log = logging.getLogger(__name__)


class NotifyError(MonitorError):
    """A send that did not succeed. `retryable`: try again later (after `retry_after` seconds at the
    least); `maybe_delivered`: the message may have arrived anyway (a timeout), so look before resending;
    `code`: what the destination said (invalid_auth, http_503 ...), to log each problem once."""

    def __init__(
        self,
        message: str,
        retryable: bool,
        *,
        code: str = "",
        retry_after: float | None = None,
        maybe_delivered: bool = False,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code or ("retryable" if retryable else "refused")
        self.retry_after = retry_after
        self.maybe_delivered = maybe_delivered


@dataclass(frozen=True, slots=True)
class AlertEvent:
    type: str
    rule: str
    fields: dict[str, FieldValue]
    evidence: str
    checks: tuple[str, ...] = ()  # numbers that contradict each other: flagged, never hidden

    def terms(self) -> str:
        """Its fields on one line, with the price they imply where none is stated; or what was found."""
        if not self.fields:
            return f"{event_type(self.type).title.lower()}, terms not stated"
        shown = format_fields(self.type, self.fields)
        implied = implied_price(self.type, self.fields)
        if implied is not None:
            shown += f", implied price {format_implied_price(implied)}"
        return shown + (" (a cross-check failed)" if self.checks else "")


@dataclass(frozen=True, slots=True)
class DealFilingLine:
    accession: str
    form: str | None
    filed: date | None
    part: str


@dataclass(frozen=True, slots=True)
class DealContext:
    """The deal an alert's filing is part of: a later filing's alert is a reply in its thread."""

    id: int
    key: str  # its first filing's accession: names the thread the same way in any database
    part: str  # this filing's part (signing, Form D, resale registration ...)
    adds: str  # what this filing adds to the deal: its reply's line
    first: bool  # this filing opened the deal
    terms: dict[str, dict[str, FieldValue]]  # the deal's terms now
    filings: tuple[DealFilingLine, ...]  # its filings, in the order they joined
    thread_ts: str | None = None  # set at delivery: the deal's message this alert replies under
    size_change: float | None = None  # how much this filing changed the deal's size, in percent


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
    send_started_at: datetime | None = None  # an earlier send began and its outcome is unknown
    accepted_at: datetime | None = None  # when the SEC accepted the filing (UTC)
    ticker: str | None = None  # from the SEC's ticker list, when it has the filer
    dilution: str | None = None  # the new shares against those outstanding (monitor.notify.dilution)
    deal: DealContext | None = None
    broadcast: bool = False  # a reply that changes its deal's size enough: shown in the channel too

    @classmethod
    def from_pending(cls, pending: PendingAlert, ticker: str | None = None) -> Alert:
        filing = pending.filing
        return cls(
            id=pending.alert.id or 0,
            destination=pending.alert.destination,
            accession=filing.accession,
            form=filing.form,
            company=filing.company,
            cik=filing.cik,
            filed=filing.filed,
            events=tuple(
                AlertEvent(e.type, e.rule, dict(e.fields), e.evidence, tuple(e.checks or ())) for e in pending.events
            ),
            send_started_at=pending.alert.send_started_at,
            accepted_at=aware(filing.accepted_at) if filing.accepted_at else None,
            ticker=ticker,
            deal=_deal_context(pending.deal, filing.accession),
        )

    @property
    def reply(self) -> bool:
        """A later filing of a deal, sent as a reply in the deal's thread."""
        return self.deal is not None and self.deal.thread_ts is not None

    @property
    def url(self) -> str | None:
        return public_filing_url(self.cik, self.accession) if self.cik else None

    @property
    def name(self) -> str:
        """The company as an alert names it: with its ticker when the SEC lists one."""
        company = self.company or "unknown company"
        return f"{company} · {self.ticker}" if self.ticker else company

    @property
    def who(self) -> str:
        return f"{self.name} ({self.form or '?'}, {self.accession})"

    def summary(self) -> str:
        """One line: who filed what, each event's key numbers, and the dilution where known; a later
        filing of a deal, what it adds to the deal."""
        deal = f" · deal #{self.deal.id}" if self.deal else ""
        if self.deal is not None and not self.deal.first:
            return f"{self.who}{deal} {self.deal.adds}"
        return f"{self.who}{deal}: {self.numbers()}" + (f" · dilution: {self.dilution}" if self.dilution else "")

    def numbers(self) -> str:
        """Each event's type and key numbers, '; ' between events."""
        return "; ".join(f"{e.type} {e.terms()}" for e in self.events) or "no events of its own"


def _deal_context(link: DealLink | None, accession: str) -> DealContext | None:
    if link is None or link.deal.id is None:
        return None
    filings = tuple(DealFilingLine(f.accession, f.form, f.filed, df.part) for df, f in link.filings)
    terms = {name: dict(fields) for name, fields in link.deal.terms.items()}
    return DealContext(
        link.deal.id, link.deal.key, link.part, link.adds, link.first, terms, filings, size_change=link.size_change
    )


@dataclass(frozen=True, slots=True)
class Delivery:
    external_id: str | None = None  # e.g. Slack's message ts
    delivered_to: str | None = None  # e.g. the Slack channel's id
    detail: str = ""  # what the destination said, for `notify test`
    already_there: bool = False  # found at the destination (posted by an earlier life): nothing was sent


class Notifier(Protocol):
    name: str

    async def send(self, alerts: Sequence[Alert]) -> Delivery:
        """Deliver one message: one alert, or a digest of several. Raise NotifyError when not delivered."""
        ...

    async def find_delivered(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        """Which of these alerts (whose earlier send's outcome is unknown) did arrive; {} if it cannot tell."""
        ...

    async def aclose(self) -> None: ...


@runtime_checkable
class Verifiable(Protocol):
    """A notifier that can tell, without posting, that its destination would refuse it (a bad token)."""

    async def refusal(self) -> NotifyError | None: ...


def network_error(name: str, error: BaseException, secret_url: bool = False) -> NotifyError:
    """No answer, or a broken one: the message may have arrived, so it is looked up before a resend.

    `secret_url`: the destination's URL is a secret (a webhook's), and aiohttp's messages quote URLs
    and hosts: only the kind of error is told, never its text."""
    timed_out = isinstance(error, TimeoutError | asyncio.TimeoutError)
    if timed_out:
        what = "no answer in time"
    elif secret_url:
        what = f"{type(error).__name__} (details withheld: they would show the secret URL)"
    else:
        what = str(error) or type(error).__name__
    return NotifyError(f"{name}: {what}", True, code=type(error).__name__, maybe_delivered=True)


_CODE_WORD = re.compile(r"^[A-Za-z_]{1,40}$")


def shown_body(body: str) -> str:
    """What of an error answer from a secret URL (a webhook's) may be logged and stored: a code word
    such as `invalid_token`, never free text, which may echo the request line and so the secret."""
    body = body.strip()
    if not body:
        return ""
    return body if _CODE_WORD.match(body) else "(answer withheld: it may quote the secret URL)"


def usable_url(url: str, what: str, notes: list[str]) -> bool:
    """A webhook URL that can be posted to; otherwise the destination is off, said once, the URL (a
    secret) never shown: no alert is routed to it and none is retried forever."""
    try:
        http_url(url)
    except ValueError as error:
        log.error("%s is not a usable URL (%s): that destination is off until it is fixed", what, error)
        notes.append(f"{what} off: not an http(s) URL")
        return False
    return True

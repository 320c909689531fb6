"""Drains the alert outbox: each alert is sent once and marked sent only after its destination said ok.

The send sequence survives a SIGKILL at any point: (1) claim the alert, (2) record that a send is
starting, committed, (3) send, (4) mark it sent with the destination's id. An alert found with step 2
recorded but not step 4 is looked up at its destination before anything is sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from monitor.edgar.facts import SharesOutstanding
from monitor.logs import FailureLog, fields
from monitor.metrics import Metrics, unserved
from monitor.notify.base import Alert, Notifier, NotifyError
from monitor.notify.dilution import dilution_line, new_shares
from storage.errors import DatabaseVanished, StorageError
from storage.outbox import PendingAlert
from storage.repository import Store
from storage.session import utcnow
from storage.states import CONSOLE

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 120.0
DIGEST_BATCH = 40  # alerts per digest message
CLAIM_BATCH = 50


class OutboxDelivery:
    def __init__(
        self,
        store: Store,
        notifiers: dict[str, Notifier],
        digests: dict[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        metrics: Metrics | None = None,
        ticker_of: Callable[[str | None], str | None] | None = None,
        outstanding_of: Callable[[str | None], Awaitable[SharesOutstanding | None]] | None = None,
        broadcast_percent: float = 0,
    ) -> None:
        self.store = store
        self.broadcast_percent = broadcast_percent  # a reply changing its deal's size this much: in the channel too
        self._held_back: set[int] = set()  # replies put off in this pass: their deal's message is not out yet
        self._ticker_of = ticker_of or (lambda cik: None)
        self._outstanding_of = outstanding_of
        self.metrics = metrics or unserved()
        # destination -> why it cannot be sent to (a refused token, no notifier), until a send succeeds
        self.refused: dict[str, str] = {}
        self.notifiers = notifiers
        self.digests = {d: m for d, m in (digests or {}).items() if m > 0}  # destination -> minutes
        self._clock = clock
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()  # the loop and a final drain must never send the same alert twice
        self._paused_until: dict[str, float] = {}  # destination -> clock time (Retry-After, backoff)
        self._failures: dict[str, int] = {}  # consecutive retryable failures per destination
        self._reported: dict[str, str] = {}  # destination -> the problem already logged for it
        self._random = random.Random()

    def wake(self) -> None:
        """New alerts were committed: deliver them now rather than at the next tick."""
        self._wake.set()

    async def run(self, idle_seconds: float = 1.0) -> None:
        failures = FailureLog(log, "alert delivery (the alerts wait in the outbox)")
        while True:
            # Cleared before the pass, not after: an alert committed while the pass runs (after its
            # last look at the outbox) leaves the wake set, and the next pass starts at once.
            self._wake.clear()
            try:
                await self.deliver_pending()
            except DatabaseVanished:
                return  # nothing more may be marked sent: the daemon stops
            except Exception as error:  # the database went away for a moment: the alerts wait in the outbox
                failures.failed(error, expected=(StorageError, SQLAlchemyError))
            else:
                failures.succeeded()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), idle_seconds)

    async def deliver_pending(self) -> int:
        """Send what is due (not paused, digests whose wait is over); the number of alerts delivered."""
        async with self._lock:
            delivered = 0
            self._held_back = set()
            for destination in await self._due_digests():
                delivered += await self._deliver_digest(destination)
            while batch := await self.store.claim_alerts(CLAIM_BATCH, skip=self._waiting(), held_back=self._held_back):
                by_destination: dict[str, list[Alert]] = {}
                for alert in await self._alerts(batch):
                    by_destination.setdefault(alert.destination, []).append(alert)
                # Destinations side by side, each in order: a slow channel does not hold up the others.
                sent = await asyncio.gather(*(self._deliver_each(d, a) for d, a in by_destination.items()))
                delivered += sum(sent)
            return delivered

    async def _alerts(self, batch: Sequence[PendingAlert]) -> list[Alert]:
        """The claimed alerts as messages see them: with the filer's ticker and, where its shares
        outstanding are known within a moment (monitor.edgar.facts), the filing's dilution."""
        alerts = [Alert.from_pending(p, self._ticker_of(p.filing.cik)) for p in batch]
        if self._outstanding_of is None:
            return alerts
        ciks = sorted({a.cik for a in alerts if a.cik and new_shares(a.events).any})
        figures = dict(zip(ciks, await asyncio.gather(*(self._outstanding_of(c) for c in ciks)), strict=True))
        return [replace(a, dilution=dilution_line(a.events, figures.get(a.cik or ""))) for a in alerts]

    async def _deliver_each(self, destination: str, alerts: list[Alert]) -> int:
        delivered = 0
        for alert in alerts:
            placed = await self._placed(destination, alert)
            if placed is None:
                self._held_back.add(alert.id)  # kept claimed; the next pass finds its deal's message out
                continue
            delivered += await self._deliver(destination, [placed])
        return delivered

    async def _placed(self, destination: str, alert: Alert) -> Alert | None:
        """Where a deal's filing goes at a destination that keeps threads: a reply under the deal's
        message once that is out (None: not yet), else a message of its own."""
        notifier = self.notifiers.get(destination)
        if alert.deal is None or not getattr(notifier, "threads", False) or destination in self.digests:
            return alert
        where, ts = await self.store.thread_of(alert.id, alert.deal.id, destination)
        if where == "wait":
            return None
        if where == "parent" or ts is None:
            return alert
        change = alert.deal.size_change
        broadcast = self.broadcast_percent > 0 and change is not None and abs(change) >= self.broadcast_percent
        return replace(alert, deal=replace(alert.deal, thread_ts=ts), broadcast=broadcast)

    async def drain(self, give_up_after: float = 120.0) -> int:
        """Deliver everything due, waiting out rate limits and short outages (one-shot commands, `run
        --once`); what is still unsent after `give_up_after` seconds stays in the outbox for the daemon."""
        deadline = self._clock() + give_up_after
        delivered = 0
        while True:
            delivered += await self.deliver_pending()
            unsent = await self.store.oldest_unsent()
            resumes = [until for d, until in self._paused_until.items() if d in unsent and d not in self.digests]
            if not resumes or min(resumes) > deadline:
                return delivered
            await asyncio.sleep(max(0.0, min(resumes) - self._clock()))

    def _waiting(self) -> set[str]:
        """Destinations that must not be sent to now: paused after a failure, or digests not due."""
        now = self._clock()
        return {d for d, until in self._paused_until.items() if until > now} | set(self.digests)

    async def _due_digests(self) -> list[str]:
        if not self.digests:
            return []
        oldest = await self.store.oldest_unsent()
        now, paused = utcnow(), self._waiting() - set(self.digests)
        return [
            d
            for d, minutes in self.digests.items()
            if d in oldest and d not in paused and now - oldest[d] >= timedelta(minutes=minutes)
        ]

    async def _deliver_digest(self, destination: str) -> int:
        delivered = 0
        while batch := await self.store.claim_alerts(DIGEST_BATCH, only=destination):
            sent = await self._deliver(destination, await self._alerts(batch))
            delivered += sent
            if not sent:
                break
        return delivered

    async def _deliver(self, destination: str, alerts: Sequence[Alert]) -> int:
        """One message (one alert, or a digest); the number of alerts it delivered."""
        ids = [a.id for a in alerts]
        if self._paused(destination):  # paused while this batch was being sent: ours to retry later
            return 0
        notifier = self.notifiers.get(destination)
        if notifier is None:
            problem = f"no destination {destination!r} in the config (removed, or its token is not set)"
            self._report(destination, "missing", problem)
            await self.store.mark_alert_failed(ids, problem, permanent=True)
            self._count(destination, alerts, "failed")
            return 0
        try:
            alerts = await self._not_yet_delivered(notifier, alerts)
            if not alerts:
                return len(ids)
            thread_ts = alerts[0].deal.thread_ts if len(alerts) == 1 and alerts[0].deal else None
            await self.store.mark_send_started([a.id for a in alerts], thread_ts)
            delivery = await notifier.send(alerts)
        except NotifyError as error:
            await self._failed(destination, alerts, error)
            return 0
        await self.store.mark_alert_sent([a.id for a in alerts], delivery.external_id, delivery.delivered_to)
        self._count(destination, alerts, "sent")
        self._recovered(destination)
        if destination != CONSOLE:  # the console's own line says it
            sent_as = f" ({delivery.external_id})" if delivery.external_id else ""
            accessions = [a.accession for a in alerts]
            log.info(
                "alert %s %s %s%s",
                ", ".join(accessions),
                "already in the channel, not sent again:" if delivery.already_there else "sent to",
                destination,
                sent_as,
                extra=fields(
                    "alert_sent", accessions=accessions, destination=destination, external_id=delivery.external_id
                ),
            )
        return len(ids)

    async def _not_yet_delivered(self, notifier: Notifier, alerts: Sequence[Alert]) -> Sequence[Alert]:
        """Alerts whose earlier send has an unknown outcome are looked up first; found ones are marked sent."""
        uncertain = [a for a in alerts if a.send_started_at is not None]
        if not uncertain:
            return alerts
        try:
            found = await notifier.find_delivered(uncertain)
        except NotifyError as error:
            if error.retryable:
                raise
            # We cannot look (e.g. a missing history scope): sending again is better than losing the alert.
            self._report(notifier.name, f"lookup-{error.code}", f"cannot check for earlier sends: {error}")
            found = {}
        for alert_id, delivery in found.items():
            log.info(
                "alert %d to %s had arrived before a restart (%s): not sent again",
                alert_id,
                notifier.name,
                delivery.external_id,
            )
            await self.store.mark_alert_sent([alert_id], delivery.external_id, delivery.delivered_to)
        self._count(notifier.name, [a for a in alerts if a.id in found], "sent")
        return [a for a in alerts if a.id not in found]

    async def _failed(self, destination: str, alerts: Sequence[Alert], error: NotifyError) -> None:
        ids = [a.id for a in alerts]
        # An alert already uncertain stays uncertain until a lookup clears it.
        uncertain = error.maybe_delivered or any(a.send_started_at for a in alerts)
        if not error.retryable:
            await self.store.mark_alert_failed(ids, str(error), permanent=True, maybe_delivered=uncertain)
            self._count(destination, alerts, "failed")
            self.refused[destination] = str(error)
            hint = "fix it, then `filing-monitor alerts retry --config FILE`"
            self._report(destination, error.code, f"{error}; alerts are kept as failed: {hint}", level=logging.ERROR)
            return
        await self.store.mark_alert_failed(ids, str(error), permanent=False, maybe_delivered=uncertain)
        self._count(destination, alerts, "retried")
        failures = self._failures.get(destination, 0) + 1
        self._failures[destination] = failures
        backoff = min(MAX_BACKOFF_SECONDS, 2.0 ** (failures - 1)) * (0.5 + self._random.random() / 2)
        pause = max(error.retry_after or 0.0, backoff)
        self._paused_until[destination] = self._clock() + pause
        if error.code == "ratelimited":
            log.debug("%s: rate limited; next send in %.1f s", destination, pause)
        else:
            self._report(destination, error.code, f"{error}; alerts wait in the outbox and are retried")

    def _count(self, destination: str, alerts: Sequence[Alert], state: str) -> None:
        now = utcnow()
        for alert in alerts:
            self.metrics.alerted(destination, state, alert.accepted_at, now)

    def _paused(self, destination: str) -> bool:
        return self._paused_until.get(destination, 0.0) > self._clock()

    def already_reported(self, destination: str, code: str) -> None:
        """A problem the start-up check already logged: delivery does not log it again."""
        self._reported[destination] = code

    def _report(self, destination: str, code: str, message: str, level: int = logging.WARNING) -> None:
        """Log a destination's problem once, not once per alert; a different problem is logged anew."""
        if self._reported.get(destination) != code:
            self._reported[destination] = code
            log.log(
                level,
                "%s: %s",
                destination,
                message,
                extra=fields("destination_problem", destination=destination, code=code),
            )

    def _recovered(self, destination: str) -> None:
        self.refused.pop(destination, None)
        self._failures.pop(destination, None)
        self._paused_until.pop(destination, None)
        if self._reported.pop(destination, None) is not None:
            log.info("%s: delivering again", destination)

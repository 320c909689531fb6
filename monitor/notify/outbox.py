"""Drains the alert outbox: an alert is marked sent only after its notifier delivered it."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from monitor.notify.base import Alert, Notifier, NotifyError
from storage import Store

log = logging.getLogger(__name__)


class OutboxDelivery:
    def __init__(self, store: Store, notifiers: dict[str, Notifier]) -> None:
        self.store = store
        self.notifiers = notifiers
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()  # the loop and a final drain must never send the same alert twice

    def wake(self) -> None:
        """New alerts were committed: deliver them now rather than at the next tick."""
        self._wake.set()

    async def run(self, idle_seconds: float = 1.0) -> None:
        while True:
            try:
                await self.deliver_pending()
            except Exception:  # the database went away for a moment: the alerts wait in the outbox
                log.exception("alert delivery failed; will try again")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), idle_seconds)

    async def deliver_pending(self) -> int:
        """Send every pending alert once; the number delivered."""
        async with self._lock:
            return await self._deliver_all()

    async def _deliver_all(self) -> int:
        delivered = 0
        while pending := await self.store.claim_alerts():
            progress = 0
            for item in pending:
                alert = Alert.from_pending(item)
                if await self._deliver(alert):
                    delivered += 1
                    progress += 1
            if not progress:
                break  # every notifier is failing: leave the rest for the next tick
        return delivered

    async def _deliver(self, alert: Alert) -> bool:
        notifier = self.notifiers.get(alert.destination)
        if notifier is None:
            await self.store.mark_alert_failed(alert.id, f"no notifier named {alert.destination!r}", permanent=True)
            return False
        try:
            delivery = await notifier.send(alert)
        except NotifyError as error:
            log.warning("alert %s to %s not delivered: %s", alert.accession, alert.destination, error)
            await self.store.mark_alert_failed(alert.id, str(error), permanent=not error.retryable)
            return False
        await self.store.mark_alert_sent(alert.id, delivery.external_id)
        return True

"""A generic JSON webhook: each alert POSTed as one JSON object, with an Idempotency-Key header.

A webhook cannot be asked what it received, so a send whose outcome is unknown is sent again with
the same key: a receiver that honours Idempotency-Key (or dedupes on `accession`) sees it once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp

from monitor.notify.base import Alert, Delivery, Notifier, NotifyError, network_error, shown_body, usable_url
from monitor.retry_after import retry_after_seconds
from monitor.settings import Settings
from storage.states import Destination

KIND = "webhook"  # destinations "webhook:name"
log = logging.getLogger(__name__)
RETRYABLE_STATUSES = {408, 425, 429}


def alert_payload(alert: Alert) -> dict[str, Any]:
    return {
        "idempotency_key": idempotency_key(alert),
        "accession": alert.accession,
        "form": alert.form,
        "company": alert.company,
        "cik": alert.cik,
        "filed": alert.filed.isoformat() if alert.filed else None,
        "url": alert.url,
        "summary": alert.summary(),
        "events": [{"type": e.type, "rule": e.rule, "fields": e.fields, "evidence": e.evidence} for e in alert.events],
        "deal": _deal_payload(alert),
    }


def _deal_payload(alert: Alert) -> dict[str, Any] | None:
    """The deal the filing is part of: its id, its first filing (the same in any database), this
    filing's part and what it adds."""
    deal = alert.deal
    if deal is None:
        return None
    return {"id": deal.id, "key": deal.key, "part": deal.part, "adds": deal.adds, "first": deal.first}


def idempotency_key(alert: Alert) -> str:
    return f"filing-monitor:{alert.accession}:{alert.destination}"


class JsonWebhookNotifier:
    def __init__(self, name: str, url: str, session: aiohttp.ClientSession, timeout_seconds: float = 10) -> None:
        self.name = name
        self.url = url
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def send(self, alerts: Sequence[Alert]) -> Delivery:
        (alert,) = alerts  # digests are for Slack channels; the settings refuse them for webhooks
        headers = {"Idempotency-Key": idempotency_key(alert)}
        try:
            async with self._session.post(
                self.url, json=alert_payload(alert), headers=headers, timeout=self._timeout
            ) as response:
                body = (await response.text(errors="replace")).strip()[:200]
        except (TimeoutError, aiohttp.ClientError) as error:
            raise network_error(self.name, error, secret_url=True) from None
        if 200 <= response.status < 300:
            return Delivery(external_id=response.headers.get("X-Request-Id"), detail=f"HTTP {response.status}")
        retryable = response.status in RETRYABLE_STATUSES or response.status >= 500
        raise NotifyError(
            f"{self.name}: HTTP {response.status} {shown_body(body)}".rstrip(),
            retryable,
            code=f"http_{response.status}",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            maybe_delivered=response.status >= 500,
        )

    async def find_delivered(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        return {}

    async def aclose(self) -> None:
        return None


def open_webhooks(
    settings: Settings, env: Mapping[str, str], session: aiohttp.ClientSession, notes: list[str]
) -> dict[str, Notifier]:
    notifiers: dict[str, Notifier] = {}
    for hook in settings.webhooks:
        url = env.get(hook.url_env, "").strip()
        if not url:
            notes.append(f"webhook {hook.name} off (set ${hook.url_env})")
            continue
        if not usable_url(url, f"webhook {hook.name}'s ${hook.url_env}", notes):
            continue
        name = Destination.of(KIND, hook.name)
        notifiers[name] = JsonWebhookNotifier(name, url, session, hook.timeout_seconds)
        notes.append(f"webhook {hook.name} (URL from ${hook.url_env})")
    return notifiers

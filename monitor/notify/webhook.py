"""A generic JSON webhook: each alert POSTed as one JSON object, with an Idempotency-Key header.

A webhook cannot be asked what it received, so a send whose outcome is unknown is sent again with
the same key: a receiver that honours Idempotency-Key (or dedupes on `accession`) sees it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiohttp

from monitor.notify.base import Alert, Delivery, NotifyError, network_error, retry_after_seconds

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
    }


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
            f"{self.name}: HTTP {response.status} {body}".rstrip(),
            retryable,
            code=f"http_{response.status}",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            maybe_delivered=response.status >= 500,
        )

    async def find_delivered(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        return {}

    async def aclose(self) -> None:
        return None

"""The outbox: sent only after delivery, retryable failures kept pending, permanent ones kept as failed."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from monitor.notify import Alert, ConsoleNotifier, Delivery, Notifier, NotifyError, OutboxDelivery
from rules.events import Event
from storage import ProcessedFiling, Store


class Recording:
    """A notifier at the seam: answers as told and records what it was given."""

    name = "recording"

    def __init__(self, *answers: Exception | None) -> None:
        self.answers = list(answers)
        self.sent: list[Alert] = []

    async def send(self, alert: Alert) -> Delivery:
        answer = self.answers.pop(0) if self.answers else None
        if answer is not None:
            raise answer
        self.sent.append(alert)
        return Delivery(external_id=f"ts-{len(self.sent)}")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite:///{tmp_path / 'm.db'}")
    event = Event("share_sale", "shares-sold", {"shares": 520324, "price_per_share": 15.375}, "sold", 1, 2, "8-K")
    filing = ProcessedFiling(
        "0000930553-00-000010", "u", "930553", "8-K", "NEOTHERAPEUTICS INC", date(2000, 3, 31), [event], "v"
    )
    await opened.save_processed(filing, ["recording"])
    yield opened
    await opened.close()


async def deliver(store: Store, notifier: Notifier) -> int:
    return await OutboxDelivery(store, {"recording": notifier}).deliver_pending()


async def test_an_alert_is_delivered_once_and_then_no_longer_pending(store: Store) -> None:
    notifier = Recording()
    assert await deliver(store, notifier) == 1
    assert await deliver(store, notifier) == 0
    (alert,) = notifier.sent
    assert alert.summary() == (
        "NEOTHERAPEUTICS INC (8-K, 0000930553-00-000010): share_sale shares=520,324, price_per_share=$15.375"
    )
    assert (
        alert.url == "https://www.sec.gov/Archives/edgar/data/930553/000093055300000010/0000930553-00-000010-index.htm"
    )


async def test_a_retryable_failure_leaves_the_alert_pending_for_the_next_round(store: Store) -> None:
    notifier = Recording(NotifyError("503 from the service", retryable=True))
    assert await deliver(store, notifier) == 0
    assert len(await store.pending_alerts()) == 1
    assert await deliver(store, notifier) == 1


async def test_a_permanent_failure_is_kept_as_failed_and_not_retried(store: Store) -> None:
    notifier = Recording(NotifyError("invalid_auth", retryable=False))
    assert await deliver(store, notifier) == 0
    assert await store.pending_alerts() == []
    assert notifier.sent == []


async def test_an_alert_for_a_destination_without_a_notifier_is_failed_not_lost_in_a_loop(store: Store) -> None:
    assert await OutboxDelivery(store, {}).deliver_pending() == 0
    assert await store.pending_alerts() == []


async def test_the_console_prints_one_line_per_alert(store: Store) -> None:
    stream = io.StringIO()
    (pending,) = await store.pending_alerts()
    await ConsoleNotifier(stream).send(Alert.from_pending(pending))
    assert stream.getvalue().count("\n") == 1 and stream.getvalue().startswith("ALERT NEOTHERAPEUTICS INC (8-K")

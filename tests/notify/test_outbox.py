"""The outbox: sent only after delivery, paused after a retryable failure (honouring Retry-After),
permanent failures kept as failed and logged once, uncertain sends looked up before any resend."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from monitor.notify.base import Alert, Delivery, NotifyError
from monitor.notify.console import ConsoleNotifier
from monitor.notify.delivery import OutboxDelivery
from rules.events import Event
from storage.repository import ProcessedFiling, Store
from storage.session import utcnow
from storage.tables import AlertRow

ACCESSIONS = ["0000930553-00-000010", "0000930553-00-000011", "0000930553-00-000012"]


class Recording:
    """A notifier at the seam: answers as told, records what it was given and what it was asked."""

    name = "recording"

    def __init__(self, *answers: Exception | None, delivered: Sequence[str] = ()) -> None:
        self.answers = list(answers)
        self.sent: list[list[Alert]] = []
        self.delivered = set(delivered)  # accessions the destination already shows
        self.looked_up: list[str] = []

    async def send(self, alerts: Sequence[Alert]) -> Delivery:
        answer = self.answers.pop(0) if self.answers else None
        if answer is not None:
            raise answer
        self.sent.append(list(alerts))
        return Delivery(external_id=f"ts-{len(self.sent)}", delivered_to="C1")

    async def find_delivered(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        self.looked_up.extend(a.accession for a in alerts)
        return {a.id: Delivery("ts-earlier", "C1") for a in alerts if a.accession in self.delivered}

    async def aclose(self) -> None:
        return None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _saved(store: Store, count: int, destination: str = "recording") -> None:
    event = Event("share_sale", "shares-sold", {"shares": 520324, "price_per_share": 15.375}, "sold", 1, 2, "8-K")
    for accession in ACCESSIONS[:count]:
        filing = ProcessedFiling(
            accession, "u", "930553", "8-K", "NEOTHERAPEUTICS INC", date(2000, 3, 31), [event], "v"
        )
        await store.save_processed(filing, [destination])


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite:///{tmp_path / 'm.db'}")
    await _saved(opened, 1)
    yield opened
    await opened.close()


def outbox(store: Store, notifier: Recording, clock: Clock | None = None, digest: float = 0) -> OutboxDelivery:
    digests = {"recording": digest} if digest else None
    return OutboxDelivery(store, {"recording": notifier}, digests, clock=clock or Clock())


async def test_an_alert_is_delivered_once_with_its_id_stored(store: Store) -> None:
    notifier = Recording()
    delivery = outbox(store, notifier)
    assert await delivery.deliver_pending() == 1
    assert await delivery.deliver_pending() == 0
    ((alert,),) = notifier.sent
    assert alert.summary() == (
        "NEOTHERAPEUTICS INC (8-K, 0000930553-00-000010) · deal #1: share_sale shares=520,324, price_per_share=$15.375"
    )
    ((row, _),) = await store.list_alerts(["sent"])
    assert (row.external_id, row.delivered_to, row.send_started_at is not None) == ("ts-1", "C1", True)


async def test_a_retryable_failure_pauses_the_destination_for_its_retry_after(store: Store) -> None:
    clock = Clock()
    notifier = Recording(NotifyError("ratelimited", retryable=True, code="ratelimited", retry_after=30))
    delivery = outbox(store, notifier, clock)
    assert await delivery.deliver_pending() == 0
    clock.now += 29
    assert await delivery.deliver_pending() == 0 and notifier.sent == []  # Retry-After honoured
    clock.now += 2
    assert await delivery.deliver_pending() == 1


async def test_a_definite_refusal_is_resent_without_a_lookup(store: Store) -> None:
    clock = Clock()
    notifier = Recording(NotifyError("ratelimited", retryable=True, code="ratelimited", retry_after=1))
    delivery = outbox(store, notifier, clock)
    await delivery.deliver_pending()
    clock.now += 5
    assert await delivery.deliver_pending() == 1
    assert notifier.looked_up == []


async def test_after_a_timeout_the_alert_is_looked_up_and_not_sent_twice(store: Store) -> None:
    clock = Clock()
    # The first send timed out, but the message arrived: the destination shows it.
    notifier = Recording(NotifyError("timeout", retryable=True, maybe_delivered=True), delivered=[ACCESSIONS[0]])
    delivery = outbox(store, notifier, clock)
    assert await delivery.deliver_pending() == 0
    clock.now += 300
    assert await delivery.deliver_pending() == 1
    assert notifier.looked_up == [ACCESSIONS[0]] and notifier.sent == []
    ((row, _),) = await store.list_alerts(["sent"])
    assert row.external_id == "ts-earlier"


async def test_a_crash_after_the_send_record_is_looked_up_on_restart(store: Store) -> None:
    (pending,) = await store.claim_alerts()
    await store.mark_send_started([pending.alert.id or 0])  # ... and the process died here
    notifier = Recording()  # the message did not arrive: it is sent, once
    assert await outbox(store, notifier).deliver_pending() == 1
    assert notifier.looked_up == [ACCESSIONS[0]] and len(notifier.sent) == 1


async def test_a_permanent_failure_is_kept_as_failed_and_logged_once(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await _saved(store, 3)
    bad_token = NotifyError("invalid_auth", retryable=False, code="invalid_auth")
    notifier = Recording(bad_token, bad_token, bad_token)
    with caplog.at_level(logging.WARNING):
        assert await outbox(store, notifier).deliver_pending() == 0
    assert len(await store.list_alerts(["failed"])) == 3
    assert sum("invalid_auth" in r.getMessage() for r in caplog.records) == 1
    assert len(await store.requeue_failed()) == 3
    assert await outbox(store, Recording()).deliver_pending() == 3


async def test_a_digest_waits_its_minutes_then_sends_one_message(store: Store) -> None:
    await _saved(store, 3)
    notifier = Recording()
    delivery = outbox(store, notifier, digest=10)
    assert await delivery.deliver_pending() == 0  # the oldest alert has not waited 10 minutes yet
    async with store._transaction() as session:  # ten minutes pass
        await session.exec(update(AlertRow).values(created_at=utcnow() - timedelta(minutes=11)))
    assert await delivery.deliver_pending() == 3
    assert [[a.accession for a in message] for message in notifier.sent] == [ACCESSIONS]


async def test_an_alert_for_a_destination_without_a_notifier_is_failed_not_lost_in_a_loop(store: Store) -> None:
    assert await OutboxDelivery(store, {}).deliver_pending() == 0
    ((row, _),) = await store.list_alerts(["failed"])
    assert "no destination 'recording'" in (row.error or "")


async def test_the_console_prints_one_line_per_alert(store: Store) -> None:
    stream = io.StringIO()
    (pending,) = await store.pending_alerts()
    await ConsoleNotifier(stream).send([Alert.from_pending(pending)])
    assert stream.getvalue().count("\n") == 1 and stream.getvalue().startswith("ALERT NEOTHERAPEUTICS INC (8-K")


async def test_a_slow_destination_does_not_hold_up_the_others(store: Store) -> None:
    # The fixture's alert (the first in the outbox) goes to a destination that answers only after
    # the other destination got its alerts: delivered one destination after the other, this hangs.
    await _saved(store, 3, destination="fast")
    others_done = asyncio.Event()
    fast = Recording()

    class Slow(Recording):
        async def send(self, alerts: Sequence[Alert]) -> Delivery:
            await others_done.wait()
            return await super().send(alerts)

    class Fast(Recording):
        async def send(self, alerts: Sequence[Alert]) -> Delivery:
            delivery = await super().send(alerts)
            if len(self.sent) == 2:
                others_done.set()
            return delivery

    fast = Fast()
    delivery = OutboxDelivery(store, {"recording": Slow(), "fast": fast}, clock=Clock())
    assert await asyncio.wait_for(delivery.deliver_pending(), 5) == 3
    assert len(fast.sent) == 2


async def test_an_alert_stored_just_after_a_pass_found_nothing_goes_out_without_waiting_a_tick(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # bench (g): a filing stored 0.55 s after publication was posted after 1.56 s. It was committed,
    # and the outbox woken, between the pass's last look at the outbox (nothing due) and the end of
    # the pass; the loop cleared the wake after the pass, so the alert waited for the next idle tick.
    claim = store.claim_alerts
    stored_late = False

    async def claim_then_store(*args: Any, **kwargs: Any) -> Any:
        nonlocal stored_late
        claimed = await claim(*args, **kwargs)
        if not claimed and not stored_late:
            stored_late = True
            await _saved(store, 2)  # the next filing is stored, and the pipeline wakes the outbox
            delivering.wake()
        return claimed

    monkeypatch.setattr(store, "claim_alerts", claim_then_store)
    notifier = Recording()
    delivering = outbox(store, notifier)
    running = asyncio.create_task(delivering.run(idle_seconds=60))
    try:
        async with asyncio.timeout(5):
            while len(notifier.sent) < 2:
                await asyncio.sleep(0.01)
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    assert [alert.accession for (alert,) in notifier.sent] == ACCESSIONS[:2]

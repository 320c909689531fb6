"""Slack through slack-sdk against the project's fake Slack: answers, refusals, faults, history lookups."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from fakes.slack import FakeSlack, SlackFaults, render_mrkdwn
from monitor.notify.base import Alert, DealContext, DealFilingLine, NotifyError
from monitor.notify.delivery import OutboxDelivery
from monitor.notify.destinations import Destinations, open_destinations
from monitor.notify.sample import seed_alert
from monitor.notify.slack import Pacer, SlackNotifier
from monitor.settings import Settings
from rules.events import Event
from rules.fields import FieldValue
from storage.repository import ProcessedFiling, Store
from storage.session import utcnow
from tests.conftest import serving

TOKEN = "xoxb-test-token"
ACCESSION = "0000930553-00-000010"


def settings(slack_url: str, history_days: float = 3, **extra: Any) -> Settings:
    slack = {"base_url": f"{slack_url}/api/", "channel": "#financings", "timeout_seconds": 0.5}
    values: dict[str, Any] = {
        "edgar": {"user_agent": "Tests tests@example.com"},
        "slack": slack | {"history_days": history_days},
    }
    return Settings.model_validate(values | extra)


@contextlib.asynccontextmanager
async def slack(fake: FakeSlack, history_days: float = 3, **env: str) -> AsyncIterator[tuple[Destinations, str]]:
    async with serving(fake.app()) as url:
        environ = env or {"SLACK_BOT_TOKEN": TOKEN}
        async with open_destinations(settings(url, history_days), environ) as destinations:
            yield destinations, url


def alert(number: int = 10) -> Alert:
    return replace(seed_alert("slack:#financings"), id=number, accession=f"0000930553-00-{number:06d}")


async def test_a_message_is_posted_with_its_metadata_and_its_ts_returned() -> None:
    fake = FakeSlack()
    async with slack(fake) as (destinations, _):
        delivery = await destinations.notifiers["slack:#financings"].send([alert()])
    (message,) = fake.messages["C0FINANCE"]
    assert (delivery.external_id, delivery.delivered_to) == (message["ts"], "C0FINANCE")
    assert message["metadata"]["event_payload"] == {"accessions": "0000930553-00-000010"}
    assert render_mrkdwn(message["text"]).startswith("NEOTHERAPEUTICS INC (8-K, 0000930553-00-000010): ")


@pytest.mark.parametrize(
    ("fake", "code"),
    [
        (FakeSlack(token="xoxb-another"), "invalid_auth"),
        (FakeSlack(channels={"C0OTHER": "other"}), "channel_not_found"),
    ],
)
async def test_a_bad_token_or_channel_is_a_permanent_failure(fake: FakeSlack, code: str) -> None:
    async with slack(fake) as (destinations, _):
        with pytest.raises(NotifyError) as refused:
            await destinations.notifiers["slack:#financings"].send([alert()])
    assert (refused.value.retryable, refused.value.code) == (False, code)


async def test_more_than_slack_takes_is_ratelimited_with_retry_after() -> None:
    fake = FakeSlack(per_channel_per_second=0.5)  # slower than our pacing: Slack's word is final
    async with slack(fake) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        await notifier.send([alert(1)])
        with pytest.raises(NotifyError) as limited:
            await notifier.send([alert(2)])
    assert (limited.value.retryable, limited.value.code, limited.value.retry_after) == (True, "ratelimited", 1.0)
    assert not limited.value.maybe_delivered


async def test_a_500_is_retryable_and_may_have_been_delivered() -> None:
    fake = FakeSlack(faults=SlackFaults(rate=1.0, kinds=("500",)))
    async with slack(fake) as (destinations, _):
        with pytest.raises(NotifyError) as failed:
            await destinations.notifiers["slack:#financings"].send([alert()])
    assert (failed.value.retryable, failed.value.maybe_delivered, failed.value.code) == (True, True, "http_500")


async def test_a_timed_out_post_that_arrived_is_found_in_the_history_by_channel_name() -> None:
    fake = FakeSlack(faults=SlackFaults(rate=1.0, kinds=("slow",), slow_seconds=1.0))
    async with slack(fake, history_days=0) as (destinations, _):  # no look before the post: it times out
        notifier = destinations.notifiers["slack:#financings"]
        with pytest.raises(NotifyError) as timed_out:
            await notifier.send([alert()])
        assert timed_out.value.maybe_delivered
        fake.faults.rate = 0.0
        uncertain = replace(alert(), send_started_at=utcnow())
        found = await notifier.find_delivered([uncertain, replace(alert(11), send_started_at=utcnow())])
    assert list(found) == [10] and found[10].external_id == fake.messages["C0FINANCE"][0]["ts"]
    assert fake.stats.calls["conversations.list"] == 1  # the name was resolved to an id to read history


async def test_the_history_lookup_pages_back_to_the_send_and_no_further() -> None:
    fake = FakeSlack(per_channel_per_second=10_000)
    async with slack(fake, history_days=0) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        assert isinstance(notifier, SlackNotifier)
        notifier.pacer = Pacer(0.0)  # a Slack that takes any rate: 451 messages at once
        await notifier.send([alert(1)])
        for number in range(2, 452):
            await notifier.send([alert(number)])
        asked = [replace(alert(n), send_started_at=utcnow() - timedelta(seconds=5)) for n in (1, 300, 999)]
        found = await notifier.find_delivered(asked)
    assert sorted(found) == [1, 300]
    assert fake.stats.calls["conversations.history"] == 3  # 451 messages, 200 a page


async def test_an_incoming_webhook_posts_and_a_bad_one_is_permanent() -> None:
    fake = FakeSlack()
    async with serving(fake.app()) as url:
        good = {"SLACK_WEBHOOK_URL": f"{url}/services/T0/B0/{TOKEN}"}
        async with open_destinations(settings(url), good) as destinations:
            await destinations.notifiers["slack:#financings"].send([alert()])
        bad = {"SLACK_WEBHOOK_URL": f"{url}/services/T0/B0/wrong"}
        async with open_destinations(settings(url), bad) as destinations:
            with pytest.raises(NotifyError) as refused:
                await destinations.notifiers["slack:#financings"].send([alert()])
    assert len(fake.messages["C0FINANCE"]) == 1
    assert (refused.value.retryable, refused.value.code) == (False, "invalid_token")


async def test_the_json_webhook_gets_the_alert_with_an_idempotency_key() -> None:
    received: list[tuple[str, dict[str, Any]]] = []
    answers = [500, 200]

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers["Idempotency-Key"], await request.json()))
        return web.Response(status=answers.pop(0))

    app = web.Application()
    app.router.add_post("/hook", hook)
    async with serving(app) as url:
        config = settings(url, webhooks=[{"name": "crm", "url_env": "CRM_URL"}])
        async with open_destinations(config, {"CRM_URL": f"{url}/hook"}) as destinations:
            notifier = destinations.notifiers["webhook:crm"]
            with pytest.raises(NotifyError) as failed:
                await notifier.send([replace(alert(), destination="webhook:crm")])
            await notifier.send([replace(alert(), destination="webhook:crm")])
    assert failed.value.retryable
    (key, _), (again, payload) = received
    assert key == again == "filing-monitor:0000930553-00-000010:webhook:crm"
    assert payload["company"] == "NEOTHERAPEUTICS INC" and len(payload["events"]) == 3
    assert payload["events"][0]["fields"]["shares"] == 520324


async def test_without_a_token_slack_is_off_and_says_how_to_turn_it_on() -> None:
    async with serving(FakeSlack().app()) as url, open_destinations(settings(url), {}) as destinations:
        assert list(destinations.notifiers) == ["console"]
        assert "Slack off (set $SLACK_BOT_TOKEN or $SLACK_WEBHOOK_URL)" in destinations.describe()


async def test_without_metadata_an_earlier_post_is_still_found_by_the_accession_in_its_text() -> None:
    fake = FakeSlack(metadata=False)
    async with slack(fake) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        await notifier.send([alert()])
        found = await notifier.find_delivered([replace(alert(), send_started_at=utcnow())])
    assert list(found) == [10]


async def store_with_one_alert(folder: Path) -> Store:
    """A database whose outbox holds the seed filing's alert for #financings."""
    store = await Store.open(f"sqlite:///{folder / 'm.db'}")
    event = Event("share_sale", "shares-sold", {"shares": 520324}, "sold", 1, 2, "8-K")
    filing = ProcessedFiling(ACCESSION, "u", "930553", "8-K", "NEOTHERAPEUTICS INC", None, [event], "v")
    await store.save_processed(filing, ["slack:#financings"])
    return store


async def test_where_history_cannot_be_read_the_uncertain_alert_is_sent_again_not_stuck(tmp_path: Path) -> None:
    fake = FakeSlack(history=False, faults=SlackFaults(rate=1.0, kinds=("slow",), slow_seconds=1.0))
    store = await store_with_one_alert(tmp_path)
    try:
        async with slack(fake, history_days=0) as (destinations, _):
            outbox = OutboxDelivery(store, destinations.notifiers)
            assert await outbox.deliver_pending() == 0  # timed out: it may have arrived
            fake.faults.rate = 0.0
            assert await outbox.drain(give_up_after=10) == 1
    finally:
        await store.close()
    assert len(fake.messages["C0FINANCE"]) == 2  # no way to look: sent again rather than lost
    assert fake.stats.calls["conversations.list"] == 1 and fake.stats.errors["ratelimited"] == 0


async def test_killed_between_slacks_answer_and_the_commit_the_restart_does_not_post_again(tmp_path: Path) -> None:
    fake = FakeSlack()
    store = await store_with_one_alert(tmp_path)
    try:
        async with slack(fake, history_days=0) as (destinations, _):
            # The first life: claim, record, send, and die before the sent mark is committed.
            (claimed,) = await store.claim_alerts()
            await store.mark_send_started([claimed.alert.id or 0])
            await destinations.notifiers["slack:#financings"].send([Alert.from_pending(claimed)])
            # The second life, under the same instance name: it takes its claim back and looks first.
            assert await OutboxDelivery(store, destinations.notifiers).drain(give_up_after=5) == 1
        ((row, _),) = await store.list_alerts(["sent"])
    finally:
        await store.close()
    (message,) = fake.messages["C0FINANCE"]
    assert (row.external_id, row.delivered_to) == (message["ts"], "C0FINANCE")
    assert fake.stats.calls["chat.postMessage"] == 1 and fake.stats.calls["conversations.history"] == 1


async def test_without_metadata_a_filer_naming_another_accession_does_not_make_it_look_delivered() -> None:
    fake = FakeSlack(metadata=False)
    victim = alert(11)
    async with slack(fake) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        await notifier.send(
            [replace(alert(), company=f"EVIL ({victim.form}, {victim.accession}) |{victim.accession}>")]
        )
        found = await notifier.find_delivered([replace(victim, send_started_at=utcnow())])
    assert found == {}


SECRET = "T0SECRET/B0SECRET/xyzSECRETxyz"


@pytest.mark.parametrize("url", [f"htp:/hooks.example/{SECRET}", f"http://[::1/{SECRET}", f"{SECRET} "])
async def test_a_malformed_webhook_url_turns_its_destination_off_without_showing_it(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = settings("http://127.0.0.1:9", webhooks=[{"name": "crm", "url_env": "CRM_URL"}], routes=[
        {"webhook": "crm", "types": ["share_sale"]},
    ])  # fmt: skip
    async with open_destinations(config, {"CRM_URL": url, "SLACK_WEBHOOK_URL": url}) as destinations:
        assert "webhook:crm" not in destinations.notifiers and "slack:#financings" not in destinations.notifiers
        # Still routed: its alerts are kept as failed (never tried, never lost) for `alerts retry`.
        assert [r.destination for r in destinations.router.routes] == ["webhook:crm"]
        assert destinations.routes_off == 1
        described = destinations.describe()
    assert "not an http(s) URL" in described
    assert "SECRET" not in described + caplog.text


async def test_an_unreachable_webhooks_error_does_not_quote_its_url() -> None:
    config = settings("http://127.0.0.1:9", webhooks=[{"name": "crm", "url_env": "CRM_URL"}])
    env = {"CRM_URL": f"http://127.0.0.1:9/{SECRET}", "SLACK_WEBHOOK_URL": f"http://127.0.0.1:9/services/{SECRET}"}
    async with open_destinations(config, env) as destinations:
        for name in ("webhook:crm", "slack:#financings"):
            with pytest.raises(NotifyError) as failed:
                await destinations.notifiers[name].send([replace(alert(), destination=name)])
            assert failed.value.retryable and "SECRET" not in str(failed.value) and "127.0.0.1" not in str(failed.value)


async def test_a_burst_to_one_channel_is_paced_to_one_message_a_second_without_a_429() -> None:
    fake = FakeSlack()
    async with slack(fake) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        started = asyncio.get_running_loop().time()
        for number in range(4):
            await notifier.send([alert(number)])
        took = asyncio.get_running_loop().time() - started
    assert len(fake.messages["C0FINANCE"]) == 4
    assert fake.stats.errors["ratelimited"] == 0
    assert took >= 3.0  # three waits of 1.05 s between four posts


async def test_the_pacer_spaces_calls_by_its_interval_and_lets_a_late_one_through_at_once() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    pacer = Pacer(1.0, clock=lambda: now[0], sleep=sleep)
    await pacer.wait()
    await pacer.wait()
    now[0] += 5.0
    await pacer.wait()
    assert slept == [1.0]


async def test_a_filing_already_in_the_channel_is_not_posted_again_by_a_process_that_does_not_remember_it() -> None:
    fake = FakeSlack(per_channel_per_second=10_000)
    async with slack(fake) as (destinations, _):
        first = await destinations.notifiers["slack:#financings"].send([alert(1)])
    # A new process, its database new or emptied: the channel's history says what is there.
    async with slack(fake) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        again = await notifier.send([alert(1)])
        await notifier.send([alert(2)])
        await notifier.send([alert(2)])  # its own post is remembered without reading history again
    assert again.external_id == first.external_id and "already in the channel" in again.detail
    assert [m["metadata"]["event_payload"]["accessions"] for m in fake.messages["C0FINANCE"]] == [
        alert(1).accession,
        alert(2).accession,
    ]
    assert fake.stats.calls["conversations.history"] == 2  # once per process


async def test_one_channel_named_two_ways_is_one_destination_and_gets_one_message() -> None:
    fake = FakeSlack()
    async with serving(fake.app()) as url:
        config = settings(url, routes=[{"name": "a", "channel": "financings"}, {"name": "b", "channel": "#Financings"}])
        async with open_destinations(config, {"SLACK_BOT_TOKEN": TOKEN}) as destinations:
            assert [d for d in destinations.notifiers if d.startswith("slack:")] == ["slack:#financings"]
            await destinations.notifiers["slack:#financings"].send([alert()])
    assert len(fake.messages["C0FINANCE"]) == 1


async def test_without_history_scope_the_look_is_skipped_once_with_a_warning_and_alerts_still_go(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeSlack(history=False)
    async with slack(fake) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        await notifier.send([alert(1)])
        await notifier.send([alert(2)])
    assert len(fake.messages["C0FINANCE"]) == 2
    assert sum("cannot read the channel's history" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.parametrize("kind", ["crm", "slack"])
async def test_an_error_answer_that_echoes_the_request_line_never_shows_the_secret_url(kind: str) -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(status=404, text=f"Not Found: POST {request.path_qs} HTTP/1.1")

    app = web.Application()
    app.router.add_post("/{tail:.*}", echo)
    async with serving(app) as url:
        secret_url = f"{url}/services/{SECRET}?key=SECRETKEY"
        config = settings(url, webhooks=[{"name": "crm", "url_env": "CRM_URL"}])
        env = {"CRM_URL": secret_url} if kind == "crm" else {"SLACK_WEBHOOK_URL": secret_url}
        async with open_destinations(config, env) as destinations:
            name = "webhook:crm" if kind == "crm" else "slack:#financings"
            with pytest.raises(NotifyError) as refused:
                await destinations.notifiers[name].send([replace(alert(), destination=name)])
    assert "HTTP 404" in str(refused.value)
    assert "SECRET" not in str(refused.value) and "services" not in str(refused.value)


async def test_a_token_with_a_control_character_turns_slack_off_without_showing_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with slack(FakeSlack(), SLACK_BOT_TOKEN="xoxb-SECRET\nInjected: header") as (destinations, _):
        assert "slack:#financings" not in destinations.notifiers
        assert "is not a usable token" in destinations.describe()
    assert "SECRET" not in caplog.text


def deal_alert(number: int, thread_ts: str | None, first: bool = False) -> Alert:
    """A filing of deal #3 (whose first filing is number 10): a reply under `thread_ts`, if given."""
    filings = tuple(
        DealFilingLine(f"0000930553-00-{n:06d}", "8-K" if n == 10 else "D", None, "signing" if n == 10 else "Form D")
        for n in (10, 11)
    )
    terms: dict[str, dict[str, FieldValue]] = {"share_sale": {"shares": 520324, "gross_proceeds": 8_000_000.0}}
    context = DealContext(
        3, "0000930553-00-000010", filings[number - 10].part, "Form D: fee $560,000", first, terms, filings, thread_ts
    )
    return replace(alert(number), deal=context)


async def test_a_later_filing_replies_in_the_deals_thread_and_updates_its_message_once_each() -> None:
    fake = FakeSlack(per_channel_per_second=50)
    async with slack(fake) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        parent = await notifier.send([deal_alert(10, None, first=True)])
        reply = deal_alert(11, parent.external_id)
        delivery = await notifier.send([reply])
        # Sent again (a restart that lost the answer): found in the thread, not posted twice.
        again = await notifier.find_delivered([replace(reply, send_started_at=utcnow())])
    (message,) = fake.messages["C0FINANCE"]
    (posted,) = fake.thread(message["ts"])
    assert posted["ts"] == delivery.external_id == again[11].external_id
    assert posted["metadata"]["event_payload"] == {"accessions": "0000930553-00-000011", "deal": "0000930553-00-000010"}
    assert "Form D: fee $560,000" in render_mrkdwn(posted["text"])
    assert message["metadata"]["event_payload"]["accessions"] == "0000930553-00-000010"  # kept by the edits
    assert "deal #3" in render_mrkdwn(message["text"]) and "2 filings" in render_mrkdwn(message["text"])
    assert len(fake.updates) == 2  # the send, and the lookup that found the reply: an edit says it again


async def test_a_later_filing_whose_deal_message_was_deleted_gets_a_message_of_its_own() -> None:
    fake = FakeSlack(per_channel_per_second=50)
    async with slack(fake, history_days=0) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        parent = await notifier.send([deal_alert(10, None, first=True)])
        fake.messages["C0FINANCE"].clear()  # deleted by someone in the channel
        delivery = await notifier.send([deal_alert(11, parent.external_id)])
    (message,) = fake.messages["C0FINANCE"]
    assert message["ts"] == delivery.external_id and "thread_ts" not in message
    assert message["metadata"]["event_payload"]["accessions"] == "0000930553-00-000011"
    assert fake.updates == []


async def test_a_reply_that_changes_the_deals_size_enough_is_shown_in_the_channel_too() -> None:
    fake = FakeSlack(per_channel_per_second=50)
    async with slack(fake, history_days=0) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        parent = await notifier.send([deal_alert(10, None, first=True)])
        await notifier.send([replace(deal_alert(11, parent.external_id), broadcast=True)])
    first, shown = fake.messages["C0FINANCE"]
    assert shown["subtype"] == "thread_broadcast" and shown["thread_ts"] == first["ts"]
    assert len(fake.thread(first["ts"])) == 1


async def test_restarted_without_its_database_a_deal_placed_in_another_order_posts_nothing_again() -> None:
    # The feed lists a deal's two filings at once; stored in the other order, the reply's filing now
    # leads the deal and the first filing becomes its reply. Both are in the channel: one as the deal's
    # message, one in its thread, which the channel's history does not list. Before the fix the lead
    # was posted again as a new message, and the first filing as a reply in that new thread.
    fake = FakeSlack(per_channel_per_second=50)
    async with slack(fake) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        parent = await notifier.send([deal_alert(10, None, first=True)])
        await notifier.send([deal_alert(11, parent.external_id)])
    async with slack(fake) as (destinations, _):
        notifier = destinations.notifiers["slack:#financings"]
        lead = await notifier.send([deal_alert(11, None, first=True)])
        follower = await notifier.send([deal_alert(10, lead.external_id)])
    assert lead.already_there and lead.external_id == parent.external_id  # the deal keeps its thread
    assert follower.already_there
    assert len(fake.messages["C0FINANCE"]) == 1 and len(fake.thread(parent.external_id or "")) == 1
    assert fake.stats.calls["conversations.replies"] == 2  # a thread read once a process, not per filing

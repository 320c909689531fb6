"""Slack through slack-sdk's async clients: a bot token (chat.postMessage) or an incoming webhook.

Every message carries metadata naming its filings' accession numbers. When a send's outcome is
unknown (the daemon died after Slack answered, or the answer timed out), the channel's history is
read back for that metadata before anything is sent again: a filing is never posted twice.

Slack is also the record of last resort: before its first post to a channel, a process reads the
channel's recent history once (`[slack] history_days`) and keeps, per channel id, which filings
are already there. A daemon restarted on a new, emptied or other database, or two destinations
that name one channel two ways, find the message there and do not post it again.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from monitor.notify.base import Alert, Delivery, Notifier, NotifyError, network_error, shown_body, usable_url
from monitor.notify.blocks import (
    Message,
    accession_link_in,
    alert_message,
    deal_message,
    digest_message,
    reply_message,
)
from monitor.retry_after import retry_after_seconds
from monitor.settings import Settings
from storage.states import Destination

METADATA_TYPE = "filing_monitor_alert"
HISTORY_MARGIN_SECONDS = 600  # our clock against Slack's message timestamps
PAGE_SIZE = 200  # conversations.history and .list: messages or channels per page
MAX_HISTORY_PAGES = 25  # the look before a first post reads at most 5,000 messages
MAX_THREADS_READ = 200  # threads with replies read when a channel's history is first read
DIGEST_LIMIT = 100  # accessions read from one message's metadata (a digest names up to 40)
# Slack's chat.postMessage takes about one message a second a channel; the margin covers network jitter.
MESSAGE_INTERVAL_SECONDS = 1.05
KIND = "slack"  # destinations "slack:#channel"
log = logging.getLogger(__name__)
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
# Errors that another try will not fix: the alert is kept as failed until `alerts retry`.
PERMANENT_ERRORS = {
    "invalid_auth": "the token is not valid",
    "not_authed": "no token was sent",
    "account_inactive": "the token's account or app is deactivated",
    "token_revoked": "the token was revoked",
    "token_expired": "the token expired",
    "no_permission": "the token may not post here",
    "missing_scope": "the app lacks a scope (chat:write; channels:history and channels:read for crash checks)",
    "channel_not_found": "no such channel (or the app cannot see it)",
    "not_in_channel": "the app is not a member of the channel (invite it)",
    "is_archived": "the channel is archived",
    "restricted_action": "the workspace does not let the app post there",
    "invalid_blocks": "Slack refused the message's blocks",
    "invalid_arguments": "Slack refused the request's arguments",
    "msg_too_long": "the message is too long",
    "no_text": "the message has no text",
    "invalid_metadata_format": "Slack refused the message metadata",
    "team_access_not_granted": "the token has no access to this workspace",
    "ekm_access_denied": "the workspace's keys deny access",
    "not_allowed_token_type": "this kind of token may not call the method (use a bot token, xoxb-)",
    "unknown_method": "Slack does not know the method (is [slack] base_url right?)",
    "method_deprecated": "Slack retired the method",
}
WEBHOOK_PERMANENT = {400, 403, 404, 410}  # invalid_payload, invalid_token/action_prohibited, no_service, archived


_ON_ITS_OWN = "posted on its own: its deal's message is gone"
# Slack may refuse to edit a deal's message (too old, deleted): the reply stands, and the refusal is logged.
_UPDATE_REFUSED = {"message_not_found", "cant_update_message", "edit_window_closed", "is_inactive"}


def message_for(alerts: Sequence[Alert]) -> Message:
    if len(alerts) == 1:
        return reply_message(alerts[0]) if alerts[0].reply else alert_message(alerts[0])
    return digest_message(alerts)


def metadata_for(alerts: Sequence[Alert]) -> dict[str, Any]:
    """What our messages carry to be found again: the filings they were posted for, and the deal's key."""
    # Payload values are kept to strings: Slack's metadata schema allows no arrays of strings.
    payload = {"accessions": " ".join(a.accession for a in alerts)}
    deal = alerts[0].deal if len(alerts) == 1 else None
    if deal is not None:
        payload["deal"] = deal.key
    return {"event_type": METADATA_TYPE, "event_payload": payload}


class Pacer:
    """At most one call per `interval` seconds. Slack takes about one message a second a channel;
    faster, a burst gets half its posts refused with 429 (each then retried after a pause)."""

    def __init__(
        self,
        interval: float = MESSAGE_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            delay = self._next - self._clock()
            if delay > 0:
                await self._sleep(delay)
            self._next = self._clock() + self.interval


class ChannelLedger:
    """Which filings a channel already shows, read once from its history and kept up by our posts.
    One per channel id, shared by every destination that resolves to it; its lock makes a look and
    the post that follows one step."""

    def __init__(self, channel_id: str) -> None:
        self.channel_id = channel_id
        self.lock = asyncio.Lock()
        self.posted: dict[str, str] | None = None  # accession -> ts; None until the history is read
        self.threads: dict[str, dict[str, str]] = {}  # a deal message's ts -> accession -> ts of its replies

    def found(self, alerts: Sequence[Alert]) -> dict[str, str]:
        return {a.accession: self.posted[a.accession] for a in alerts if self.posted and a.accession in self.posted}

    def record(self, alerts: Sequence[Alert], ts: str) -> None:
        if self.posted is not None:
            self.posted.update((a.accession, ts) for a in alerts)


class SlackNotifier:
    """chat.postMessage with a bot token to one channel (a name such as #financings, or an id)."""

    threads = True  # a deal's later filings reply in its first message's thread

    def __init__(
        self,
        name: str,
        channel: str,
        client: AsyncWebClient,
        pacer: Pacer | None = None,
        ledgers: dict[str, ChannelLedger] | None = None,
        history_days: float = 0,
    ) -> None:
        self.name = name
        self.channel = channel
        self._client = client
        self._channel_id: str | None = channel if _CHANNEL_ID.match(channel) else None
        self.pacer = pacer or Pacer()
        self._ledgers = ledgers if ledgers is not None else {}
        self.history_days = history_days  # 0: no look at the channel before a first post
        self._unreadable: str | None = None  # why the history cannot be read (said once)

    async def send(self, alerts: Sequence[Alert]) -> Delivery:
        if len(alerts) == 1 and alerts[0].reply:
            return await self._send_reply(alerts[0])
        ledger = await self._ledger()
        if ledger is None:
            return await self._post(alerts)
        async with ledger.lock:
            if ledger.posted is None:
                ledger.posted = await self._posted_lately(ledger)
            already = ledger.found(alerts)
            fresh = [a for a in alerts if a.accession not in already]
            if not fresh:
                ts = next(iter(already.values()))
                detail = f"already in the channel, ts {ts}"
                return Delivery(ts, ledger.channel_id, detail, already_there=True)
            delivery = await self._post(fresh)
            ledger.record(fresh, delivery.external_id or "")
            return delivery

    async def _send_reply(self, alert: Alert) -> Delivery:
        """A later filing of a deal: a reply in the deal's thread, then the deal's message updated to
        the deal's terms now. The reply is looked for in the thread (read once a process) before it
        is posted; the update is made again whenever the reply is found (an edit says the same twice).
        The deal's message keeps its own metadata: other processes may reply in the same thread, so
        it cannot say which replies are out."""
        assert alert.deal is not None and alert.deal.thread_ts is not None
        thread_ts = alert.deal.thread_ts
        ledger = await self._ledger()
        if ledger is None:
            delivery = await self._post_reply(alert)
            if delivery.detail != _ON_ITS_OWN:
                await self._update_deal_message(alert)
            return delivery
        async with ledger.lock:
            replies = ledger.threads.get(thread_ts)
            if replies is None:
                replies = ledger.threads[thread_ts] = await self._replies(ledger.channel_id, thread_ts)
            if alert.accession in replies:
                ts = replies[alert.accession]
                delivery = Delivery(ts, ledger.channel_id, f"already in the deal's thread, ts {ts}", already_there=True)
            else:
                delivery = await self._post_reply(alert)
                if delivery.detail == _ON_ITS_OWN:
                    ledger.record([alert], delivery.external_id or "")
                    return delivery
                replies[alert.accession] = delivery.external_id or ""
            await self._update_deal_message(alert)
            return delivery

    async def _post_reply(self, alert: Alert) -> Delivery:
        """The reply; where the deal's message is gone (deleted in the channel), the filing's own message."""
        assert alert.deal is not None
        try:
            return await self._post([alert], alert.deal.thread_ts)
        except NotifyError as error:
            if error.code != "thread_not_found":
                raise
        log.warning(
            "%s: the message of deal #%d is gone: %s gets a message of its own",
            self.name,
            alert.deal.id,
            alert.accession,
        )
        alone = replace(alert, deal=replace(alert.deal, thread_ts=None))
        delivery = await self._post([alone])
        return replace(delivery, detail=_ON_ITS_OWN)

    async def _update_deal_message(self, alert: Alert) -> None:
        """chat.update of the deal's first message: its terms now and its filings. Without metadata:
        Slack keeps the message's own, which names the filing it was posted for."""
        assert alert.deal is not None and alert.deal.thread_ts is not None
        message = deal_message(alert)
        channel = await self._resolved_channel()
        # Not paced: Slack's one message a second a channel is for posts; an edit has its own limit
        # (a 429 is retried, after a lookup, like any send).
        try:
            await self._call(
                self._client.chat_update(
                    channel=channel,
                    ts=alert.deal.thread_ts,
                    text=message.text,
                    blocks=message.blocks,
                )
            )
        except NotifyError as error:
            if error.code not in _UPDATE_REFUSED:
                # The reply is out; the update is not: the alert is retried, after a lookup that finds
                # the reply and updates the message again (an update says the same thing twice).
                raise NotifyError(
                    str(error), True, code=error.code, retry_after=error.retry_after, maybe_delivered=True
                ) from None
            log.warning(
                "%s: the message of deal #%d cannot be updated (%s): its thread has the news",
                self.name,
                alert.deal.id,
                error.code,
            )

    async def _replies(self, channel_id: str, thread_ts: str) -> dict[str, str]:
        """accession -> ts of our messages in a deal's thread (conversations.replies), the deal's own
        message (which leads every page) among them: a filing it names is in the channel already,
        whichever place the deal gives that filing after a restart without the database."""
        found: dict[str, str] = {}
        replies = self._client.conversations_replies
        async for page in self._pages(replies, channel=channel_id, ts=thread_ts, include_all_metadata=True):
            for message in page.get("messages") or []:
                for accession in _named_accessions(message):
                    found.setdefault(accession, str(message.get("ts") or ""))
        return found

    async def _post(self, alerts: Sequence[Alert], thread_ts: str | None = None) -> Delivery:
        message = message_for(alerts)
        await self.pacer.wait()
        threaded: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        if thread_ts and alerts[0].broadcast:
            threaded["reply_broadcast"] = True
        response = await self._call(
            self._client.chat_postMessage(
                channel=self.channel,
                text=message.text,
                blocks=message.blocks,
                metadata=metadata_for(alerts),
                unfurl_links=False,
                unfurl_media=False,
                **threaded,
            )
        )
        self._channel_id = str(response.get("channel") or self._channel_id or "") or None
        ts = str(response.get("ts") or "")
        return Delivery(external_id=ts or None, delivered_to=self._channel_id, detail=f"posted, ts {ts}")

    async def _ledger(self) -> ChannelLedger | None:
        """This channel's ledger, or None where the history is not read (off, or Slack will not let us)."""
        if self.history_days <= 0 or self._unreadable is not None:
            return None
        try:
            channel_id = await self._resolved_channel()
        except NotifyError as error:
            if not _history_withheld(error):
                raise  # busy, down, or a token Slack refuses: the post would meet the same
            self._cannot_read(error)
            return None
        return self._ledgers.setdefault(channel_id, ChannelLedger(channel_id))

    async def _posted_lately(self, ledger: ChannelLedger) -> dict[str, str] | None:
        """accession -> ts of our messages in the channel's last `history_days`; a Slack that will not
        show its history (a missing scope) gives None: we post, as before this check existed."""
        channel_id = ledger.channel_id
        oldest = f"{time.time() - self.history_days * 86400:.6f}"
        posted: dict[str, str] = {}
        threads: list[str] = []
        history = self._client.conversations_history
        try:
            pages = 0
            async for page in self._pages(history, channel=channel_id, oldest=oldest, include_all_metadata=True):
                for message in page.get("messages") or []:
                    ts = str(message.get("ts") or "")
                    named = _named_accessions(message)
                    for accession in named:
                        posted.setdefault(accession, ts)
                    if named and int(message.get("reply_count") or 0) > 0:
                        threads.append(ts)
                pages += 1
                if pages >= MAX_HISTORY_PAGES:
                    break
            # A deal's later filings are replies, which the channel's history does not list. Restarted
            # without its database, the daemon may place the deal's filings in another order (those
            # that arrive together are placed as they are stored) and find a reply's filing leading
            # the deal: it is already in the channel, in that thread, which stays the deal's.
            # Kept as the ledger's threads too: a reply to one of them needs no second read.
            for thread_ts in threads[:MAX_THREADS_READ]:
                replies = ledger.threads[thread_ts] = await self._replies(channel_id, thread_ts)
                for accession in replies:
                    posted.setdefault(accession, thread_ts)
        except NotifyError as error:
            if not _history_withheld(error):
                raise
            self._cannot_read(error)
            return None
        return posted

    def _cannot_read(self, error: NotifyError) -> None:
        self._unreadable = str(error)
        log.warning(
            "%s: cannot read the channel's history (%s): a filing already posted there by another database "
            "cannot be recognised (grant channels:history and channels:read)",
            self.name,
            error.code,
        )

    async def refusal(self) -> NotifyError | None:
        """Why Slack would refuse our messages (auth.test: a bad, revoked or wrong kind of token), or
        None; a network fault or a busy Slack is not a refusal (delivery retries through those)."""
        try:
            await self._call(self._client.auth_test())
        except NotifyError as error:
            return None if error.retryable else error
        return None

    async def find_delivered(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        try:
            return await self._search_history(alerts)
        except NotifyError as error:
            if _transient(error):
                raise  # Slack is busy or down: look again later, before any resend
            # History cannot be read here (scope, method, channel): the caller sends again rather than lose it.
            raise NotifyError(
                f"{self.name}: cannot read the channel's history: {error}", False, code=error.code
            ) from None

    async def _search_history(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        found = await self._search_threads([a for a in alerts if a.reply])
        alerts = [a for a in alerts if not a.reply]
        started = [a.send_started_at.timestamp() for a in alerts if a.send_started_at]
        if not started:
            return found
        wanted = {a.accession: a.id for a in alerts}
        channel = await self._resolved_channel()
        oldest = f"{min(started) - HISTORY_MARGIN_SECONDS:.6f}"
        history = self._client.conversations_history
        async for page in self._pages(history, channel=channel, oldest=oldest, include_all_metadata=True):
            for message in page.get("messages") or []:
                for accession in _accessions_in(message, wanted):
                    found[wanted[accession]] = Delivery(str(message.get("ts")), channel, "found in history")
        return found

    async def _search_threads(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        """Replies whose send's outcome is unknown, looked for in their deals' threads; one found
        there gets its deal's message updated now (the step after the reply may not have run)."""
        found: dict[int, Delivery] = {}
        if not alerts:
            return found
        channel = await self._resolved_channel()
        for alert in alerts:
            assert alert.deal is not None and alert.deal.thread_ts is not None
            replies = await self._replies(channel, alert.deal.thread_ts)
            if alert.accession in replies:
                await self._update_deal_message(alert)
                found[alert.id] = Delivery(replies[alert.accession], channel, "found in the deal's thread")
        return found

    async def _resolved_channel(self) -> str:
        """History needs the channel's id; a name is looked up once (conversations.list)."""
        if self._channel_id:
            return self._channel_id
        wanted = self.channel.lstrip("#")
        listing = self._client.conversations_list
        async for page in self._pages(listing, types="public_channel,private_channel", exclude_archived=True):
            for channel in page.get("channels") or []:
                if channel.get("name") == wanted:
                    self._channel_id = str(channel["id"])
                    return self._channel_id
        raise NotifyError(f"{self.name}: {PERMANENT_ERRORS['channel_not_found']}", False, code="channel_not_found")

    async def _pages(self, method: Callable[..., Awaitable[Any]], **arguments: Any) -> AsyncIterator[dict[str, Any]]:
        """Each page of a cursor-paged Slack method, until its cursor runs out."""
        cursor: str | None = None
        while True:
            page = await self._call(method(limit=PAGE_SIZE, cursor=cursor, **arguments))
            yield page
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return

    async def _call(self, request: Any) -> dict[str, Any]:
        try:
            response = await request
        except SlackApiError as error:
            raise _api_error(self.name, error) from None
        except (TimeoutError, aiohttp.ClientError) as error:
            raise network_error(self.name, error) from None
        data = response.data
        return data if isinstance(data, dict) else {}

    async def aclose(self) -> None:
        return None  # the session is shared and closed by its owner


class SlackWebhookNotifier:
    """An incoming webhook: posts to the channel the webhook was made for. It cannot read history,
    so a send whose outcome is unknown is sent again (a duplicate is possible in that window only)."""

    def __init__(self, name: str, client: AsyncWebhookClient, pacer: Pacer | None = None) -> None:
        self.name = name
        self._client = client
        self.pacer = pacer or Pacer()  # routes sharing the webhook share its channel, and so its pacer

    async def send(self, alerts: Sequence[Alert]) -> Delivery:
        message = message_for(alerts)
        await self.pacer.wait()
        try:
            response = await self._client.send(
                text=message.text, blocks=message.blocks, unfurl_links=False, unfurl_media=False
            )
        except (TimeoutError, aiohttp.ClientError) as error:
            raise network_error(self.name, error, secret_url=True) from None
        if response.status_code == 200:
            return Delivery(detail=f"webhook answered {response.body[:40]!r}")
        body = (response.body or "").strip()[:200]
        if response.status_code == 429:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise NotifyError(f"{self.name}: rate limited", True, code="ratelimited", retry_after=retry_after)
        permanent = response.status_code in WEBHOOK_PERMANENT
        code = body if permanent and body.replace("_", "").isalpha() else f"http_{response.status_code}"
        raise NotifyError(
            f"{self.name}: HTTP {response.status_code} {shown_body(body)}".rstrip(), not permanent, code=code
        )

    async def find_delivered(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        return {}

    async def aclose(self) -> None:
        return None


def _api_error(name: str, error: SlackApiError) -> NotifyError:
    response = error.response
    status = int(getattr(response, "status_code", None) or getattr(response, "status", 0) or 0)
    data = getattr(response, "data", None)
    code = str(data.get("error") or "") if isinstance(data, dict) else ""
    headers = getattr(response, "headers", None) or {}
    if status == 429 or code == "ratelimited":
        retry_after = retry_after_seconds(headers.get("Retry-After"))
        return NotifyError(f"{name}: ratelimited", True, code="ratelimited", retry_after=retry_after)
    if code in PERMANENT_ERRORS:
        return NotifyError(f"{name}: {code} ({PERMANENT_ERRORS[code]})", False, code=code)
    if code:
        return NotifyError(f"{name}: Slack said {code}", True, code=code)
    if 400 <= status < 500:  # no such method or path: a wrong [slack] base_url, not a passing fault
        return NotifyError(
            f"{name}: HTTP {status} from Slack (is [slack] base_url right?)", False, code=f"http_{status}"
        )
    # A 5xx or an unreadable answer: Slack may or may not have posted it.
    return NotifyError(f"{name}: HTTP {status} from Slack", True, code=f"http_{status}", maybe_delivered=True)


def _accessions_in(message: dict[str, Any], wanted: Collection[str]) -> list[str]:
    """The wanted filings a message is about: by its metadata, or, where metadata was stripped (a
    workspace policy, an older client), by the filing links in its text (which only we can write)."""
    named = _named_accessions(message)
    if named:
        return [a for a in named if a in wanted]
    text = str(message.get("text") or "")
    return [a for a in wanted if accession_link_in(text, a)]


def _usable_token(token: str) -> bool:
    return token.isprintable() and not any(c.isspace() for c in token)


def _named_accessions(message: dict[str, Any]) -> list[str]:
    """The filings a message of ours names in its metadata."""
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_TYPE:
        return []
    return str((metadata.get("event_payload") or {}).get("accessions") or "").split()[:DIGEST_LIMIT]


# What keeps the history from us while posting may still work: a scope, a method, a channel the
# app cannot list (a private one without groups:read).
_HISTORY_WITHHELD = {
    "missing_scope",
    "unknown_method",
    "method_deprecated",
    "not_allowed_token_type",
    "no_permission",
    "channel_not_found",
}


def _history_withheld(error: NotifyError) -> bool:
    return error.code in _HISTORY_WITHHELD or (error.code.startswith("http_4") and error.code != "http_429")


def _transient(error: NotifyError) -> bool:
    return error.code == "ratelimited" or error.code.startswith("http_5") or error.maybe_delivered


def slack_destination(channel: str) -> Destination:
    """A channel's destination name: `big-deals`, `#big-deals` and `#Big-Deals` are one channel
    (Slack's names are lower case), an id stays an id."""
    return Destination.of(KIND, channel_name(channel))


def channel_name(channel: str) -> str:
    channel = channel.strip()
    return channel if _CHANNEL_ID.match(channel) else "#" + channel.lstrip("#").lower()


def slack_channels(settings: Settings) -> list[str]:
    """The default channel and every channel a route names, each once."""
    named = [settings.slack.channel, *(r.channel for r in settings.routes if r.channel)]
    return list(dict.fromkeys(channel_name(c) for c in named))


def open_slack(
    settings: Settings, env: Mapping[str, str], session: aiohttp.ClientSession, notes: list[str]
) -> dict[str, Notifier]:
    """A notifier per channel the config names: through the Web API with a bot token, else an incoming webhook."""
    slack = settings.slack
    token, webhook_url = env.get(slack.token_env, "").strip(), env.get(slack.webhook_env, "").strip()
    channels = slack_channels(settings)
    if token and not _usable_token(token):
        # Never shown: it is a secret. A control character would end in a refused or broken request.
        log.error("$%s holds a control character or a space: Slack is off until it is fixed", slack.token_env)
        notes.append(f"Slack off (${slack.token_env} is not a usable token)")
        return {}
    if token:
        base_url = slack.base_url if slack.base_url.endswith("/") else slack.base_url + "/"
        # No retry handlers: a retry inside slack-sdk could post twice; the outbox retries, after a lookup.
        client = AsyncWebClient(token=token, base_url=base_url, session=session, retry_handlers=[])
        notes.append(f"Slack {', '.join(channels)} (bot token from ${slack.token_env})")
        ledgers: dict[str, ChannelLedger] = {}  # per channel id, whichever name a route gives it
        return {
            slack_destination(c): SlackNotifier(
                slack_destination(c), c, client, ledgers=ledgers, history_days=slack.history_days
            )
            for c in channels
        }
    if webhook_url and not usable_url(webhook_url, f"${slack.webhook_env}", notes):
        return {}
    if webhook_url:
        hook = AsyncWebhookClient(webhook_url, session=session, retry_handlers=[])
        notes.append(f"Slack incoming webhook from ${slack.webhook_env} (routes to {', '.join(channels)} share it)")
        pacer = Pacer()  # one webhook posts to one channel, whichever route sent it
        return {slack_destination(c): SlackWebhookNotifier(slack_destination(c), hook, pacer) for c in channels}
    notes.append(f"Slack off (set ${slack.token_env} or ${slack.webhook_env})")
    return {}

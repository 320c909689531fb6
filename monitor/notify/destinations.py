"""Builds the configured destinations: console, Slack channels (bot token or incoming webhook), JSON
webhooks; the router that picks among them; and the channels that get digests."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from monitor.notify.base import Notifier
from monitor.notify.console import ConsoleNotifier
from monitor.notify.routing import Route, Router
from monitor.notify.slack import Pacer, SlackNotifier, SlackWebhookNotifier
from monitor.notify.webhook import JsonWebhookNotifier
from monitor.settings import RouteSettings, Settings, http_url

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Destinations:
    notifiers: dict[str, Notifier]
    router: Router
    digests: dict[str, float]  # destination -> minutes between digest messages
    notes: list[str] = field(default_factory=list)  # how each destination is reached, for the start-up log

    def describe(self) -> str:
        return "; ".join(self.notes) or "none"


def slack_destination(channel: str) -> str:
    return f"slack:{channel}"


def webhook_destination(name: str) -> str:
    return f"webhook:{name}"


@contextlib.asynccontextmanager
async def open_destinations(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> AsyncIterator[Destinations]:
    env = os.environ if environ is None else environ
    timeout = aiohttp.ClientTimeout(total=settings.slack.timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        notifiers: dict[str, Notifier] = {}
        notes: list[str] = []
        if settings.console.enabled:
            notifiers["console"] = ConsoleNotifier()
            notes.append("console")
        notifiers.update(_slack_notifiers(settings, env, session, notes))
        notifiers.update(_webhook_notifiers(settings, env, session, notes))
        router = _router(settings, notifiers)
        if len(router.routes) < len(settings.routes):
            notes.append(
                f"{len(settings.routes) - len(router.routes)} of {len(settings.routes)} routes off (destination off)"
            )
        digests = {
            slack_destination(c): m for c, m in _channel_digests(settings).items() if slack_destination(c) in notifiers
        }
        yield Destinations(notifiers, router, digests, notes)


def slack_channels(settings: Settings) -> list[str]:
    """The default channel and every channel a route names, each once."""
    return list(dict.fromkeys([settings.slack.channel, *(r.channel for r in settings.routes if r.channel)]))


def _slack_notifiers(
    settings: Settings, env: Mapping[str, str], session: aiohttp.ClientSession, notes: list[str]
) -> dict[str, Notifier]:
    slack = settings.slack
    token, webhook_url = env.get(slack.token_env, "").strip(), env.get(slack.webhook_env, "").strip()
    channels = slack_channels(settings)
    if token:
        base_url = slack.base_url if slack.base_url.endswith("/") else slack.base_url + "/"
        # No retry handlers: a retry inside slack-sdk could post twice; the outbox retries, after a lookup.
        client = AsyncWebClient(token=token, base_url=base_url, session=session, retry_handlers=[])
        notes.append(f"Slack {', '.join(channels)} (bot token from ${slack.token_env})")
        return {slack_destination(c): SlackNotifier(slack_destination(c), c, client) for c in channels}
    if webhook_url and not _usable_url(webhook_url, f"${slack.webhook_env}", notes):
        return {}
    if webhook_url:
        hook = AsyncWebhookClient(webhook_url, session=session, retry_handlers=[])
        notes.append(f"Slack incoming webhook from ${slack.webhook_env} (routes to {', '.join(channels)} share it)")
        pacer = Pacer()  # one webhook posts to one channel, whichever route sent it
        return {slack_destination(c): SlackWebhookNotifier(slack_destination(c), hook, pacer) for c in channels}
    notes.append(f"Slack off (set ${slack.token_env} or ${slack.webhook_env})")
    return {}


def _webhook_notifiers(
    settings: Settings, env: Mapping[str, str], session: aiohttp.ClientSession, notes: list[str]
) -> dict[str, Notifier]:
    notifiers: dict[str, Notifier] = {}
    for hook in settings.webhooks:
        url = env.get(hook.url_env, "").strip()
        if not url:
            notes.append(f"webhook {hook.name} off (set ${hook.url_env})")
            continue
        if not _usable_url(url, f"webhook {hook.name}'s ${hook.url_env}", notes):
            continue
        name = webhook_destination(hook.name)
        notifiers[name] = JsonWebhookNotifier(name, url, session, hook.timeout_seconds)
        notes.append(f"webhook {hook.name} (URL from ${hook.url_env})")
    return notifiers


def _usable_url(url: str, what: str, notes: list[str]) -> bool:
    """A webhook URL that can be posted to; otherwise the destination is off, said once, the URL (a
    secret) never shown: no alert is routed to it and none is retried forever."""
    try:
        http_url(url)
    except ValueError as error:
        log.error("%s is not a usable URL (%s): that destination is off until it is fixed", what, error)
        notes.append(f"{what} off: not an http(s) URL")
        return False
    return True


def _router(settings: Settings, notifiers: Mapping[str, Notifier]) -> Router:
    """Routes to destinations that are off (no token, no URL) are left out: no alert waits for them."""
    routes = [r for r in (_route(s) for s in settings.routes) if r.destination in notifiers]
    default = Route(slack_destination(settings.slack.channel), min_amount=settings.slack.min_amount)
    always = ["console"] if "console" in notifiers else []
    return Router(routes, default if default.destination in notifiers else None, always)


def _route(route: RouteSettings) -> Route:
    return Route(
        destination=slack_destination(route.channel) if route.channel else webhook_destination(route.webhook),
        types=frozenset(route.types),
        forms=tuple(route.forms),
        rules=frozenset(route.rules),
        tags=frozenset(route.tags),
        ciks=frozenset(c.lstrip("0") for c in route.ciks),
        tickers=frozenset(t.upper() for t in route.tickers),
        min_amount=route.min_amount,
    )


def _channel_digests(settings: Settings) -> dict[str, float]:
    digests = {settings.slack.channel: settings.slack.digest_minutes}
    digests.update({r.channel: r.digest_minutes for r in settings.routes if r.channel})
    return {c: m for c, m in digests.items() if m > 0}

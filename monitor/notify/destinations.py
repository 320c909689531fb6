"""Opens the configured destinations (each notifier kind of the registry), the router that picks among
them, and the channels that get digests; closes them when the daemon stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

import aiohttp

from monitor.notify.base import Notifier, NotifyError, Verifiable
from monitor.notify.registry import NOTIFIER_KINDS, route_destination
from monitor.notify.routing import Route, Router
from monitor.notify.slack import slack_destination
from monitor.settings import RouteSettings, Settings
from storage.states import CONSOLE

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Destinations:
    notifiers: dict[str, Notifier]
    router: Router
    digests: dict[str, float]  # destination -> minutes between digest messages
    notes: list[str] = field(default_factory=list)  # how each destination is reached, for the start-up log
    # destination -> why alerts meant for it cannot go (no token, a token Slack refuses)
    unusable: dict[str, str] = field(default_factory=dict)
    routes_off: int = 0  # routes of the config whose destination is not open

    def describe(self) -> str:
        return "; ".join(self.notes) or "none"

    async def verify(self) -> dict[str, NotifyError]:
        """Ask each destination that can tell (Slack's auth.test) whether it would refuse us; the
        refusals join `unusable` and are returned."""
        checked = [(name, n) for name, n in self.notifiers.items() if isinstance(n, Verifiable)]
        answers = await asyncio.gather(*(n.refusal() for _, n in checked))
        refused = {name: error for (name, _), error in zip(checked, answers, strict=True) if error is not None}
        self.unusable.update({name: str(error) for name, error in refused.items()})
        return refused


@contextlib.asynccontextmanager
async def open_destinations(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> AsyncIterator[Destinations]:
    env = os.environ if environ is None else environ
    timeout = aiohttp.ClientTimeout(total=settings.slack.timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        notifiers: dict[str, Notifier] = {}
        notes: list[str] = []
        for kind in NOTIFIER_KINDS:
            notifiers.update(kind.open(settings, env, session, notes))
        unreachable = _unreachable(settings, notifiers, env)
        router = _router(settings, notifiers, unreachable)
        off = sum(1 for r in configured_routes(settings)[0] if r.destination not in notifiers)
        if off:
            notes.append(f"{off} of {len(settings.routes)} routes off (destination off)")
        digests: dict[str, float] = {
            slack_destination(c): m for c, m in _channel_digests(settings).items() if slack_destination(c) in notifiers
        }
        try:
            yield Destinations(notifiers, router, digests, notes, unreachable, off)
        finally:
            for notifier in notifiers.values():
                await notifier.aclose()


def _unreachable(settings: Settings, notifiers: Mapping[str, Notifier], env: Mapping[str, str]) -> dict[str, str]:
    """Destinations the config asks for that are off: a route's, or Slack's own when [slack] is in the file."""
    configured, default = configured_routes(settings)
    wanted = [r.destination for r in configured]
    if "slack" in settings.model_fields_set:
        wanted.append(default.destination)
    why = f"no Slack token or webhook URL (${settings.slack.token_env} / ${settings.slack.webhook_env} not set)"
    return {
        d: why if d.startswith("slack:") else "off: its URL is not set"
        for d in dict.fromkeys(wanted)
        if d not in notifiers
    }


def configured_routes(settings: Settings) -> tuple[list[Route], Route]:
    """Every route of the config, on or off, and the default channel's (`routes test` shows them all)."""
    default = Route(slack_destination(settings.slack.channel), min_amount=settings.slack.min_amount)
    return [_route(s) for s in settings.routes], default


def _router(settings: Settings, notifiers: Mapping[str, Notifier], unreachable: Mapping[str, str]) -> Router:
    """Routes to destinations that are open, and to those the config asks for that are off (a token
    not set yet): their alerts are kept as failed, for `alerts retry` once it is set. The default
    channel of a config without [slack] and without a token is no such destination."""
    configured, default = configured_routes(settings)
    wanted = set(notifiers) | set(unreachable)
    routes = [r for r in configured if r.destination in wanted]
    always = [CONSOLE] if CONSOLE in notifiers else []
    return Router(routes, default if default.destination in wanted else None, always)


def _route(route: RouteSettings) -> Route:
    return Route(
        destination=route_destination(route),
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

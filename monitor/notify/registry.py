"""Every kind of destination an alert can go to: a new notifier is one module and one line here.

A kind has a name (the part of a stored destination before the colon: `slack:#deals`), the key a
`[[routes]]` entry uses to name one, and how its notifiers are opened from the config."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import aiohttp

from monitor.notify import console, slack, webhook
from monitor.notify.base import Notifier
from monitor.settings import RouteSettings, Settings
from storage.states import Destination

# (settings, environment, HTTP session, notes for the start-up line) -> notifiers by destination
Opener = Callable[[Settings, Mapping[str, str], aiohttp.ClientSession, list[str]], dict[str, Notifier]]


@dataclass(frozen=True, slots=True)
class NotifierKind:
    name: str
    route_key: str | None  # the [[routes]] key naming a destination of this kind; None: not routable
    open: Opener


NOTIFIER_KINDS = (
    NotifierKind(console.KIND, None, console.open_console),
    NotifierKind(slack.KIND, "channel", slack.open_slack),
    NotifierKind(webhook.KIND, "webhook", webhook.open_webhooks),
)


def route_destination(route: RouteSettings) -> Destination:
    """The destination a route names (the config's check makes it name exactly one)."""
    for kind in NOTIFIER_KINDS:
        place = getattr(route, kind.route_key) if kind.route_key else ""
        if place:
            return Destination.of(kind.name, place)
    raise ValueError("a route names no destination")  # unreachable after the config's check

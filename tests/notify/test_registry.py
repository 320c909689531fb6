"""The notifier registry: each kind named once, routes resolved through it, notifiers closed at the end."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
import pytest

from monitor.notify import destinations, registry
from monitor.notify.base import Alert, Delivery, Notifier
from monitor.notify.registry import NOTIFIER_KINDS, NotifierKind, route_destination
from monitor.settings import RouteSettings, Settings
from storage.states import CONSOLE, Destination


def test_kinds_are_named_once_and_route_by_keys_a_route_has() -> None:
    names = [kind.name for kind in NOTIFIER_KINDS]
    assert len(names) == len(set(names)) and CONSOLE.kind in names
    assert all(kind.route_key in RouteSettings.model_fields for kind in NOTIFIER_KINDS if kind.route_key)


def test_a_route_names_its_destination_through_the_registry() -> None:
    assert route_destination(RouteSettings(channel="#deals")) == "slack:#deals"
    assert route_destination(RouteSettings(webhook="crm")) == "webhook:crm"
    assert Destination("slack:#deals").kind == "slack" and Destination("slack:#deals").place == "#deals"


class Recording:
    name = "recording"
    closed = 0

    async def send(self, alerts: Sequence[Alert]) -> Delivery:
        return Delivery()

    async def find_delivered(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        return {}

    async def aclose(self) -> None:
        Recording.closed += 1


def open_recording(
    settings: Settings, env: Mapping[str, str], session: aiohttp.ClientSession, notes: list[str]
) -> dict[str, Notifier]:
    notes.append("recording")
    return {"recording": Recording()}


async def test_a_new_kind_is_one_registry_line_and_its_notifiers_are_closed_when_the_daemon_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kinds: Any = (*NOTIFIER_KINDS, NotifierKind("recording", None, open_recording))
    monkeypatch.setattr(destinations, "NOTIFIER_KINDS", kinds)
    monkeypatch.setattr(registry, "NOTIFIER_KINDS", kinds)
    settings = Settings.model_validate({"edgar": {"user_agent": "Tests tests@example.com"}})
    async with destinations.open_destinations(settings, {}) as opened:
        assert set(opened.notifiers) == {CONSOLE, "recording"}
        assert "recording" in opened.describe()
        assert Recording.closed == 0
    assert Recording.closed == 1

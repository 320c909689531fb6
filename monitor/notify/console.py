"""Alerts printed on stdout, one compact line each."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

import aiohttp

from monitor.escape import for_terminal
from monitor.notify.base import Alert, Delivery, Notifier
from monitor.settings import Settings
from storage.states import CONSOLE

KIND = "console"  # one destination, stored as "console"


class ConsoleNotifier:
    name: str = CONSOLE

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, alerts: Sequence[Alert]) -> Delivery:
        stream = self._stream or sys.stdout
        for alert in alerts:
            stream.write(f"ALERT {for_terminal(alert.summary())}\n")
        stream.flush()
        return Delivery(detail="printed")

    async def find_delivered(self, alerts: Sequence[Alert]) -> dict[int, Delivery]:
        return {}  # a line printed before a crash cannot be looked up: print it again

    async def aclose(self) -> None:
        return None


def open_console(
    settings: Settings, env: Mapping[str, str], session: aiohttp.ClientSession, notes: list[str]
) -> dict[str, Notifier]:
    if not settings.console.enabled:
        return {}
    notes.append("console")
    notifiers: dict[str, Notifier] = {CONSOLE: ConsoleNotifier()}
    return notifiers

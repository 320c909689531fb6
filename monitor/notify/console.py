"""Alerts printed on stdout, one compact line each."""

from __future__ import annotations

import sys
from typing import TextIO

from monitor.notify.base import Alert, Delivery


class ConsoleNotifier:
    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, alert: Alert) -> Delivery:
        stream = self._stream or sys.stdout
        stream.write(f"ALERT {alert.summary()}\n")
        stream.flush()
        return Delivery()

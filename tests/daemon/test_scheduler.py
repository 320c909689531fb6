"""The scheduler's own duties, in process: rule reloads stay off the event loop."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import pytest

from monitor.daemon.scheduler import Daemon
from monitor.settings import Settings


async def test_a_sighup_reload_runs_in_a_worker_thread_like_the_timers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.model_validate({"edgar": {"user_agent": "Tests tests@example.com"}, "path": tmp_path / "c"})
    daemon = Daemon(settings)
    caplog.set_level(logging.INFO, logger="monitor.daemon.rulebook")
    daemon._on_reload_signal()
    await asyncio.gather(*daemon._jobs_running)
    (record,) = [r for r in caplog.records if "rules re-read: unchanged" in r.getMessage()]
    assert record.threadName != threading.current_thread().name

"""Running the real daemon (`filing-monitor run`, a subprocess) against the fake EDGAR in the test's loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from fakes.edgar import FakeEdgar
from fakes.filings import FakeFiling, load_samples
from monitor.extraction import scan_bytes
from rules.engine import RuleSet
from storage.repository import Store
from tests.conftest import ROOT, SAMPLES, serving


def write_config(
    folder: Path,
    base_url: str,
    database_url: str,
    *,
    edgar: dict[str, object] | None = None,
    rules: dict[str, object] | None = None,
    daemon: dict[str, object] | None = None,
    logging: dict[str, object] | None = None,
    slack: dict[str, object] | None = None,
    extra: str = "",
) -> Path:
    sections: dict[str, dict[str, object]] = {
        "edgar": {
            "base_url": base_url,
            "user_agent": "filing-monitor tests tests@example.com",
            "forms": ["8-K", "8-K/A", "D", "424B5"],
            "poll_seconds": 0.5,
            "max_requests_per_second": 10,
            "timeout_seconds": 1.0,
        }
        | (edgar or {}),
        "storage": {"url": database_url},
        "daemon": {"workers": 4, "retry_seconds": 1} | (daemon or {}),
        "rules": {"reload_seconds": 0.2} | (rules or {}),
        "logging": logging or {},
    }
    if slack is not None:  # a config without [slack] and no token alerts on the console only
        sections["slack"] = slack
    config = folder / "config.toml"
    config.write_text("\n".join(_toml_section(name, values) for name, values in sections.items()) + extra)
    return config


class Served(NamedTuple):
    fake: FakeEdgar
    base_url: str
    config: Path


@contextlib.asynccontextmanager
async def edgar_publishing(folder: Path, *filings: FakeFiling, **config: Any) -> AsyncIterator[Served]:
    """A fake EDGAR serving `filings`, and a config in `folder` for a daemon on SQLite that reads it."""
    fake = FakeEdgar()
    fake.publish(*filings)
    async with serving(fake.app()) as base_url:
        yield Served(fake, base_url, write_config(folder, base_url, "sqlite:///monitor.db", **config))


def _toml_section(name: str, values: dict[str, object]) -> str:
    lines = [f"[{name}]"] + [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def environment(**overrides: str) -> dict[str, str]:
    """The tests' own environment, without a developer's real Slack token or webhook (never post from tests)."""
    kept = {k: v for k, v in os.environ.items() if k not in ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL")}
    return kept | {"PYTHONUNBUFFERED": "1"} | overrides


async def command(*arguments: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """A `filing-monitor` command run to its end, as a user runs it: exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", *arguments,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT, env=environment(**(env or {})),
    )  # fmt: skip
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


_started: list[DaemonProcess] = []


@pytest.fixture(autouse=True)
async def _no_daemon_outlives_its_test() -> AsyncIterator[None]:
    """A failed assertion must not leave a daemon running (polling, posting) behind the test."""
    yield
    while _started:
        daemon = _started.pop()
        if daemon.process is not None and daemon.process.returncode is None:
            await daemon.kill()


class DaemonProcess:
    """`filing-monitor run` as users start it, its output kept in a log file."""

    def __init__(self, config: Path, env: dict[str, str] | None = None) -> None:
        self.config = config
        self.env = env or {}
        self.log = config.parent / "daemon.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, *options: str) -> None:
        output = self.log.open("ab")
        _started.append(self)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor", "run", "--config", str(self.config), *options,
            stdout=output, stderr=output, cwd=ROOT, env=environment(**self.env),
        )  # fmt: skip
        output.close()

    async def stop(self, within: float = 10.0) -> tuple[int, float]:
        """SIGTERM; the exit code and how long it took."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), within)
        return code, time.monotonic() - started

    def signal(self, number: int) -> None:
        assert self.process is not None
        self.process.send_signal(number)

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        await self.process.wait()

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def assert_running(self) -> None:
        assert self.process is not None and self.process.returncode is None, self.text()[-3000:]


async def wait_until(condition: Callable[[], Awaitable[bool]], timeout: float, daemon: DaemonProcess) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        daemon.assert_running()
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:g} s; daemon log ends:\n{daemon.text()[-3000:]}")
        await asyncio.sleep(0.2)


def stored_count(store: Store, expected: int, status: str | None = None) -> Callable[[], Awaitable[bool]]:
    async def done() -> bool:
        return await store.count_filings(status) >= expected

    return done


def renumbered_copies(filings: list[FakeFiling], count: int, day: date, first: int = 1) -> list[FakeFiling]:
    """`count` distinct filings cycled from a few real ones, each under its own accession number."""
    return [
        filings[n % len(filings)].renumbered(f"0001{(first + n):06d}-26-{(first + n):06d}", day) for n in range(count)
    ]


def expected_events(filing: FakeFiling, ruleset: RuleSet) -> list[dict[str, object]]:
    """What `scan` finds in the very bytes the fake serves."""
    result = scan_bytes(filing.body, filing.path, ruleset)
    assert result.error is None, result.error
    return [_comparable(e.to_json()) for e in result.events]


def _comparable(event: dict[str, object]) -> dict[str, object]:
    keys = ("type", "rule", "fields", "evidence", "start", "end", "document")
    return {key: event.get(key) for key in keys}


def stored_comparable(events: list[dict[str, object]]) -> list[dict[str, object]]:
    return [_comparable(e) for e in events]


@pytest.fixture
def sample_filings() -> list[FakeFiling]:
    return load_samples(SAMPLES)


OpenStore = Callable[[str], Awaitable[Store]]


@pytest.fixture
async def open_store() -> AsyncIterator[OpenStore]:
    opened: list[Store] = []

    async def open_one(url: str) -> Store:
        store = await Store.open(url)
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        await store.close()

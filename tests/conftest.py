"""Shared fixtures: the project's samples, and ../shared when it is there."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from monitor.settings import EdgarSettings
from rules.catalogue import CATALOGUE
from rules.engine import RuleSet
from rules.loader import load_rules

# Compiled trigger databases (rules.prefilter) go to a folder of the test run, not the user's cache.
os.environ.setdefault("FILING_MONITOR_CACHE", str(Path(tempfile.gettempdir()) / f"filing-monitor-tests-{os.getpid()}"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "000_5be251fb1d6ea1d0.txt"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips (or fails under REQUIRE_SHARED=1) where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is not here: the shared corpus sits beside the project in development checkouts"
        if os.environ.get("REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def catalogue_as_it_was() -> Iterator[None]:
    """Each test starts from the event types in force before it: a pack one test loads is no other's."""
    types = dict(CATALOGUE.types)
    yield
    CATALOGUE.types = types


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return RuleSet(load_rules())


@pytest.fixture
def corpus() -> Path:
    return shared_path("corpus", "filings")


POSTGRES_ADMIN_URL = os.environ.get("FILING_MONITOR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def _postgres_admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        message = f"no PostgreSQL answers at {POSTGRES_ADMIN_URL} ({error}); CI sets REQUIRE_POSTGRES=1 and runs these"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)


@contextlib.asynccontextmanager
async def fresh_database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """A new, empty database of the kind asked for; its async URL. PostgreSQL ones are dropped after."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'monitor.db'}"
        return
    admin = await _postgres_admin()
    name = f"fm_test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with fresh_database(request.param, tmp_path) as url:
        yield url


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """A fake service on a free local port (aiohttp's test server); its base URL."""
    server = TestServer(app)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def edgar_settings(base_url: str, **overrides: object) -> EdgarSettings:
    values: dict[str, object] = {"base_url": base_url, "user_agent": "Tests tests@example.com", "timeout_seconds": 1.0}
    return EdgarSettings.model_validate(values | overrides)

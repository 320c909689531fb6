"""Hard faults under the running daemon: it stops loudly rather than lose or double alerts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg

from fakes.edgar import FakeEdgar
from fakes.filings import FakeFiling
from monitor.edgar.calendar import edgar_today
from storage import Store
from tests.conftest import POSTGRES_ADMIN_URL, fresh_database, serving
from tests.daemon.conftest import DaemonProcess, OpenStore, renumbered_copies, stored_count, wait_until, write_config


async def test_a_sqlite_file_deleted_under_the_daemon_stops_it_loudly(
    tmp_path: Path, sample_filings: list[FakeFiling], open_store: OpenStore
) -> None:
    fake = FakeEdgar(rate_limit=10)
    fake.publish(*renumbered_copies(sample_filings, 40, edgar_today()))
    database = tmp_path / "monitor.db"
    async with serving(fake.app()) as base_url:
        daemon = DaemonProcess(write_config(tmp_path, base_url, f"sqlite:///{database}"))
        store = await open_store(f"sqlite:///{database}")
        await daemon.start()
        await wait_until(stored_count(store, 3), 60, daemon)
        await store.close()
        for path in tmp_path.glob("monitor.db*"):
            path.unlink()
        assert daemon.process is not None
        code = await asyncio.wait_for(daemon.process.wait(), 10)
    assert code == 1
    assert f"the database file {database} was deleted while in use: stopping" in daemon.text()
    assert "Traceback" not in daemon.text()


async def test_a_database_refusing_writes_for_a_while_costs_a_few_log_lines_and_no_filing(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    fake = FakeEdgar(rate_limit=10)
    first = renumbered_copies(sample_filings, 30, edgar_today())
    later = renumbered_copies(sample_filings, 30, edgar_today(), first=100)
    fake.publish(*first)
    async with fresh_database("postgresql", tmp_path) as url, serving(fake.app()) as base_url:
        name = url.rsplit("/", 1)[1]
        daemon = DaemonProcess(write_config(tmp_path, base_url, url, daemon={"retry_seconds": 0.5}))
        store = await Store.open(url)
        await daemon.start()
        await wait_until(stored_count(store, len(first), "done"), 60, daemon)
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            # Read-only from now on, for every new connection: the daemon's next ones fail every write.
            await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            await admin.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            fake.publish(*later)
            await asyncio.sleep(6)
            await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
            await admin.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        finally:
            await admin.close()
        await store.close()
        store = await Store.open(url)
        await wait_until(stored_count(store, len(first) + len(later), "done"), 60, daemon)
        code, _ = await daemon.stop()
        await store.close()
    assert code == 0
    log = daemon.text()
    problems = [line for line in log.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert "read-only" in log and "works again, after" in log
    assert len(problems) <= 12, "\n".join(problems)
    assert log.count("Traceback") <= 3

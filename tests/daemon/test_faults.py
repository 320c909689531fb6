"""Hard faults under the running daemon: it stops loudly rather than lose or double alerts."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import asyncpg

from fakes.edgar import FakeEdgar, HostileBody
from fakes.filings import FakeFiling
from monitor.edgar.calendar import edgar_today
from storage.repository import Store
from tests.conftest import POSTGRES_ADMIN_URL, fresh_database, serving
from tests.daemon.conftest import (
    DaemonProcess,
    OpenStore,
    command,
    renumbered_copies,
    stored_count,
    wait_until,
    write_config,
)


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


async def test_a_sqlite_file_deleted_under_an_idle_daemon_stops_it_within_seconds(
    tmp_path: Path, sample_filings: list[FakeFiling], open_store: OpenStore
) -> None:
    fake = FakeEdgar(rate_limit=10)
    fake.publish(*sample_filings)
    database = tmp_path / "monitor.db"
    async with serving(fake.app()) as base_url:
        # Nothing to write for a minute: no poll, no retry, so only the database check can notice.
        config = write_config(
            tmp_path,
            base_url,
            f"sqlite:///{database}",
            edgar={"poll_seconds": 60},
            daemon={"retry_seconds": 60},
        )
        daemon = DaemonProcess(config)
        store = await open_store(f"sqlite:///{database}")
        await daemon.start()
        await wait_until(stored_count(store, len(sample_filings), "done"), 60, daemon)
        await store.close()
        await asyncio.sleep(1)  # the first poll's last write is done
        for path in tmp_path.glob("monitor.db*"):
            path.unlink()
        assert daemon.process is not None
        code = await asyncio.wait_for(daemon.process.wait(), 5)
    assert code == 1
    assert f"the database file {database} was deleted while in use: stopping" in daemon.text()


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


async def test_first_starts_killed_at_random_moments_leave_a_database_that_opens(tmp_path: Path) -> None:
    # As an unlucky operator would: `run` killed during its very first start, again and again; the
    # moment is 0-25 ms after the database file appears, while the schema is being made.
    config = write_config(tmp_path, "http://127.0.0.1:9", "sqlite:///monitor.db")
    database = tmp_path / "monitor.db"
    for delay in random.Random(9).sample(range(0, 25), 10):
        for leftover in tmp_path.glob("monitor.db*"):
            leftover.unlink()
        daemon = DaemonProcess(config)
        await daemon.start()
        while not database.exists():
            daemon.assert_running()
            await asyncio.sleep(0.001)
        await asyncio.sleep(delay / 1000)
        await daemon.kill()
        code, _, err = await command("status", "--config", str(config))
        assert "Traceback" not in err and "already exists" not in err, err
        assert code == 0 or "no filing-monitor schema in it" in err, err  # killed before the migration committed
        store = await Store.open(f"sqlite:///{database}")  # the next start makes or finds the whole schema
        await store.close()


async def test_gzip_bombs_and_endless_bodies_cost_only_their_own_filings(
    tmp_path: Path, sample_filings: list[FakeFiling], open_store: OpenStore
) -> None:
    bomb, endless, *good = renumbered_copies(sample_filings, 6, edgar_today())
    fake = FakeEdgar(
        hostile={bomb.accession: HostileBody("gzip_bomb", 256), endless.accession: HostileBody("oversized", 100)}
    )
    fake.publish(bomb, endless, *good)
    async with serving(fake.app()) as base_url:
        config = write_config(tmp_path, base_url, "sqlite:///monitor.db", edgar={"max_body_mb": 20})
        code, _, err = await command("run", "--config", str(config), "--once")
    assert code == 0, err
    store = await open_store(f"sqlite:///{tmp_path / 'monitor.db'}")
    assert await store.count_filings("done") == len(good)
    for hostile in (bomb, endless):
        stored = await store.filing(hostile.accession)
        assert stored is not None and stored.filing.status == "failed"
        assert "max_body_mb" in (stored.filing.error or "")
    assert "Traceback" not in err

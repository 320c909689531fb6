"""Replay throughput: `rules replay` over stored filings, from the filing store, 1 process beside N.

    python bench/replay.py [--copies 2] [--workers N]

Stores both corpora (or samples/ when they are absent) as processed filings in a SQLite database
and their bodies in a filing store, --copies times under new accession numbers, then times a dry-run
replay of all of them with one worker process and with N (one per core by default), and prints
filings/s and MB/s side by side. Nothing is fetched: every body comes from the store.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakes.filings import from_submission  # noqa: E402
from monitor.daemon.replay import replay  # noqa: E402
from monitor.daemon.runtime import filing_store_of  # noqa: E402
from monitor.settings import Settings, load_settings  # noqa: E402
from storage.repository import ProcessedFiling, Store  # noqa: E402

CONFIG = """
[edgar]
base_url = "http://127.0.0.1:9"
user_agent = "filing-monitor bench bench@example.com"
[storage]
url = "sqlite:///replay.db"
[console]
enabled = false
"""


def corpus() -> list[Path]:
    folders = [ROOT.parent / "shared" / name / "filings" for name in ("corpus", "corpus-wide")]
    found = [folder for folder in folders if folder.is_dir()] or [ROOT / "samples"]
    return sorted(p for folder in found for p in folder.iterdir() if p.suffix in (".txt", ".htm", ".xml"))


async def stored(settings: Settings, files: list[Path], copies: int) -> int:
    """The files as processed filings with no events, and their bodies in the store; their bytes."""
    store = await Store.open(settings.database_url())
    archive = filing_store_of(settings)
    assert archive is not None
    total = 0
    try:
        for copy in range(copies):
            for number, path in enumerate(files):
                accession = f"{9000000000 + copy:010d}-25-{number:06d}"
                data = _as_filed_under(path.read_bytes(), accession)
                archive.put(accession, data)
                total += len(data)
                url = f"http://127.0.0.1:9/{accession}.txt"
                filing = ProcessedFiling(accession, url, "1", "8-K", "BENCH", date(2025, 1, 2), [], "bench")
                await store.save_processed(filing, [])
    finally:
        await store.close()
    return total


def _as_filed_under(data: bytes, accession: str) -> bytes:
    """The submission under the bench's accession number: the filing store refuses a copy whose
    header names another filing's (a lone document has no header, and is kept as it is)."""
    try:
        return from_submission(data).renumbered(accession).body
    except ValueError:
        return data


async def timed_replay(settings: Settings, workers: int) -> float:
    store = await Store.open(settings.database_url())
    try:
        started = time.perf_counter()
        await replay(store, settings, settings.rule_sources(), date(2025, 1, 1), None, [], False, False, workers)
        return time.perf_counter() - started
    finally:
        await store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fm-replay-") as scratch:
        config = Path(scratch) / "config.toml"
        config.write_text(CONFIG)
        settings = load_settings(config)
        files = corpus()
        total = asyncio.run(stored(settings, files, args.copies))
        count = len(files) * args.copies
        mb = total / 1_000_000
        print(f"input: {count} stored filings, {mb:.1f} MB, all in the filing store")
        for workers in sorted({1, args.workers}):
            seconds = asyncio.run(timed_replay(settings, workers))
            print(
                f"replay, {workers} process{'es' if workers > 1 else ''}: {seconds:.2f} s, "
                f"{count / seconds:.1f} filings/s, {mb / seconds:.1f} MB/s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

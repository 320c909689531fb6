"""How long a command takes before it does anything, as a user starts it.

    python bench/startup.py [--runs 7]

Times `filing-monitor --version`, `--help`, `scan --help` and a scan of the seed filing, each the
median of --runs runs in a process of its own, against `python -c pass` on the same machine; then
`status` on a SQLite database of 1,000 filings and `config check` of its config. Targets (issue 23):
--version and --help within 0.2 s, status and config check within 0.6 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 0.2
TARGET_DATABASE_SECONDS = 0.6
STATUS_FILINGS = 1000
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "--version": [sys.executable, "-m", "monitor", "--version"],
    "--help": [sys.executable, "-m", "monitor", "--help"],
    "scan --help": [sys.executable, "-m", "monitor", "scan", "--help"],
    "scan (the seed)": [sys.executable, "-m", "monitor", "scan", str(ROOT / "samples" / "000_5be251fb1d6ea1d0.txt")],
}


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def filled_database(folder: Path) -> Path:
    """A config and a SQLite database of STATUS_FILINGS processed filings, each with an event and an alert."""
    from rules.events import Event
    from storage.repository import ProcessedFiling, Store

    store = await Store.open(f"sqlite:///{folder / 'status.db'}")
    try:
        for number in range(STATUS_FILINGS):
            accession = f"0003{number:06d}-26-{number:06d}"
            event = Event("share_sale", "shares-sold", {"shares": 1000 + number}, "sold", 0, 4, "8-K")
            processed = ProcessedFiling(
                accession, f"http://edgar.test/{accession}.txt", str(4000 + number), "8-K", f"FILER {number} INC",
                date(2026, 11, 2), [event], "bench",
            )  # fmt: skip
            await store.save_processed(processed, ["console"])
    finally:
        await store.close()
    config = folder / "config.toml"
    config.write_text(
        '[edgar]\nuser_agent = "filing-monitor bench bench@example.org.invalid"\n'
        f'[storage]\nurl = "sqlite:///{folder / "status.db"}"\n'
    )
    return config


def judged(name: str, seconds: float, target: float) -> bool:
    ok = seconds <= target
    print(f"{name}: {seconds:.3f} s; target <= {target} s: ratio {seconds / target:.2f} {'MET' if ok else 'NOT MET'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    met = True
    for name, command in COMMANDS.items():
        seconds = median_seconds(command, args.runs)
        if name in ("--version", "--help"):
            met = judged(f"start-up {name}", seconds, TARGET_SECONDS) and met
        else:
            print(f"start-up {name}: {seconds:.3f} s")
    with tempfile.TemporaryDirectory(prefix="fm-startup-") as temp:
        config = asyncio.run(filled_database(Path(temp)))
        monitor = [sys.executable, "-m", "monitor"]
        status = median_seconds([*monitor, "status", "--config", str(config)], args.runs)
        met = judged(f"status on {STATUS_FILINGS:,} filings (SQLite)", status, TARGET_DATABASE_SECONDS) and met
        check = median_seconds([*monitor, "config", "check", "--config", str(config)], args.runs)
        met = judged("config check", check, TARGET_DATABASE_SECONDS) and met
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

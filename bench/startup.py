"""How long a command takes before it does anything, as a user starts it.

    python bench/startup.py [--runs 7]

Times `filing-monitor --version`, `--help`, `scan --help` and a scan of the seed filing, each the
median of --runs runs in a process of its own, against `python -c pass` on the same machine. Target
(issue 23): --version and --help within 0.2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.2
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    met = True
    for name, command in COMMANDS.items():
        seconds = median_seconds(command, args.runs)
        judged = name in ("--version", "--help")
        verdict = f"; target <= {TARGET_SECONDS} s: ratio {seconds / TARGET_SECONDS:.2f} " if judged else ""
        if judged:
            met = met and seconds <= TARGET_SECONDS
            verdict += "MET" if seconds <= TARGET_SECONDS else "NOT MET"
        print(f"start-up {name}: {seconds:.3f} s{verdict}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

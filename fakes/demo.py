"""`make demo`: the real daemon against a local replay of the sample filings.

Starts the fake EDGAR on a free local port with every file in `samples/`, writes a config beside a
fresh SQLite database in `.demo/`, runs `filing-monitor run --once` (catch up, poll, process, alert,
exit) and then lists what it stored.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from aiohttp import web

from fakes.edgar import FakeEdgar
from fakes.filings import load_samples

CONFIG = """\
# Written by `make demo`: the daemon reads the fake EDGAR that replays samples/.
[edgar]
base_url = "{base_url}"
user_agent = "filing-monitor demo demo@example.com"
forms = ["8-K", "8-K/A", "D", "424B5"]
poll_seconds = 5
max_requests_per_second = 10

[storage]
url = "sqlite:///filing-monitor.db"
"""


async def serve(fake: FakeEdgar) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def demo(samples: Path, workdir: Path) -> int:
    fake = FakeEdgar(rate_limit=10)
    filings = load_samples(samples)
    fake.publish(*filings)
    runner, base_url = await serve(fake)
    try:
        workdir.mkdir(exist_ok=True)
        for old in workdir.glob("filing-monitor.db*"):
            old.unlink()
        config = workdir / "config.toml"
        config.write_text(CONFIG.format(base_url=base_url))
        print(f"fake EDGAR at {base_url} publishes {len(filings)} sample filings; daemon config: {config}", flush=True)
        code = await _run(sys.executable, "-m", "monitor", "run", "--config", str(config), "--once")
        if code == 0:
            code = await _run(sys.executable, "-m", "monitor", "events", "list", "--config", str(config))
    finally:
        await runner.cleanup()
    stats = fake.stats
    print(
        f"fake EDGAR served {stats.requests} requests, most in one second: {stats.max_in_window}, "
        f"over the limit: {stats.violations}"
    )
    return code


async def _run(*command: str) -> int:
    process = await asyncio.create_subprocess_exec(*command)
    return await process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=Path, default=Path("samples"))
    parser.add_argument("--workdir", type=Path, default=Path(".demo"))
    args = parser.parse_args()
    return asyncio.run(demo(args.samples, args.workdir))


if __name__ == "__main__":
    raise SystemExit(main())

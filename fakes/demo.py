"""`make demo`: the real daemon against a local replay of the sample filings.

Starts the fake EDGAR on a free local port with every file in `samples/`, writes a config beside a
fresh SQLite database in `.demo/`, runs `filing-monitor run --once` (catch up, poll, process, alert,
exit) and then lists what it stored. Then the filings of `samples/deal/` are published one at a
time, days apart as they were filed, each followed by `run --once`: Blue Cedar's PIPE (a sample
8-K) is followed across its Form D and its resale S-1 in one Slack thread, and the issuer's later,
unrelated convertible note gets a message of its own. Alerts are printed, and posted to Slack: the real one when
SLACK_BOT_TOKEN is set (channel SLACK_CHANNEL, default #financings), else a local fake Slack whose
messages the demo shows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from aiohttp import web

from fakes.edgar import FakeEdgar
from fakes.filings import load_samples
from fakes.slack import FakeSlack, render_blocks, render_mrkdwn

FAKE_TOKEN = "xoxb-demo-fake-slack"

CONFIG = """\
# Written by `make demo`: the daemon reads the fake EDGAR that replays samples/.
[edgar]
base_url = "{base_url}"
user_agent = "filing-monitor demo demo@example.com"
forms = ["8-K", "8-K/A", "D", "424B5", "S-1", "S-1/A", "424B3"]
poll_seconds = 5
max_requests_per_second = 10

[storage]
url = "sqlite:///filing-monitor.db"

[slack]
base_url = "{slack_url}"
token_env = "SLACK_BOT_TOKEN"
channel = "{channel}"
"""


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def demo(samples: Path, workdir: Path) -> int:
    fake = FakeEdgar(rate_limit=10)
    filings = load_samples(samples)
    fake.publish(*filings)
    fake_slack = None if os.environ.get("SLACK_BOT_TOKEN") else FakeSlack(token=FAKE_TOKEN)
    runner, base_url = await serve(fake.app())
    slack_runner, slack_url = await serve(fake_slack.app()) if fake_slack else (None, "")
    environment = dict(os.environ) | ({"SLACK_BOT_TOKEN": FAKE_TOKEN} if fake_slack else {})
    try:
        workdir.mkdir(exist_ok=True)
        for old in workdir.glob("filing-monitor.db*"):
            old.unlink()
        config = workdir / "config.toml"
        slack_api = f"{slack_url}/api/" if fake_slack else os.environ.get("SLACK_BASE_URL", "https://slack.com/api/")
        channel = os.environ.get("SLACK_CHANNEL", "#financings")
        config.write_text(CONFIG.format(base_url=base_url, slack_url=slack_api, channel=channel))
        print(f"fake EDGAR at {base_url} publishes {len(filings)} sample filings; daemon config: {config}", flush=True)
        print(f"Slack: {'a local fake (set SLACK_BOT_TOKEN for the real one)' if fake_slack else slack_api}")
        command = ("run", "--config", str(config), "--once")
        code = await _run(sys.executable, "-m", "monitor", *command, env=environment)
        for later in load_samples(samples / "deal") if code == 0 and (samples / "deal").is_dir() else []:
            print(f"\n{later.day}: {later.company} files a {later.form} ({later.accession})", flush=True)
            fake.publish(later)
            code = await _run(sys.executable, "-m", "monitor", *command, env=environment)
            if code != 0:
                break
        if code == 0:
            code = await _run(sys.executable, "-m", "monitor", "events", "list", "--config", str(config))
        if code == 0:
            code = await _run(sys.executable, "-m", "monitor", "deals", "list", "--config", str(config))
    finally:
        await runner.cleanup()
        if slack_runner:
            await slack_runner.cleanup()
    if fake_slack:
        _show_fake_slack(fake_slack)
    stats = fake.stats
    print(
        f"fake EDGAR served {stats.requests} requests, most in one second: {stats.max_in_window}, "
        f"over the limit: {stats.violations}"
    )
    return code


def _show_fake_slack(fake: FakeSlack) -> None:
    messages = fake.all_messages()
    print(f"fake Slack received {len(messages)} messages in #{fake.channels['C0FINANCE']}:")
    for message in messages:
        print(f"  {render_mrkdwn(message['text'])[:150]}")
        for reply in fake.thread(message["ts"]):
            print(f"      ↳ in its thread: {render_mrkdwn(reply['text'])[:140]}")
    updated = [m for m in messages if m.get("edited")]
    for message in updated:
        print("a deal's message, as its last update left it:")
        print("    " + render_blocks(message["blocks"]).replace("\n", "\n    "))
    seed = next((m for m in messages if "NEOTHERAPEUTICS" in m["text"]), messages[0] if messages else None)
    if seed is not None:
        print("the seed filing's message, as its blocks read:")
        print("    " + render_blocks(seed["blocks"]).replace("\n", "\n    "))


async def _run(*command: str, env: dict[str, str] | None = None) -> int:
    process = await asyncio.create_subprocess_exec(*command, env=env)
    return await process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=Path, default=Path("samples"))
    parser.add_argument("--workdir", type=Path, default=Path(".demo"))
    args = parser.parse_args()
    return asyncio.run(demo(args.samples, args.workdir))


if __name__ == "__main__":
    raise SystemExit(main())

"""The fakes on their own, to try a real config against them:

    python -m fakes edgar --filings samples --port 8081
    python -m fakes slack --port 8082 --token xoxb-local

Point `[edgar] base_url` (and `data_url`) at the first and `[slack] base_url` at the second's
`/api/`, set SLACK_BOT_TOKEN to the token, and run the daemon. Each fake prints what it serves
and runs until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path

from aiohttp import web

from fakes.edgar import FakeEdgar
from fakes.filings import load_samples
from fakes.slack import FakeSlack, render_mrkdwn

_PRINTER = web.AppKey("printer", asyncio.Task[None])


async def _serve(app: web.Application, port: int, what: str) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"{what} at http://127.0.0.1:{runner.addresses[0][1]} (Ctrl-C stops it)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def _edgar(filings: list[Path], rate_limit: int) -> web.Application:
    fake = FakeEdgar(rate_limit=rate_limit or None)
    for folder in filings:
        if not folder.is_dir():
            raise SystemExit(f"fakes edgar: {folder}: not a folder of filings")
        fake.publish(*load_samples(folder))
    print(f"the fake EDGAR publishes {len(fake.filings)} filings from {', '.join(map(str, filings))}")
    return fake.app()


def _slack(token: str) -> web.Application:
    fake = FakeSlack(token=token)
    print(f"the fake Slack takes token {token!r}; channels: {', '.join('#' + n for n in fake.channels.values())}")
    app = fake.app()

    async def show_new_messages(app: web.Application) -> None:
        async def loop() -> None:
            seen = 0
            while True:
                messages = fake.all_messages()
                for message in messages[seen:]:
                    print(f"  #{fake.channels[message['channel']]}: {render_mrkdwn(message['text'])[:200]}", flush=True)
                seen = len(messages)
                await asyncio.sleep(0.5)

        app[_PRINTER] = asyncio.create_task(loop())

    async def stop_showing(app: web.Application) -> None:
        app[_PRINTER].cancel()

    app.on_startup.append(show_new_messages)
    app.on_cleanup.append(stop_showing)
    return app


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m fakes", description="local stand-ins for EDGAR and Slack")
    kinds = parser.add_subparsers(dest="kind", required=True)
    edgar = kinds.add_parser("edgar", help="a fake EDGAR: feed, daily indexes, submissions, tickers, company facts")
    edgar.add_argument(
        "--filings",
        type=Path,
        action="append",
        required=True,
        metavar="DIR",
        help="folder of filings to publish (repeatable)",
    )
    edgar.add_argument("--port", type=int, default=8081, help="port on 127.0.0.1 (default 8081; 0: any free one)")
    edgar.add_argument("--rate-limit", type=int, default=10, metavar="N", help="requests a second before 429 (0: none)")
    slack = kinds.add_parser("slack", help="a fake Slack Web API: messages, threads, updates, history")
    slack.add_argument("--port", type=int, default=8082, help="port on 127.0.0.1 (default 8082; 0: any free one)")
    slack.add_argument("--token", default="xoxb-local", help="the bot token it accepts (default xoxb-local)")
    args = parser.parse_args()
    app = _edgar(args.filings, args.rate_limit) if args.kind == "edgar" else _slack(args.token)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(app, args.port, f"the fake {'EDGAR' if args.kind == 'edgar' else 'Slack'}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

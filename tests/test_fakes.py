"""The fakes started on their own (`python -m fakes edgar|slack`), as a user tries a real config
against them: each says where it listens and answers there as the real service would."""

from __future__ import annotations

import asyncio
import re
import sys

import aiohttp

from tests.conftest import ROOT, SAMPLES


async def started(*arguments: str) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fakes", *arguments, "--port", "0",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert line, "the fake ended before saying where it listens"
        if found := re.search(r"at (http://127\.0\.0\.1:\d+)", line):
            return process, found.group(1)


async def test_python_m_fakes_edgar_serves_the_feed_of_a_folder_and_slack_takes_the_token() -> None:
    edgar, edgar_url = await started("edgar", "--filings", str(SAMPLES), "--filings", str(SAMPLES / "deal"))
    slack, slack_url = await started("slack", "--token", "xoxb-try")
    try:
        async with aiohttp.ClientSession(headers={"User-Agent": "tests tests@example.com"}) as session:
            feed = f"{edgar_url}/cgi-bin/browse-edgar?action=getcurrent&type=S-1&company=&dateb=&owner=include&start=0&count=100&output=atom"
            async with session.get(feed) as answer:
                assert answer.status == 200 and "0001999999-24-000063" in await answer.text()
            post = {"channel": "#financings", "text": "hello"}
            async with session.post(
                f"{slack_url}/api/chat.postMessage", json=post, headers={"Authorization": "Bearer xoxb-try"}
            ) as answer:
                assert (await answer.json())["ok"] is True
    finally:
        for process in (edgar, slack):
            process.terminate()
            await process.wait()

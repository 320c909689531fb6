"""A deal followed by the real daemon, from the fake EDGAR to the fake Slack: one message per deal,
updated as its filings arrive, each later filing a reply in its thread; exactly once across a kill
between Slack's accept and its answer, and across a deleted database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fakes.edgar import FakeEdgar
from fakes.filings import FakeFiling
from fakes.slack import FakeSlack, render_mrkdwn
from tests.conftest import serving
from tests.daemon.conftest import DaemonProcess, command, wait_until, write_config
from tests.storage.test_deals import deal_filings

TOKEN = "xoxb-test-token"
FORMS = ["8-K", "D", "S-1"]


@dataclass
class Running:
    edgar: FakeEdgar
    slack: FakeSlack
    config: Path
    daemon: DaemonProcess


@asynccontextmanager
async def deal_services(tmp_path: Path, slack: FakeSlack, timeout: float = 1.0) -> AsyncIterator[Running]:
    edgar = FakeEdgar(rate_limit=10)
    async with serving(edgar.app()) as edgar_url, serving(slack.app()) as slack_url:
        config = write_config(
            tmp_path,
            edgar_url,
            f"sqlite:///{tmp_path / 'monitor.db'}",
            edgar={"forms": FORMS, "poll_seconds": 0.5, "max_requests_per_second": 8},
            slack={"base_url": f"{slack_url}/api/", "channel": "#financings", "timeout_seconds": timeout},
        )
        yield Running(edgar, slack, config, DaemonProcess(config, env={"SLACK_BOT_TOKEN": TOKEN}))


def top_level(slack: FakeSlack) -> list[dict[str, object]]:
    return [m for m in slack.messages["C0FINANCE"] if m.get("subtype") != "thread_broadcast"]


def replies_to(slack: FakeSlack, count: int) -> Callable[[], Awaitable[bool]]:
    async def done() -> bool:
        parents = top_level(slack)
        return bool(parents) and len(slack.thread(str(parents[0]["ts"]))) >= count

    return done


def messages(slack: FakeSlack, count: int) -> Callable[[], Awaitable[bool]]:
    async def done() -> bool:
        return len(top_level(slack)) >= count

    return done


def accessions(message: dict[str, object]) -> list[str]:
    metadata = message["metadata"]
    assert isinstance(metadata, dict)
    return str(metadata["event_payload"]["accessions"]).split()


async def publish_in_turn(running: Running, filings: list[FakeFiling]) -> None:
    """Each filing published once the one before it is in Slack: filed days apart, as deals are."""
    pipe, form_d, resale, note = filings
    running.edgar.publish(pipe)
    await wait_until(messages(running.slack, 1), 60, running.daemon)
    running.edgar.publish(form_d)
    await wait_until(replies_to(running.slack, 1), 60, running.daemon)
    running.edgar.publish(resale)
    await wait_until(replies_to(running.slack, 2), 60, running.daemon)
    running.edgar.publish(note)
    await wait_until(messages(running.slack, 2), 60, running.daemon)


def assert_one_deal_thread(slack: FakeSlack, filings: list[FakeFiling]) -> None:
    pipe, form_d, resale, note = filings
    parent, other = top_level(slack)
    thread = slack.thread(str(parent["ts"]))
    assert [accessions(m) for m in thread] == [[form_d.accession], [resale.accession]]
    assert all(m["thread_ts"] == parent["ts"] for m in thread)
    assert accessions(parent) == [pipe.accession]  # its own filing: an update keeps the metadata
    assert [u["ts"] for u in slack.updates] == [parent["ts"], parent["ts"]]
    assert accessions(other) == [note.accession] and not slack.thread(str(other["ts"]))
    shown = render_mrkdwn(str(parent["text"]))
    assert "deal #1" in shown and "3 filings" in shown
    assert "resale registration: 4,000,000 shares registered for resale" in render_mrkdwn(str(thread[1]["text"]))


async def test_a_pipe_its_form_d_and_resale_s1_are_one_thread_and_an_unrelated_8k_its_own_message(
    tmp_path: Path,
) -> None:
    filings = deal_filings()
    async with deal_services(tmp_path, FakeSlack(token=TOKEN, per_channel_per_second=20)) as running:
        await running.daemon.start()
        await publish_in_turn(running, filings)
        await asyncio.sleep(1.0)  # anything late would show now
        assert (await running.daemon.stop())[0] == 0
        assert_one_deal_thread(running.slack, filings)
        code, out, err = await command("deals", "list", "--config", str(running.config), env={"COLUMNS": "80"})
        assert code == 0, err
        assert "BLUE CEDAR" in out and "3: 8-K, D, S-1" in out
        assert max(len(line) for line in out.splitlines()) <= 80
        for listing in (("events", "list"), ("alerts", "list", "--all"), ("deals", "list")):
            code, out, err = await command(*listing, "--json", "--config", str(running.config))
            assert code == 0, err
            lines = [json.loads(line) for line in out.splitlines()]
            deal_of = {line.get("accession"): line.get("deal", line.get("id")) for line in lines}
            if listing[0] != "deals":
                assert deal_of[filings[0].accession] == deal_of[filings[1].accession] != deal_of[filings[3].accession]
        code, out, err = await command("deals", "show", "1", "--config", str(running.config))
        assert code == 0, err
        assert "Form D" in out and "names selling holders" in out and "agrees on" in out
        running.edgar.tickers = {"BCTX": "1999999", "OTHR": "42"}
        code, out, err = await command("deals", "list", "--ticker", "bctx", "--json", "--config", str(running.config))
        assert code == 0, err
        assert sorted(json.loads(line)["id"] for line in out.splitlines()) == [1, 2]
        code, out, err = await command("deals", "list", "--ticker", "OTHR", "--config", str(running.config))
        assert code == 0 and "0 deals" in out, err
        code, _, err = await command("deals", "list", "--ticker", "NOPE", "--config", str(running.config))
        assert (code, err.strip()) == (2, "filing-monitor: --ticker NOPE: not in the SEC's ticker list")
        code, _, err = await command("deals", "show", "99", "--config", str(running.config))
        assert (code, err.strip()) == (2, "filing-monitor: no deal 99 (`filing-monitor deals list` shows them)")


async def test_killed_between_slacks_accept_and_its_answer_a_reply_is_not_posted_twice(tmp_path: Path) -> None:
    filings = deal_filings()
    pipe, form_d, resale, note = filings
    slack = FakeSlack(token=TOKEN, per_channel_per_second=20)
    async with deal_services(tmp_path, slack, timeout=10.0) as running:
        await running.daemon.start()
        running.edgar.publish(pipe)
        await wait_until(messages(slack, 1), 60, running.daemon)
        # From now on Slack posts at once and answers 5 s later: the kill falls in between.
        slack.faults.rate, slack.faults.kinds, slack.faults.slow_seconds = 1.0, ("slow",), 5.0
        running.edgar.publish(form_d)
        await wait_until(replies_to(slack, 1), 60, running.daemon)
        await running.daemon.kill()
        slack.faults.rate = 0.0
        await running.daemon.start()
        running.edgar.publish(resale)
        await wait_until(replies_to(slack, 2), 60, running.daemon)
        running.edgar.publish(note)
        await wait_until(messages(slack, 2), 60, running.daemon)
        await asyncio.sleep(1.0)
        assert (await running.daemon.stop())[0] == 0
    thread = slack.thread(str(top_level(slack)[0]["ts"]))
    assert [accessions(m) for m in thread] == [[form_d.accession], [resale.accession]]
    assert accessions(top_level(slack)[0]) == [pipe.accession]
    assert "3 filings" in render_mrkdwn(str(top_level(slack)[0]["text"]))
    assert (
        "found in the deal's thread" in running.daemon.text() or "had arrived before a restart" in running.daemon.text()
    )


async def test_with_the_database_deleted_a_restart_posts_no_parent_and_no_reply_again(tmp_path: Path) -> None:
    filings = deal_filings()
    slack = FakeSlack(token=TOKEN, per_channel_per_second=20)
    async with deal_services(tmp_path, slack) as running:
        await running.daemon.start()
        await publish_in_turn(running, filings)
        assert (await running.daemon.stop())[0] == 0
        for path in tmp_path.glob("monitor.db*"):
            path.unlink()
        posted = (len(slack.all_messages()), sum(len(r) for r in slack.replies.values()))
        await running.daemon.start()
        code = 1
        for _ in range(100):  # the feed still lists all four: each is processed again
            code, out, _ = await command("status", "--config", str(running.config))
            if code == 0 and "4 done" in out.replace(",", ""):
                break
            await asyncio.sleep(0.3)
        await asyncio.sleep(2.0)
        assert (await running.daemon.stop())[0] == 0
    assert (len(slack.all_messages()), sum(len(r) for r in slack.replies.values())) == posted
    assert "Traceback" not in running.daemon.text()

"""A user's pack in the running daemon: a new event type stored, alerted by its titles, listed;
the shipped packs still on beside it, or one of them turned off by name."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from fakes.edgar import FakeEdgar
from fakes.filings import FakeFiling, enveloped
from fakes.slack import FakeSlack, render_blocks
from tests.conftest import serving
from tests.daemon.conftest import command, write_config

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "tests" / "fixtures" / "packs" / "reverse-split"
SEED = "0000930553-00-000010"
SPLIT = "0001234567-25-000001"
TOKEN = "xoxb-test-token"

SPLIT_8K = b"""<html><body><p>Item 5.03 Amendments to Articles of Incorporation.</p>
<p>On February 20, 2025, Acme Split Corp. announced that its Board of Directors approved a 1-for-20
reverse stock split of the Company's common stock, which will become effective at 5:00 p.m. Eastern
Time on March 3, 2025.</p></body></html>"""


def split_filing() -> FakeFiling:
    return enveloped(SPLIT_8K, accession=SPLIT, cik="1234567", company="ACME SPLIT CORP", day=date(2025, 2, 20))


async def run_once(tmp_path: Path, filings: list[FakeFiling], rules: dict[str, object]) -> tuple[str, FakeSlack, Path]:
    fake_edgar, fake_slack = FakeEdgar(rate_limit=10), FakeSlack()
    fake_edgar.publish(*filings)
    async with serving(fake_edgar.app()) as edgar_url, serving(fake_slack.app()) as slack_url:
        slack: dict[str, object] = {"base_url": f"{slack_url}/api/", "channel": "#financings"}
        config = write_config(tmp_path, edgar_url, "sqlite:///monitor.db", slack=slack, rules=rules)
        code, out, err = await command("run", "--config", str(config), "--once", env={"SLACK_BOT_TOKEN": TOKEN})
    assert code == 0, err
    return out, fake_slack, config


def alert_of(out: str, accession: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("ALERT ") and accession in line)


async def test_a_new_event_type_is_stored_alerted_with_its_titles_and_listed_beside_the_shipped_ones(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    shutil.copytree(PACK, tmp_path / "my-rules")
    seed = next(f for f in sample_filings if f.accession == SEED)
    out, slack, config = await run_once(tmp_path, [seed, split_filing()], {"paths": ["my-rules"]})

    assert "reverse_split ratio=1-for-20, effective_date=2025-03-03" in alert_of(out, SPLIT)
    seed_alert = alert_of(out, SEED)  # the shipped rules still fire: three events on the seed
    assert "share_sale shares=520,324" in seed_alert and "warrant warrant_shares=104,000" in seed_alert
    assert "finder_fee role=finder" in seed_alert

    (message,) = [m for m in slack.all_messages() if SPLIT in m["text"]]
    shown = render_blocks(message["blocks"])
    assert "*Reverse stock split*" in shown
    assert "*Ratio*\n1-for-20" in shown and "*Effective date*\n2025-03-03" in shown
    assert "reverse_split ratio=1-for-20" in message["text"]

    code, table, err = await command("events", "list", "--config", str(config), "--wide", env={"COLUMNS": "240"})
    assert code == 0, err
    assert "Ratio: 1-for-20; Effective date: 2025-03-03" in table
    code, listed, err = await command("events", "list", "--config", str(config), "--type", "reverse_split", "--json")
    assert code == 0, err
    (line,) = [json.loads(text) for text in listed.splitlines()]
    assert line["accession"] == SPLIT and line["events"][0]["fields"] == {
        "ratio": "1-for-20",
        "effective_date": "2025-03-03",
    }


async def test_a_shipped_pack_turned_off_by_name_takes_its_events_with_it(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    seed = next(f for f in sample_filings if f.accession == SEED)
    out, _, _ = await run_once(tmp_path, [seed], {"disable": ["warrant"]})
    seed_alert = alert_of(out, SEED)
    assert "share_sale" in seed_alert and "finder_fee" in seed_alert
    assert "warrant warrant_shares" not in seed_alert

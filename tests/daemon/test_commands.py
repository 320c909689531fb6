"""`run --once` and `events list` as a user runs them, on the samples served by the fake EDGAR."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

from fakes.filings import FakeFiling
from tests.daemon.conftest import command, edgar_publishing, write_config

SEED_ACCESSION = "0000930553-00-000010"


async def test_run_once_alerts_each_financing_filing_once_and_events_list_shows_them_as_scan_does(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    async with edgar_publishing(tmp_path, *sample_filings, logging={"json": True}) as (_, base_url, config):
        code, out, err = await command("run", "--config", str(config), "--once")
        assert code == 0, err
        again, out_again, _ = await command("run", "--config", str(config), "--once")
    alerts = [line for line in out.splitlines() if line.startswith("ALERT ")]
    assert len(alerts) == 4 and len({a.split("(")[1] for a in alerts}) == 4
    assert not any("LAKESHORE" in a for a in alerts)  # the earnings 8-K has no financing
    seed = next(a for a in alerts if SEED_ACCESSION in a)
    assert "shares=520,324" in seed and "price_per_share=$15.375" in seed and "exercise_price=$21.00" in seed
    assert again == 0 and "ALERT" not in out_again  # nothing new, nothing alerted twice
    records = [json.loads(line) for line in err.splitlines()]  # structured logs, one per line
    stored = {r["accession"]: r for r in records if r.get("event") == "filing_stored"}  # fields, not prose
    assert set(stored) == {f.accession for f in sample_filings}
    assert sorted(stored[SEED_ACCESSION]["events"]) == ["finder_fee", "share_sale", "warrant"]
    assert stored[SEED_ACCESSION]["cik"] == "930553" and stored[SEED_ACCESSION]["form"] == "8-K"
    assert any(r.get("event") == "poll" and r["new"] == len(sample_filings) for r in records)

    code, listed, err = await command("events", "list", "--config", str(config), "--json")
    assert code == 0, err
    lines = [json.loads(line) for line in listed.splitlines()]
    assert len(lines) == 4
    entry = next(line for line in lines if line["accession"] == SEED_ACCESSION)
    assert entry["source"] == f"{base_url}/Archives/edgar/data/930553/000093055300000010/{SEED_ACCESSION}.txt"
    assert (entry["form"], entry["company"], entry["cik"], entry["filed"]) == (
        "8-K",
        "NEOTHERAPEUTICS INC",
        "930553",
        "2000-03-31",
    )
    types = [event["type"] for event in entry["events"]]
    assert types == ["share_sale", "warrant", "finder_fee"]
    sale = entry["events"][0]["fields"]
    assert (sale["shares"], sale["price_per_share"], sale["gross_proceeds"]) == (520324, 15.375, 8000000.0)

    code, warrants, _ = await command("events", "list", "--config", str(config), "--json", "--type", "warrant")
    assert code == 0
    only = [json.loads(line) for line in warrants.splitlines()]
    assert {e["type"] for line in only for e in line["events"]} == {"warrant"}
    assert len(only) == 2  # the seed's and the 2024 PIPE's
    code, recent, _ = await command("events", "list", "--config", str(config), "--json", "--since", "2024-01-01")
    assert {json.loads(line)["filed"][:4] for line in recent.splitlines()} == {"2024", "2025"}

    code, table, _ = await command("events", "list", "--config", str(config))
    assert code == 0 and "NEOTHERAPEUTICS" in table and "4 filings" in table
    # --limit counts what is shown (issue 23: "--limit 3" printed 9 rows): three event rows, one JSON line a filing.
    code, limited, _ = await command("events", "list", "--config", str(config), "--limit", "3")
    assert code == 0 and "3 of " in limited and "events shown (--limit)" in limited
    code, json_lines, _ = await command("events", "list", "--config", str(config), "--limit", "3", "--json")
    assert code == 0 and len(json_lines.splitlines()) == 3


async def test_run_refuses_to_start_without_a_contact_in_the_user_agent(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", "sqlite:///m.db", edgar={"user_agent": "python-aiohttp"})
    code, _, err = await command("run", "--config", str(config))
    assert code == 2
    assert f"{config}:3: [edgar] user_agent: must name you and give a contact e-mail" in err
    assert "Traceback" not in err


async def test_a_broken_rule_file_at_start_up_is_exit_2_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('id = "x"\nevent = "share_sale"\npatterns = ["{nope}"]\n')
    config = write_config(tmp_path, "http://127.0.0.1:9", "sqlite:///m.db", rules={"paths": ["bad.toml"]})
    code, _, err = await command("run", "--config", str(config), "--once")
    assert code == 2 and f"{tmp_path / 'bad.toml'}:" in err and "Traceback" not in err


async def test_the_database_password_never_reaches_the_logs(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", "postgresql://fm:s3cr3t-pw@127.0.0.1:1/fm")
    code, _, err = await command("run", "--config", str(config), "--once")
    assert code == 1 and "s3cr3t-pw" not in err
    assert "127.0.0.1:1" in err and "Traceback" not in err


async def test_run_once_against_an_unreachable_edgar_fails_saying_so(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", "sqlite:///m.db", edgar={"max_attempts": 1})
    code, _, err = await command("run", "--config", str(config), "--once")
    assert code == 1 and "the feed could not be read for 8-K" in err and "Traceback" not in err


async def test_feed_entries_with_a_bad_date_or_a_control_character_are_still_fetched_and_alerted(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    seed = next(f for f in sample_filings if f.accession == SEED_ACCESSION)
    others = [f for f in sample_filings if f.accession != SEED_ACCESSION]
    async with edgar_publishing(
        tmp_path, replace(seed, feed_date="2026-99-99"), replace(others[0], company=others[0].company + "\x0b\x1b[2J")
    ) as (fake, _, config):
        code, out, err = await command("run", "--config", str(config), "--once")
    assert code == 0, err
    assert "Traceback" not in err
    assert SEED_ACCESSION in out and fake.stats.served["submission"] == 2


async def test_status_and_lists_before_the_daemon_ever_ran_say_so_and_create_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", "sqlite:///never.db")
    for arguments in (["status"], ["events", "list"], ["alerts", "list"]):
        code, _, err = await command(*arguments, "--config", str(config))
        assert code == 1 and "never.db: no database file there yet: run the daemon" in err, err
        assert "Traceback" not in err
    assert not (tmp_path / "never.db").exists()


async def test_the_daemon_keeps_each_fetched_submission_in_the_filing_store(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    async with edgar_publishing(tmp_path, *sample_filings) as (fake, _, config):
        code, _, err = await command("run", "--config", str(config), "--once")
    assert code == 0, err
    kept = sorted(tmp_path.glob("filings/*/*.txt.gz"))
    assert len(kept) == len(sample_filings)  # beside the config, by default
    seed = tmp_path / "filings" / SEED_ACCESSION[:10] / f"{SEED_ACCESSION}.txt.gz"
    served = next(f for f in fake.filings if f.accession == SEED_ACCESSION)
    assert gzip.decompress(seed.read_bytes()) == served.body


async def test_a_filing_store_turned_off_keeps_nothing(tmp_path: Path, sample_filings: list[FakeFiling]) -> None:
    async with edgar_publishing(tmp_path, *sample_filings[:1]) as (_, _, config):
        config.write_text(config.read_text() + '\n[filing_store]\nfolder = "off"\n')
        code, _, err = await command("run", "--config", str(config), "--once")
    assert code == 0, err
    assert not (tmp_path / "filings").exists()

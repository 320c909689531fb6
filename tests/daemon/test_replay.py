"""`rules replay` as a user runs it: the daemon stored filings with packs turned off; the full rules
run over them again, from the filing store, show what they add, and store and alert it when asked."""

from __future__ import annotations

import json
from pathlib import Path

from fakes.filings import FakeFiling
from tests.daemon.conftest import command, edgar_publishing

SEED = "0000930553-00-000010"
NOTES = "0000912345-99-000123"


async def events_by_filing(config: Path) -> dict[str, list[str]]:
    code, listed, err = await command("events", "list", "--config", str(config), "--json")
    assert code == 0, err
    return {line["accession"]: [e["type"] for e in line["events"]] for line in map(json.loads, listed.splitlines())}


async def test_replay_shows_stores_and_alerts_what_the_full_rules_add(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    async with edgar_publishing(
        tmp_path, *sample_filings, rules={"disable": ["warrant", "convertible_note", "finder_fee"]}
    ) as (fake, _, config):
        code, out, err = await command("run", "--config", str(config), "--once")
        assert code == 0, err
        before = await events_by_filing(config)
        assert "warrant" not in before[SEED]
        alerted_at_first = out.count("ALERT ")
        # The user turns the packs on again, and asks what the full rules would have found.
        config.write_text(config.read_text().replace('["warrant", "convertible_note", "finder_fee"]', "[]"))
        requests_before = fake.stats.requests

        code, shown, err = await command("rules", "replay", "--config", str(config), "--since", "1990-01-01")
        assert code == 0, err
        # Each changed filing is named, not only numbered (issue 23: bare accession numbers).
        seed_head = f"{SEED}  8-K NEOTHERAPEUTICS INC, filed 2000-03-31\n"
        assert seed_head in shown, shown
        seed_block = shown.split(seed_head)[1].split("\n0")[0]  # the seed's lines, up to the next filing
        assert "  + warrant: warrant_shares=104000 exercise_price=21.0 term_years=5" in seed_block
        assert "  + finder_fee: role=finder" in seed_block
        assert "+ convertible_note" in shown
        assert "dry run" in err
        assert await events_by_filing(config) == before  # a dry run changes nothing
        assert fake.stats.requests == requests_before  # every body came from the filing store

        code, _, err = await command("rules", "replay", "--config", str(config), "--since", "1990-01-01", "--apply")
        assert code == 0, err
        after = await events_by_filing(config)
        assert "warrant" in after[SEED] and any("convertible_note" in types for types in after.values())
        code, shown, err = await command("rules", "replay", "--config", str(config), "--since", "1990-01-01", "--apply")
        assert code == 0 and shown == "" and "0 events added, 0 removed, 0 changed" in err  # nothing twice

        # The 1999 convertible-note filing had no event with those packs off, so no alert: --alert sends
        # it, once (the others were alerted when first stored).
        code, out, err = await command("rules", "replay", "--config", str(config), "--since", "1990-01-01", "--alert")
        assert code == 0, err
        assert out.count("ALERT ") == 1 and NOTES in out, (out, err)
        code, out, _ = await command("rules", "replay", "--config", str(config), "--since", "1990-01-01", "--alert")
        assert "ALERT " not in out
        assert alerted_at_first >= 1


async def test_replay_fetches_what_the_filing_store_lacks_within_the_limit(
    tmp_path: Path, sample_filings: list[FakeFiling]
) -> None:
    async with edgar_publishing(tmp_path, *sample_filings) as (fake, _, config):
        code, _, err = await command("run", "--config", str(config), "--once")
        assert code == 0, err
        kept = tmp_path / "filings" / SEED[:10] / f"{SEED}.txt.gz"
        kept.write_bytes(kept.read_bytes()[:100])  # a truncated copy: detected, fetched again
        requests_before, violations_before = fake.stats.requests, fake.stats.violations
        code, shown, err = await command("rules", "replay", "--config", str(config), "--since", "1990-01-01")
    assert code == 0, err
    assert fake.stats.requests == requests_before + 1 and fake.stats.violations == violations_before
    assert "1 fetched" in err and shown == ""  # the same rules find the same events
    assert kept.stat().st_size > 1000  # kept again, whole

"""The Slack message: the seed's three events with their numbers, valid blocks, limits kept."""

from __future__ import annotations

import json
from dataclasses import replace

from fakes.slack import check_blocks, render_blocks
from monitor.notify.base import AlertEvent
from monitor.notify.blocks import EVIDENCE_CHARS, alert_message, cut, digest_message
from monitor.notify.sample import seed_alert
from monitor.scan import scan_bytes
from rules.engine import RuleSet
from tests.conftest import SEED


def test_the_seed_message_shows_all_three_events_and_their_numbers() -> None:
    message = alert_message(seed_alert())
    assert check_blocks(message.blocks) == []
    shown = render_blocks(message.blocks)
    for expected in (
        "NEOTHERAPEUTICS INC · 8-K",
        "0000930553-00-000010",
        "Share sale",
        "520,324",
        "$15.375",
        "$8,000,000",
        "Warrants",
        "104,000",
        "$21.00",
        "5 years",
        "Finder / placement fee",
        "finder",
        "rules: finders-fee, shares-sold, warrants-to-purchase",
    ):
        assert expected in shown, expected
    assert "NEOTHERAPEUTICS INC (8-K, 0000930553-00-000010)" in message.text
    assert "gross_proceeds=$8,000,000" in message.text


def test_the_message_links_to_the_filing_on_sec_gov() -> None:
    blocks = alert_message(seed_alert()).blocks
    urls = [e["url"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert urls == [
        "https://www.sec.gov/Archives/edgar/data/930553/000093055300000010/0000930553-00-000010-index.htm",
        "https://www.sec.gov/Archives/edgar/data/930553/000093055300000010/0000930553-00-000010.txt",
    ]


def test_the_packaged_seed_alert_is_what_the_rules_find_in_the_seed(ruleset: RuleSet) -> None:
    found = scan_bytes(SEED.read_bytes(), str(SEED), ruleset).events
    events = [AlertEvent(e.type, e.rule, dict(e.fields), e.evidence) for e in found]
    assert list(seed_alert().events) == events, "regenerate monitor/notify/seed_alert.json from `scan --json`"


def test_long_evidence_many_events_and_odd_names_stay_within_slack_limits() -> None:
    seed = seed_alert()
    long_event = replace(seed.events[0], evidence="word " * 3000, fields={"investors": ["A & B <Fund>"] * 400})
    alert = replace(seed, company="X" * 400 + " <&>", events=(long_event,) * 60)
    message = alert_message(alert)
    assert check_blocks(message.blocks) == []
    assert len(message.blocks) <= 50 and "more events" in render_blocks(message.blocks)
    quote = message.blocks[3]["elements"][0]["text"]
    assert len(quote) <= EVIDENCE_CHARS + 2 and quote.endswith("…”")
    assert "<Fund>" not in json.dumps(message.blocks)  # escaped: a '<' would start a Slack link


def test_a_digest_lists_every_filing_in_one_valid_message() -> None:
    seed = seed_alert()
    alerts = [replace(seed, accession=f"0000930553-00-{n:06d}") for n in range(45)]
    message = digest_message(alerts)
    assert check_blocks(message.blocks) == []
    shown = render_blocks(message.blocks)
    assert "45 financing filings" in shown and "0000930553-00-000039" in shown and "5 more" in shown


def test_cut_ends_at_a_word_with_an_ellipsis() -> None:
    assert cut("short", 10) == "short"
    assert cut("the quick brown fox jumps", 12) == "the quick…"

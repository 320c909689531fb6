"""The Slack message: the seed's three events with their numbers, valid blocks, limits kept."""

from __future__ import annotations

import json
from dataclasses import replace

from fakes.slack import check_blocks, render_blocks, render_mrkdwn
from monitor.extraction import scan_bytes
from monitor.notify.base import Alert, AlertEvent, DealContext, DealFilingLine
from monitor.notify.blocks import (
    EVIDENCE_CHARS,
    accession_link_in,
    alert_message,
    cut,
    deal_message,
    digest_message,
    reply_message,
)
from monitor.notify.sample import seed_alert
from monitor.notify.webhook import alert_payload
from rules.engine import RuleSet
from rules.fields import FieldValue
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
    assert "NEOTHERAPEUTICS INC (8-K, <https://www.sec.gov/Archives/edgar/data/930553/" in message.text
    assert render_mrkdwn(message.text).startswith("NEOTHERAPEUTICS INC (8-K, 0000930553-00-000010): share_sale")
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
    quotes = [
        b["elements"][0]["text"]
        for b in message.blocks
        if b["type"] == "context" and b["elements"][0]["text"].startswith("“")
    ]
    [quote] = quotes  # the events were read from one sentence: it is quoted once, after the last
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


HOSTILE_NAME = "ACME <!channel> <!here> <http://evil.example|click here> & co"


def test_a_filers_mentions_and_links_are_escaped_in_the_text_as_in_the_blocks() -> None:
    seed = seed_alert()
    event = replace(seed.events[0], fields={"investors": ["<!everyone> Fund"]}, evidence="<@U123> sold")
    alert = replace(seed, company=HOSTILE_NAME, form="8-K <!subteam^S1>", events=(event,))
    for message in (alert_message(alert), digest_message([alert, alert])):
        everything = message.text + " ".join(_mrkdwn_texts(message.blocks))  # plain_text is never parsed
        for raw in ("<!channel>", "<!here>", "<http://evil", "<!everyone>", "<@U123>", "<!subteam"):
            assert raw not in everything, raw
        assert (
            "ACME &lt;!channel&gt; &lt;!here&gt; &lt;http:\u2215\u2215evil\u2024example|click here&gt; &amp; co"
            in message.text
        )
        assert "ACME <!channel>" in render_mrkdwn(message.text)  # shown to readers as the filer wrote it


def test_only_our_own_link_marks_a_text_as_a_filings_message() -> None:
    victim = "0000930553-00-000099"
    forged = replace(seed_alert(), company=f"EVIL CORP |{victim}> <x|{victim}>", accession="0000930553-00-000010")
    assert not accession_link_in(alert_message(forged).text, victim)
    assert accession_link_in(alert_message(forged).text, "0000930553-00-000010")


def _mrkdwn_texts(value: object) -> list[str]:
    if isinstance(value, dict):
        own = [str(value["text"])] if value.get("type") == "mrkdwn" else []
        return own + [t for v in value.values() for t in _mrkdwn_texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _mrkdwn_texts(v)]
    return []


def test_what_a_trader_reads_first_implied_price_failed_checks_and_terms_not_stated() -> None:
    seed = seed_alert()
    sale = AlertEvent("share_sale", "shares-sold", {"shares": 15002718, "gross_proceeds": 50000.0}, "They sold.")
    checked = AlertEvent(
        "share_sale",
        "shares-sold",
        {"shares": 100, "price_per_share": 2.0, "gross_proceeds": 500.0},
        "Another sentence.",
        ("shares x price_per_share = $200, but gross_proceeds = $500",),
    )
    bare = AlertEvent("warrant", "warrants-issued", {}, "Another sentence.")
    message = alert_message(replace(seed, events=(sale, checked, bare)))
    assert check_blocks(message.blocks) == []
    shown = render_blocks(message.blocks)
    assert "Implied price" in shown and "≈ $0.0033" in shown
    assert "shares x price_per_share = $200, but gross_proceeds = $500" in shown
    assert "*Warrants* — terms not stated" in shown
    assert shown.count("Another sentence.") == 1  # two events of one sentence: one quote
    assert "implied price ≈ $0.0033" in message.text and "warrant warrants, terms not stated" in message.text
    assert "(a cross-check failed)" in message.text


def _later_filing_of_a_deal() -> Alert:
    lines = (
        DealFilingLine("0000930553-00-000010", "8-K", None, "signing"),
        DealFilingLine("0000930553-00-000011", "D", None, "Form D"),
    )
    terms: dict[str, dict[str, FieldValue]] = {"share_sale": {"gross_proceeds": 8_000_000.0}}
    deal = DealContext(3, lines[0].accession, "Form D", "Form D: fee <!channel> $560,000", False, terms, lines, "1.5")
    return replace(seed_alert("slack:#x"), accession=lines[1].accession, form="D", deal=deal)


def test_a_deals_reply_its_updated_message_a_digest_line_and_a_webhook_name_the_deal() -> None:
    alert = _later_filing_of_a_deal()
    reply, parent = reply_message(alert), deal_message(alert)
    assert check_blocks(reply.blocks) == [] and check_blocks(parent.blocks) == []
    assert "Form D: fee &lt;!channel&gt; $560,000" in reply.text  # what a filer wrote stays escaped
    assert "deal #3 · Form D" in render_blocks(reply.blocks)
    assert "deal #3: share sale gross_proceeds=$8,000,000 · 2 filings" in render_mrkdwn(parent.text)
    shown = render_blocks(parent.blocks)
    assert "• signing: *8-K* 0000930553-00-000010" in shown and "• Form D: *D* 0000930553-00-000011" in shown
    assert "deal #3 — Form D: fee" in render_blocks(digest_message([alert, alert]).blocks)
    payload = alert_payload(alert)["deal"]
    assert payload == {
        "id": 3,
        "key": "0000930553-00-000010",
        "part": "Form D",
        "adds": "Form D: fee <!channel> $560,000",  # escaped where it is shown, not in the data
        "first": False,
    }

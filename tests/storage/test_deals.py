"""Deals as filings are stored: one PIPE followed across its 8-K, Form D and resale S-1, and the
issuer's other financing kept apart, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from fakes.filings import FakeFiling, load_samples
from monitor.extraction import scan_bytes
from rules.engine import RuleSet
from storage.repository import ProcessedFiling, Store
from tests.conftest import SAMPLES


def deal_filings() -> list[FakeFiling]:
    """Blue Cedar's PIPE 8-K, its Form D, its resale S-1, and an unrelated convertible-note 8-K."""
    pipe = next(f for f in load_samples(SAMPLES) if f.company == "BLUE CEDAR THERAPEUTICS INC")
    return [pipe, *load_samples(SAMPLES / "deal")]


def processed(filing: FakeFiling, ruleset: RuleSet, day: date | None = None) -> ProcessedFiling:
    result = scan_bytes(filing.body, filing.accession, ruleset)
    assert result.error is None, result.error
    return ProcessedFiling(
        accession=filing.accession,
        url=f"http://edgar.test/{filing.accession}.txt",
        cik=filing.cik,
        form=filing.form,
        company=filing.company,
        filed=day or filing.day,
        events=result.events,
        rules_version="v1",
        recall=result.recall,
        items=tuple(result.header.items),
    )


async def test_a_pipe_its_form_d_and_its_resale_registration_are_one_deal_and_a_note_is_another(
    database_url: str, ruleset: RuleSet
) -> None:
    store = await Store.open(database_url)
    try:
        for filing in deal_filings():
            assert await store.save_processed(processed(filing, ruleset), ["slack:#financings"])
        deals = await store.list_deals()
        assert [d.deal.filing_count for d in deals] == [1, 3]  # newest first: the note, then the PIPE
        note, pipe = deals
        assert [(f.form, link.part) for link, f in pipe.filings] == [
            ("8-K", "signing"),
            ("D", "Form D"),
            ("S-1", "resale registration"),
        ]
        assert pipe.deal.key == "0001999999-24-000042"
        joined = pipe.filings[1][0]
        assert "gross proceeds $12,500,000" in joined.reason and "recipient" in joined.reason
        assert (
            joined.adds
            == "Form D: share sale gross proceeds $12,500,000 confirmed; finder / placement fee cash fee $812,500"
        )
        resale = pipe.filings[2][0]
        assert "4,000,000" in resale.reason and "2,500" in resale.reason
        assert resale.adds == "resale registration: 4,000,000 shares registered for resale"
        assert "a different instrument" in note.filings[0][0].reason
        # The S-1 has no events of its own: it is alerted (a reply) where the deal was.
        sent = await store.list_alerts(["pending"])
        assert sorted(f.form or "" for _, f in sent) == ["8-K", "8-K", "D", "S-1"]
    finally:
        await store.close()


async def test_the_same_kind_of_deal_a_year_later_at_another_price_is_a_new_deal(
    database_url: str, ruleset: RuleSet
) -> None:
    pipe = deal_filings()[0]
    store = await Store.open(database_url)
    try:
        await store.save_processed(processed(pipe, ruleset), [])
        later = pipe.renumbered("0001999999-25-000042")
        body = later.body.replace(b"$2.50 per share", b"$1.10 per share")
        await store.save_processed(processed(replace(later, body=body), ruleset, pipe.day + timedelta(days=30)), [])
        a_year_on = pipe.renumbered("0001999999-25-000099")
        await store.save_processed(processed(a_year_on, ruleset, pipe.day + timedelta(days=400)), [])
        deals = await store.list_deals()
        assert [d.deal.filing_count for d in deals] == [1, 1, 1]
        reasons = [d.filings[0][0].reason for d in deals]
        assert "price per share differs: $1.10 against $2.50" in reasons[1]
        assert reasons[0] == "the issuer's first filing of this financing"  # the older deal is out of reach
    finally:
        await store.close()


async def test_replay_rebuilds_deals_in_filing_order_once_a_filing_gets_its_events(
    database_url: str, ruleset: RuleSet
) -> None:
    pipe, form_d, resale, _ = deal_filings()
    store = await Store.open(database_url)
    try:
        silent = processed(pipe, ruleset)
        events, silent.events = silent.events, []  # old rules found nothing in the 8-K
        for one in (silent, processed(form_d, ruleset), processed(resale, ruleset)):
            await store.save_processed(one, [])
        before = await store.list_deals()
        assert [[f.form for _, f in d.filings] for d in before] == [["D"]]  # no share count for the S-1 to recall
        await store.replace_events(pipe.accession, events, "v2", [])
        placed = await store.rebuild_deals(
            {pipe.accession: silent.recall, resale.accession: processed(resale, ruleset).recall}
        )
        after = await store.list_deals()
        assert placed == 3
        assert [[(f.form, link.part) for link, f in d.filings] for d in after] == [
            [("8-K", "announcement"), ("D", "Form D"), ("S-1", "resale registration")]
        ]
        assert after[0].deal.key == pipe.accession
    finally:
        await store.close()

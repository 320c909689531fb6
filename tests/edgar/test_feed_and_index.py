"""The feed and index parsers, on pages shaped like the SEC's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fakes.edgar import FakeEdgar, atom_feed, form_index, hostile_feed_entries
from fakes.filings import FakeFiling
from monitor.edgar.client import EdgarClient
from monitor.edgar.feed import FeedError, parse_feed
from monitor.edgar.index import parse_form_index
from monitor.edgar.tickers import fetch_tickers
from tests.conftest import edgar_settings, serving

REAL_SHAPED_FEED = b"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Latest Filings - Tue, 24 Nov 2026 16:06:01 EST</title>
<id>https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent</id>
<updated>2026-11-24T16:06:01-05:00</updated>
<entry>
<title>8-K - EXAMPLE THERAPEUTICS INC (0000123456) (Filer)</title>
<link rel="alternate" type="text/html" href="https://www.sec.gov/Archives/edgar/data/123456/000012345626000042/0000123456-26-000042-index.htm"/>
<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; 2026-11-24 &lt;b&gt;AccNo:&lt;/b&gt; 0000123456-26-000042 &lt;b&gt;Size:&lt;/b&gt; 245 KB&lt;br&gt;Item 1.01: Entry into a Material Definitive Agreement&lt;br&gt;Item 3.02: Unregistered Sales of Equity Securities</summary>
<updated>2026-11-24T16:05:12-05:00</updated>
<category scheme="https://www.sec.gov/" label="form type" term="8-K"/>
<id>urn:tag:sec.gov,2008:accession-number=0000123456-26-000042</id>
</entry>
<entry>
<title>8-K - SOCI\xc9T\xc9 G\xc9N\xc9RALE HOLDER (0000777777) (Reporting)</title>
<link rel="alternate" type="text/html" href="https://www.sec.gov/Archives/edgar/data/777777/000012345626000042/0000123456-26-000042-index.htm"/>
<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; 2026-11-24 &lt;b&gt;AccNo:&lt;/b&gt; 0000123456-26-000042</summary>
<updated>2026-11-24T16:05:12-05:00</updated>
<category scheme="https://www.sec.gov/" label="form type" term="8-K"/>
<id>urn:tag:sec.gov,2008:accession-number=0000123456-26-000042</id>
</entry>
<entry>
<title>8-K/A - OTHER CO (0000000042) (Filer)</title>
<link rel="alternate" type="text/html" href="https://www.sec.gov/Archives/edgar/data/42/000000004226000001/0000000042-26-000001-index.htm"/>
<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; 2026-11-23 &lt;b&gt;AccNo:&lt;/b&gt; 0000000042-26-000001</summary>
<updated>2026-11-23T21:59:00-05:00</updated>
<category scheme="https://www.sec.gov/" label="form type" term="8-K/A"/>
<id>urn:tag:sec.gov,2008:accession-number=0000000042-26-000001</id>
</entry>
</feed>
"""


def test_feed_entries_are_one_per_filing_with_cik_form_and_items() -> None:
    page = parse_feed(REAL_SHAPED_FEED)
    entries, raw = page.entries, page.raw_count
    assert raw == 3
    first, second = entries
    assert (first.accession, first.cik, first.form, first.company) == (
        "0000123456-26-000042",
        "123456",
        "8-K",
        "EXAMPLE THERAPEUTICS INC",
    )
    assert first.filed == date(2026, 11, 24)
    assert first.items == ("1.01", "3.02")
    assert first.updated == datetime(2026, 11, 24, 21, 5, 12, tzinfo=UTC)
    assert (second.accession, second.cik, second.form) == ("0000000042-26-000001", "42", "8-K/A")


@pytest.mark.parametrize(
    "body",
    [
        REAL_SHAPED_FEED[: len(REAL_SHAPED_FEED) // 2],
        b"<html><body>Request Rate Threshold Exceeded</body></html>",
        b"",
    ],
    ids=["truncated", "error page", "empty"],
)
def test_a_page_that_is_not_a_whole_feed_is_refused(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body)


def test_the_fake_feed_reads_back_as_what_was_published() -> None:
    filing = FakeFiling("0000000001-26-000001", "1", "D", "A & B <FUND> LP", date(2026, 11, 24), b"", items=("3.02",))
    page = parse_feed(atom_feed([filing]))
    (entry,), raw = page.entries, page.raw_count
    assert raw == 1
    assert (entry.accession, entry.cik, entry.form, entry.company, entry.items) == (
        filing.accession,
        "1",
        "D",
        "A & B <FUND> LP",
        ("3.02",),
    )


def test_an_entry_with_an_impossible_date_is_kept_without_it_and_the_others_are_read() -> None:
    day = date(2026, 11, 24)
    odd = FakeFiling("0000000001-26-000001", "1", "8-K", "ODD DATE INC", day, b"", feed_date="2026-99-99")
    fine = FakeFiling("0000000002-26-000002", "2", "8-K", "FINE INC", day, b"")
    page = parse_feed(atom_feed([odd, fine]))
    assert [(e.accession, e.filed) for e in page.entries] == [(odd.accession, None), (fine.accession, day)]


def test_a_control_character_in_one_entry_does_not_cost_the_page() -> None:
    day = date(2026, 11, 24)
    odd = FakeFiling("0000000001-26-000001", "1", "8-K", "BELL\x07 AND\x0bTAB INC", day, b"")
    fine = FakeFiling("0000000002-26-000002", "2", "8-K", "FINE INC", day, b"")
    page = parse_feed(atom_feed([odd, fine]))
    assert [(e.accession, e.company) for e in page.entries] == [
        (odd.accession, "BELL ANDTAB INC"),
        (fine.accession, "FINE INC"),
    ]


def test_an_entry_that_names_no_filing_is_listed_as_unreadable_and_the_rest_are_read() -> None:
    body = REAL_SHAPED_FEED.replace(b"accession-number=0000000042-26-000001", b"accession-number=garbage", 1)
    body = body.replace(b"AccNo:&lt;/b&gt; 0000000042-26-000001", b"AccNo:&lt;/b&gt; none", 1)
    page = parse_feed(body)
    assert [e.accession for e in page.entries] == ["0000123456-26-000042"]
    assert page.unreadable == ["urn:tag:sec.gov,2008:accession-number=garbage"]


INDEX = """Description:           Daily Index of EDGAR Dissemination Feed by Form Type
Last Data Received:    November 23, 2026
Comments:              webmaster@sec.gov
Anonymous FTP:         ftp://ftp.sec.gov/edgar/



Form Type   Company Name                                                  CIK         Date Filed  File Name
---------------------------------------------------------------------------------------------------------------------------------------------
8-K         EXAMPLE THERAPEUTICS INC                                      123456      20261123    edgar/data/123456/0000123456-26-000042.txt
SC 13G      BIG HOLDER LP                                                 55          20261123    edgar/data/55/0000000055-26-000003.txt
8-K         A COMPANY WHOSE NAME IS SO LONG THAT IT PUSHES EVERY COLUMN RIGHT WARDS 7654321 20261123 edgar/data/7654321/0007654321-26-000001.txt
"""


def test_index_lines_keep_spaces_in_forms_and_names_and_survive_shifted_columns() -> None:
    entries = parse_form_index(INDEX)
    assert [(e.form, e.cik, e.accession) for e in entries] == [
        ("8-K", "123456", "0000123456-26-000042"),
        ("SC 13G", "55", "0000000055-26-000003"),
        ("8-K", "7654321", "0007654321-26-000001"),
    ]
    assert entries[0].company == "EXAMPLE THERAPEUTICS INC"
    assert entries[2].company.endswith("RIGHT WARDS")
    assert entries[0].filed == date(2026, 11, 23)


def test_the_fake_index_reads_back_as_what_was_published() -> None:
    day = date(2026, 11, 23)
    filings = [FakeFiling(f"0000000001-26-00000{n}", "1", "8-K", f"CO {n}", day, b"") for n in range(3)]
    assert [e.accession for e in parse_form_index(form_index(day, filings).decode())] == [f.accession for f in filings]


def test_a_page_without_the_title_line_has_no_entries() -> None:
    assert parse_form_index("<html>Not Found</html>") == []


async def test_the_ticker_list_is_read_through_the_polite_client() -> None:
    fake = FakeEdgar()
    fake.tickers = {"NEOT": "930553", "BRK-B": "1067983"}
    async with serving(fake.app()) as base_url, EdgarClient(edgar_settings(base_url)) as client:
        tickers = await fetch_tickers(client)
    assert tickers == {"NEOT": "930553", "BRK-B": "1067983"}
    assert fake.stats.served["tickers"] == 1 and fake.stats.undeclared == 0


def test_hostile_entries_cost_only_themselves_and_the_good_ones_are_read() -> None:
    day = date(2026, 11, 24)
    good = [FakeFiling(f"0000000001-26-00000{n}", str(n), "8-K", f"GOOD {n} INC", day, b"") for n in (1, 2)]
    page = atom_feed(good)
    at = page.index(b"<entry>")
    hostile = hostile_feed_entries()
    body = page[:at] + hostile[0] + hostile[1] + page[at:].replace(b"</entry>", b"</entry>" + hostile[2], 1)
    body = body.replace(b"</feed>", hostile[3] + b"</feed>")

    read = parse_feed(body)

    by_accession = {e.accession: e for e in read.entries}
    assert set(by_accession) == {good[0].accession, good[1].accession, "0000000902-26-000002"}
    assert by_accession["0000000902-26-000002"].company == "AT&T &nbsp; HOLDINGS"  # a raw & is text
    assert read.raw_count == 6
    assert len(read.unreadable) == 3  # the 5,000-digit CIK, the 80 KB title, the 10 MB summary
    assert any("0000000904-26-000004" in why for why in read.unreadable)


def test_one_malformed_entry_costs_itself_not_the_page() -> None:
    day = date(2026, 11, 24)
    good = [FakeFiling(f"0000000001-26-00000{n}", str(n), "8-K", f"GOOD {n} INC", day, b"") for n in (1, 2)]
    page = atom_feed(good)
    broken = page.replace(b"<title>8-K - GOOD 1 INC", b"<title><b>8-K - GOOD 1 INC", 1)  # an unclosed tag
    read = parse_feed(broken)
    assert [e.accession for e in read.entries] == [good[1].accession]
    assert len(read.unreadable) == 1

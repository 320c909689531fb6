"""An agreement's schedule of purchasers, stated as text: who buys, and the totals."""

from __future__ import annotations

from filings.model import Document
from filings.reader import read_filing
from filings.schedule import schedule_documents

# As EDGAR's HTML tables come out as text: a cell per line, blank lines between, empty cells as NBSP.
CELL_PER_LINE = "\n\n".join(
    [
        "SECURITIES PURCHASE AGREEMENT ... the Purchasers listed on Exhibit A ...",
        "EXHIBIT A",
        "SCHEDULE OF PURCHASERS",
        "Name and Address",
        "\u00a0",
        "Number of Shares",
        "Number of Warrant Shares",
        "Aggregate Purchase Price of Shares and Warrants",
        "The Harbor Crest Insurance Company Ltd.",
        "\u00a0",
        "300,000",
        "150,000",
        "$1,200,000.00",
        "Pell Biotech Master Fund L.P.",
        "12 Quay St., Dublin 2, Ireland",
        "200,000",
        "100,000",
        "$800,000",
        "\u00a0",
        "TOTAL",
        "500,000",
        "250,000",
        "$2,000,000",
    ]
)

ONE_LINE = """Schedule I
Purchaser Number of Shares Purchase Price Marlow Capital Partners VI-A, L.P 30,000 $29,550,000.00 Marlow Capital
Partners VI-B, L.P. 10,000 $9,850,000.00 TOTAL 40,000 $39,400,000.00
"""


def facts_of(text: str) -> str | None:
    found = schedule_documents([Document("EX-10.1", 1, None, None, text)], 0)
    return found[0].text if found else None


def test_a_schedule_one_cell_per_line_names_its_purchasers_and_totals() -> None:
    assert facts_of(CELL_PER_LINE) == (
        "Schedule of purchasers: purchasers The Harbor Crest Insurance Company Ltd. and Pell Biotech Master Fund "
        "L.P.. Schedule of purchasers: in total 500,000 shares for $2,000,000."
    )


def test_a_schedule_flattened_to_one_line_is_read_the_same_way() -> None:
    assert facts_of(ONE_LINE) == (
        "Schedule of purchasers: purchasers Marlow Capital Partners VI-A, L.P and Marlow Capital Partners VI-B, "
        "L.P.. Schedule of purchasers: in total 40,000 shares for $39,400,000.00."
    )


def test_tables_that_are_no_schedule_of_purchasers_state_nothing() -> None:
    subsidiaries = "Schedule 3.1\nName of Subsidiary | Jurisdiction\nHarbor Crest Ltd. | Ireland\nTOTAL | 2\n"
    prices_without_buyers = "Exhibit B\nPurchase Price per Share | $4.00\nTOTAL | $2,000,000\n"
    no_total = CELL_PER_LINE.split("TOTAL")[0]
    assert facts_of(subsidiaries) is None
    assert facts_of(prices_without_buyers) is None
    assert facts_of(no_total) is None


def test_the_reader_appends_the_schedule_after_the_text_it_summarises() -> None:
    filing = read_filing(CELL_PER_LINE.encode(), "spa.txt")
    schedule = filing.documents[-1]
    assert schedule.type == "SCHEDULE"
    assert filing.text[schedule.offset :].startswith("Schedule of purchasers:")  # evidence offsets hold

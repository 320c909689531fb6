"""A prospectus cover's layout, stated as text rules can read: the amount, underwritten, the managers."""

from __future__ import annotations

import pytest

from filings.cover import cover_document
from filings.model import Document, Filing, Header
from filings.roles import roles_of

COVER = """Filed pursuant to Rule 424(b)(5)
PROSPECTUS SUPPLEMENT
(To Prospectus dated May 1, 2024)
$80,000,000
Bluefin Robotics, Inc.
Common Stock
We are offering shares of our common stock. The public offering price for each share is $ .
Per share | Total
Public offering price | $ | $
Underwriting discounts and commissions (1) | $ | $
The underwriters expect to deliver the shares on or about , 2024.
Jefferies | Cowen
"""


def cover_of(text: str, form: str = "424B5") -> Document | None:
    filing = Filing("x", Header(form=form), [Document(form, 1, None, None, text)])
    filing.form = form
    filing.roles = roles_of(filing, form)
    return cover_document(filing, 0)


def test_an_underwritten_offerings_cover_states_its_amount_and_managers() -> None:
    cover = cover_of(COVER)
    assert cover is not None and cover.type == "COVER"
    assert cover.text == (
        "Prospectus cover: an offering of $80,000,000. Prospectus cover: the offering is underwritten. "
        "Prospectus cover: underwriters Jefferies; Cowen."
    )


@pytest.mark.parametrize(
    ("text", "form"),
    [
        (COVER.replace("Common Stock\n", "Asset Backed Notes, Class A-1\n"), "424B5"),  # no equity: an ABS
        (COVER, "S-3"),  # a shelf registration: its cover amounts are no sale
        (COVER, "8-K"),
    ],
    ids=["notes", "s-3", "8-k"],
)
def test_what_is_no_share_sale_gets_no_cover(text: str, form: str) -> None:
    assert cover_of(text, form) is None


ATM_COVER = """PROSPECTUS
Up to $31,500,000
Common Stock
We have entered into a sales agreement with Marlow Capital Markets LLC relating to shares of our common stock.
Under the sales agreement we may offer and sell shares having an aggregate offering price of up to $50,000,000,
of which $18,500,000 has been sold.
"""
BASE_PROSPECTUS = """PROSPECTUS
$300,000,000
Common Stock
Preferred Stock
Warrants
We may offer and sell from time to time, in one or more offerings, any combination of these securities.
"""


def test_an_at_the_market_cover_states_the_programs_present_size_apart_from_a_sale() -> None:
    cover = cover_of(ATM_COVER)
    assert cover is not None
    assert cover.text == "Prospectus cover: an at-the-market offering of up to $31,500,000."


def test_an_s3_reads_the_at_the_market_prospectus_after_its_base_prospectus() -> None:
    filler = "The securities may be sold to or through underwriters, dealers or agents.\n" * 1200  # past 60,000
    cover = cover_of(BASE_PROSPECTUS + filler + ATM_COVER, "S-3")
    assert cover is not None and "at-the-market offering of up to $31,500,000" in cover.text
    assert cover_of(BASE_PROSPECTUS + filler, "S-3") is None  # a base prospectus alone states no offering


SPAC_COVER = """PROSPECTUS
$200,000,000
Larkspur Acquisition Corp.
20,000,000 Units
Larkspur Acquisition Corp. is a newly incorporated blank check company. This is an initial public offering of our units.
Per Unit
Total
Public offering price
$10.00
$200,000,000
Underwriting discounts and commissions(1)
$0.55
$11,000,000
Proceeds, before expenses, to us
$9.45
$189,000,000
The underwriter is offering the units for sale on a firm commitment basis.
Sole Book-Running Manager
Halvard Securities
The date of this prospectus is , 2021
Underwriter | Number of Units
"""


def test_a_pricing_table_with_a_cell_per_line_gives_the_fee_rows_total() -> None:
    cover = cover_of(SPAC_COVER, "S-1")
    assert cover is not None
    assert "Prospectus cover: underwriting discounts and commissions of $11,000,000 in total." in cover.text
    assert "Prospectus cover: underwriters Halvard Securities." in cover.text  # the name under its label
    assert "Prospectus cover: an offering of $200,000,000." in cover.text


def test_a_cover_that_names_a_count_of_shares_states_it() -> None:
    text = "PROSPECTUS SUPPLEMENT\nNorthwind Devices, Inc.\n330,000 Shares of Common Stock\nWarrants to Purchase up to 1,939,114 Shares\nPlacement Agent Fees | $0.25 | $82,500\n"
    cover = cover_of(text)
    assert cover is not None
    assert cover.text == (
        "Prospectus cover: 330,000 shares offered. Prospectus cover: placement agent fees of $82,500 in total."
    )


def test_a_pricing_tables_header_row_names_no_managers() -> None:
    text = (
        "PROSPECTUS SUPPLEMENT\n1,000,000 Shares of Common Stock\nPer Share | Per Pre-Funded Warrant | Total\n"
        "Public offering price | $2.75 | $2.7499 | $2,750,000\nThe underwriters expect to deliver the shares.\n"
        "Underwriting discounts and commissions | $0.165 | $0.165 | $165,000\nPiper Sandler | TD Cowen\n"
    )
    cover = cover_of(text)
    assert cover is not None and "underwriters Piper Sandler; TD Cowen." in cover.text

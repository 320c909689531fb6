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

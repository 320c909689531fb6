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
        (COVER.replace("We are offering", "Under a sales agreement we may offer at-the-market"), "424B5"),
        (COVER, "S-3"),  # a shelf registration: its cover amounts are no sale
        (COVER, "8-K"),
    ],
    ids=["notes", "atm", "s-3", "8-k"],
)
def test_what_is_no_share_sale_gets_no_cover(text: str, form: str) -> None:
    assert cover_of(text, form) is None

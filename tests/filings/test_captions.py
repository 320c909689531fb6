"""A table's caption scales its whole figures: "(in thousands)" makes 12,500 mean 12,500,000."""

from __future__ import annotations

import pytest

from filings.captions import scale_at

TABLE = "Summary of the offering\n(in thousands, except per share data)\nGross proceeds | 12,500\n"


@pytest.mark.parametrize(
    ("text", "scale"),
    [
        (TABLE, 1e3),
        (TABLE.replace("thousands", "millions"), 1e6),
        ("Amounts ($ in thousands)\nTotal | 5,000\n", 1e3),
        ("(000's)\nTotal | 5,000\n", 1e3),
        ("Gross proceeds | 12,500\n", 1.0),  # no caption
        ("(in thousands)\n" + "x" * 3000 + "\nTotal | 5,000\n", 1.0),  # a caption out of reach
    ],
)
def test_the_nearest_caption_above_a_row_gives_its_scale(text: str, scale: float) -> None:
    assert scale_at(text, text.index("|")) == scale

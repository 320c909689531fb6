"""A document's sections, from its headings: the role of the part a position is in."""

from __future__ import annotations

from filings.sections import Sections

PROSPECTUS = """PROSPECTUS SUMMARY
We are a clinical-stage company.
THE OFFERING
Units offered by us | 2,000,000 units
RISK FACTORS
Our warrants may expire worthless.
DESCRIPTION OF SECURITIES WE ARE OFFERING
The warrants offered hereby have an exercise price of $3.00.
DESCRIPTION OF CAPITAL STOCK
Each whole warrant entitles the holder to purchase one share at $11.50.
Selling Stockholders
The selling stockholders bought their shares in 2023.
NOTES TO CONSOLIDATED FINANCIAL STATEMENTS
In 2022 we issued convertible notes.
SUMMARY COMPENSATION TABLE
"""


def role_of(phrase: str) -> str | None:
    return Sections(PROSPECTUS).role_at(PROSPECTUS.index(phrase))


def test_each_position_is_in_the_section_of_the_heading_before_it() -> None:
    assert role_of("clinical-stage") == "summary"
    assert role_of("Units offered by us") == "the_offering"
    assert role_of("expire worthless") == "risk_factors"
    assert role_of("$11.50") == "description_of_securities"
    assert role_of("bought their shares") == "selling_stockholders"  # a known title in title case
    assert role_of("convertible notes") == "financial_statements"


def test_the_description_of_what_is_offered_is_part_of_the_offering() -> None:
    assert role_of("offered hereby") == "the_offering"


def test_unknown_capitals_close_a_section_and_text_before_any_heading_has_none() -> None:
    assert Sections(PROSPECTUS).role_at(PROSPECTUS.index("SUMMARY COMPENSATION") + 5) == "other"
    assert Sections("An 8-K with no headings.").role_at(3) is None


def test_a_heading_on_the_first_line_and_headings_on_consecutive_lines_are_each_found() -> None:
    # Lines are matched from the newline before them: the text's first line has none of its own.
    text = "USE OF PROCEEDS\nWe will use the money.\nRISK FACTORS\nPLAN OF DISTRIBUTION\nWe sell through agents."
    sections = Sections(text)
    assert sections.role_at(0) == "use_of_proceeds"
    assert sections.role_at(text.index("We will")) == "use_of_proceeds"
    assert sections.role_at(text.index("PLAN OF")) == "underwriting"
    assert sections.role_at(text.index("We sell")) == "underwriting"

from __future__ import annotations

import re

import pytest
import re2

from rules.fields import (
    NAME,
    ROLE,
    TYPES,
    parse_count,
    parse_date,
    parse_money,
    parse_name,
    parse_names,
    parse_percent,
    parse_role,
    parse_term,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("$8,000,000", 8_000_000.0), ("$8.0 million", 8_000_000.0), ("$15.375", 15.375), ("3.49", 3.49), ("$.50", 0.5)],
)
def test_money(text: str, value: float) -> None:
    assert parse_money(text) == value


@pytest.mark.parametrize("text", ["€620.0 million", "EUR 620.0 million", "£620.0 million", "US$620.0 million"])
def test_money_in_another_currency_is_read_in_its_own_units(text: str) -> None:
    # MicroStrategy's euro preferred offering: "gross proceeds ... approximately €620.0 million".
    found = re2.search(TYPES["money"].regex, f"approximately {text} (or $715.1 million)")
    assert found is not None and TYPES["money"].parse(found.group(0)) == 620_000_000.0


def test_counts_are_integers() -> None:
    assert parse_count("520,324") == 520324
    assert parse_count("1.2 million") == 1_200_000
    assert isinstance(parse_count("1.2 million"), int)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("five-year", 5),
        ("five (5) years", 5),
        ("eighteen months", 1.5),
        ("18-month", 1.5),
        ("fifth anniversary", 5),
        ("two and one-half (2.5) years", 2.5),
        ("three and a half years", 3.5),
        ("60 months", 5),
    ],
)
def test_terms_in_years(text: str, years: float) -> None:
    assert parse_term(text) == years


def test_percent_and_dates() -> None:
    assert parse_percent("7.0%") == 7.0
    assert parse_percent("3 percent") == 3.0
    assert parse_date("February 25, 2000") == "2000-02-25"
    assert parse_date("June 8 2002") == "2002-06-08"
    assert parse_date("February 30, 2000") is None


def test_names_split_on_and_but_not_on_corporate_suffixes() -> None:
    assert parse_names("Strong River Investments, Inc. and Montrose Investments Ltd.") == [
        "Strong River Investments, Inc.",
        "Montrose Investments Ltd.",
    ]
    assert parse_names("the Company") is None
    # "and Company" is part of a firm's name, not a second party (blind batch 5 reported "Company, LLC").
    assert parse_names("Cowen and Company, LLC and Needham & Company, LLC") == [
        "Cowen and Company, LLC",
        "Needham & Company, LLC",
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Cantor Fitzgerald & Co., H.C. Wainwright & Co., LLC and B. Riley FBR, Inc.", "Cantor Fitzgerald & Co."),
        (
            "Jones Trading Institutional Services LLC and Oppenheimer & Co. Inc.",
            "Jones Trading Institutional Services LLC",
        ),
        ("H.C. Wainwright & Co., LLC", "H.C. Wainwright & Co., LLC"),  # one party: the suffix after a comma
        ("Roth Capital Partners, LLC", "Roth Capital Partners, LLC"),
    ],
)
def test_a_name_field_given_a_list_of_parties_keeps_the_first(text: str, name: str) -> None:
    assert parse_name(text) == name


def test_a_name_may_carry_the_short_name_the_text_gives_it() -> None:
    # eval b27_01: 'Alexander Capital L.P. ("Alexander") acted as the managing underwriter' named no one.
    assert parse_name('Alexander Capital L.P. ("Alexander")') == "Alexander Capital L.P."
    assert re.fullmatch(NAME, 'Alexander Capital L.P. ("Alexander")') is not None


@pytest.mark.parametrize(
    "text",
    [
        "sole book-running manager",
        "joint book running managers",
        "sole book-runner",
        "sole book runner",
        "managing underwriter",
        "co-underwriter",
    ],
)
def test_the_ways_of_naming_an_underwriter(text: str) -> None:
    assert re.fullmatch(ROLE, text, re.I) is not None
    assert parse_role(text) == "underwriter"


def test_news_wire_figures_with_a_letter_scale() -> None:
    assert parse_count("44.96M") == 44_960_000
    assert parse_money("$42M") == 42_000_000.0
    assert parse_money("$1.2bn") == 1_200_000_000.0


def test_a_heading_run_into_the_first_sentence_is_no_part_of_the_name() -> None:
    # A page that lost the line break after "UNDERWRITING" named the underwriter "UNDERWRITING Goldman Sachs".
    assert parse_name("UNDERWRITING Goldman Sachs & Co. LLC") == "Goldman Sachs & Co. LLC"
    assert parse_name("ROTH Capital Partners, LLC") == "ROTH Capital Partners, LLC"  # a firm's name in capitals


@pytest.mark.parametrize(
    ("text", "series"),
    [
        ("Series A-5", "series a 5"),
        ("Class B", "class b"),
        ("series of", None),
        ("Series in", None),
        # eval b20_05: "the Series E Common Warrants" were series "common", and so one with the
        # Series G Common Warrants of the offering, whose exercise price they displaced.
        ("Series E Common", "series e"),
    ],
)
def test_a_series_is_a_designation_not_a_word_after_series(text: str, series: str | None) -> None:
    # eval b18_01: "the sale of two series of Preferred Stock" made a series "of", which kept the
    # deal's total apart from the figures each listed series states.
    assert TYPES["series"].parse(text) == series

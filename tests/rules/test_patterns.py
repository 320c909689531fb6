from __future__ import annotations

import time

import pytest

from rules.catalogue import CATALOGUE
from rules.patterns import PatternError, compile_raw, compile_template, field_types_for

FIELDS = field_types_for(CATALOGUE["share_sale"].kinds())


def groups(template: str, text: str) -> dict[str, str] | None:
    pattern = compile_template(template, FIELDS)
    match = pattern.regex.search(text)
    if match is None:
        return None
    return {c.field: match.group(c.group) for c in pattern.captures if match.group(c.group)}


def test_placeholder_takes_the_field_type() -> None:
    assert groups("sold {shares} shares", "the Company sold 1,250,000 shares") == {"shares": "1,250,000"}


def test_gap_skips_a_bounded_number_of_words() -> None:
    assert groups("sold {_3} {shares} shares", "sold to the investors 500 shares") == {"shares": "500"}
    assert groups("sold {_2} {shares} shares", "sold to the two investors 500 shares") is None


def test_optional_part_and_choice() -> None:
    template = "(sold|issued) [an aggregate of] {shares} shares"
    assert groups(template, "issued 10 shares") == {"shares": "10"}
    assert groups(template, "sold an aggregate of 10 shares") == {"shares": "10"}


def test_optional_part_at_the_end_may_meet_a_full_stop() -> None:
    template = "{shares} shares [at {price_per_share} per share]"
    assert groups(template, "4 shares.") == {"shares": "4"}
    assert groups(template, "4 shares at $2.00 per share") == {"shares": "4", "price_per_share": "$2.00"}


def test_a_comma_between_words_is_accepted() -> None:
    assert groups("agreed to issue and sell {_4} {shares} shares", "agreed to issue and sell, in a PIPE, 7 shares")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{bogus} shares", "unknown field 'bogus'"),
        ("{shares:widgets} shares", "unknown field type 'widgets'"),
        ("(sold|issued shares", "missing ')'"),
        ("sold (a|b)? shares", "optional part"),
        ("{shares shares", "bad placeholder"),
    ],
)
def test_pattern_errors_say_what_is_wrong(template: str, message: str) -> None:
    with pytest.raises(PatternError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        compile_template(template, FIELDS)


def test_raw_regex_groups_must_be_fields() -> None:
    with pytest.raises(PatternError, match="not a field"):
        compile_raw(r"(?P<nonsense>\d+)", FIELDS)


def test_lookaround_is_refused_with_a_reason() -> None:
    with pytest.raises(PatternError, match="RE2"):
        compile_raw(r"(?<=\$)(?P<shares>\d+)", FIELDS)


def test_catastrophic_pattern_cannot_hang_the_scan() -> None:
    pattern = compile_raw(r"(?P<shares>(a+)+)$", FIELDS)
    started = time.perf_counter()
    assert pattern.regex.search("a" * 50_000 + "!") is None
    assert time.perf_counter() - started < 1.0


def test_escaped_brackets_stand_for_themselves() -> None:
    assert groups(r'sold {shares} shares \(the "Shares"\)', 'sold 12 shares (the "Shares")') == {"shares": "12"}
    assert groups(r"sold {shares} shares \[x\]", "sold 12 shares [x]") == {"shares": "12"}

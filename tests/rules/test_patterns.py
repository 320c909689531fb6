from __future__ import annotations

import time
from pathlib import Path

import pytest
import re2

from rules.catalogue import CATALOGUE
from rules.loader import load_rules
from rules.patterns import (
    PatternError,
    compile_raw,
    compile_template,
    field_types_for,
    needed_words,
    probe_template,
)

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


def test_a_gap_may_refuse_a_word_so_a_match_starts_nearer() -> None:
    # eval b27_05: "(or pre-funded warrants in lieu thereof) and accompanying common warrants to
    # purchase" gave the common warrants' count to the pre-funded ones.
    text = "shares (or pre-funded warrants in lieu thereof) and accompanying common warrants to purchase 9 shares"
    pattern = compile_template("{_series} warrants {_8 not and} to purchase {shares} shares", FIELDS)
    match = pattern.regex.search(text)
    assert match is not None and match.group(0).startswith("common warrants")
    assert groups("sold {_3 not to} {shares} shares", "sold 500 shares") == {"shares": "500"}
    assert groups("sold {_3 not to} {shares} shares", "sold to them 500 shares") is None
    assert groups("sold {_3 not to} {shares} shares", "sold tomorrow 500 shares") is None  # begins with "to"


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


def test_an_optional_part_that_opens_on_a_comma_can_match() -> None:
    # Issue 23: "[, the Company]" required a space before the comma, so it could never match.
    template = "warrants [, the Company's,] to purchase {shares} shares"
    assert groups(template, "warrants, the Company's, to purchase 10 shares") == {"shares": "10"}
    assert groups(template, "warrants to purchase 10 shares") == {"shares": "10"}


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


def test_needed_words_are_those_outside_optional_parts_and_a_telling_one_of_each_choice() -> None:
    template = "(issued and sold|sold) {_12} {shares} (shares|units) of [our|the] {security} [at {price_per_share}]"
    assert needed_words(template) == (("issued", "sold"), ("shares", "units"), ("of",))
    # A word after an alternative's optional part is still in each of its matches.
    assert needed_words("([{_series}] warrants|options) to purchase") == (
        ("warrants", "options"),
        ("to",),
        ("purchase",),
    )
    # Not the first word of an alternative: "to" is in nearly every sentence, "sell" is not.
    assert needed_words("(to sell|agreed to sell|sale by {_2} of) {shares} shares") == (
        ("sell", "agreed", "sale"),
        ("shares",),
    )


def test_a_rules_words_skip_only_what_every_trigger_says(tmp_path: Path) -> None:
    # A word of one trigger is not in every sentence the rule is asked about: with triggers "sold" and
    # "private placement", a sentence found by "private placement" may lack "sold", and the rule's
    # probe need not run on it.
    path = tmp_path / "rule.toml"
    path.write_text(
        'id = "r"\nevent = "share_sale"\ntriggers = ["sold", "private placement"]\npatterns = ["sold {shares} shares"]\n'
        '[[example]]\ntext = "We sold 10 shares."\nexpect = { shares = 10 }\n'
    )
    [rule] = load_rules([path])
    assert rule.pattern_words == ((("shares",), ("sold",)),)
    assert not rule.may_match("In the private placement, the investors bought 10 shares.")
    assert rule.may_match("In the private placement, the Company sold 10 shares.")


SENTENCES = [
    "On May 2, 2024, the Company sold 2,000,000 shares of common stock at a price of $2.50 per share.",
    "We issued and sold 150,000 units of its common stock.",
    "The Company sold shares to investors.",
    "Warrants to purchase 500 shares were issued.",
]


@pytest.mark.parametrize(
    "template",
    [
        "(issued and sold|sold) {_12} {shares} (shares|units) [of {_4} {security}] [at {_4} {price_per_share} per share]",
        "[{_series}] (warrant|warrants) {_8} to purchase [up to] {warrant_shares} shares",
    ],
)
def test_the_probe_matches_wherever_the_pattern_does_and_holds_the_needed_words(template: str) -> None:
    fields = field_types_for(CATALOGUE["share_sale"].kinds() | CATALOGUE["warrant"].kinds())
    pattern = compile_template(template, fields)
    probe = compile_template(probe_template(template), fields)
    for sentence in SENTENCES:
        if pattern.regex.search(sentence):
            assert probe.regex.search(sentence), sentence
            lowered = sentence.lower()
            assert all(any(word in lowered for word in choice) for choice in pattern.needed), sentence


def test_a_probes_gaps_take_any_number_of_words_so_its_automaton_stays_small() -> None:
    # A gap of N words is N copies of its states in RE2's automaton; a rule's probes (one alternation)
    # held about 28 MB of caches after the corpora with bounded gaps, 15 MB less without.
    pattern = compile_template("sold {_2} shares at {_4} {price_per_share} per share", FIELDS)
    probe = re2.compile(pattern.probe)
    near = "The Company sold 1,000 shares at a price of $2.50 per share."
    far = "The Company sold to a few of its long-standing investors shares at a price of $2.50 per share."
    assert pattern.regex.search(near) and probe.search(near)
    assert not pattern.regex.search(far) and probe.search(far)  # more than the pattern: only a first test
    assert "{0,2}" not in pattern.probe and "{0,4}" not in pattern.probe

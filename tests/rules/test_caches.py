"""Emptying the rules' regex caches: a copy that finds exactly what the rules in force find."""

from __future__ import annotations

import re2

from filings.reader import read_filing
from rules.engine import RuleSet, scan_filing
from rules.patterns import compile_regex, recompiled
from tests.conftest import SEED


def test_a_recompiled_regex_is_a_new_one_with_the_same_options() -> None:
    regex = compile_regex("placement (agent|fee)", capture=False)
    renewed = recompiled((regex, "kept"))
    assert renewed[1] == "kept"
    assert renewed[0] is not regex
    assert renewed[0].options.case_sensitive is False  # lost options would miss "PLACEMENT AGENT"
    assert renewed[0].options.never_capture is True
    assert renewed[0].search("the PLACEMENT AGENT") is not None


def test_the_copy_with_empty_caches_shares_no_regex_and_finds_the_same_events(ruleset: RuleSet) -> None:
    filing = read_filing(SEED.read_bytes(), SEED.name)
    before = scan_filing(filing, ruleset)
    renewed = ruleset.with_empty_caches()
    old = {id(value) for value in _regexes(ruleset)}
    assert old and not old & {id(value) for value in _regexes(renewed)}
    assert renewed.version == ruleset.version
    assert scan_filing(filing, renewed) == before
    assert len(before) == 3


def _regexes(ruleset: RuleSet) -> list[object]:
    found: list[object] = []
    for rule in ruleset.rules:
        found.extend(pattern.regex for pattern in rule.patterns)
        found.extend(value for value in (rule.any_exclude, rule.any_pattern) if value is not None)
        if rule.frame is not None:
            found.extend([rule.frame.sale, rule.frame.instrument.regex])
    assert all(isinstance(value, re2._Regexp) for value in found)
    return found

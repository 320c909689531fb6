"""Run the examples embedded in rule files: what `filing-monitor rules test` and the tests use."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.filings.model import Document
from rules.engine import RuleSet
from rules.events import Partial
from rules.fields import FieldValue
from rules.loader import CompiledRule


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: CompiledRule
    index: int
    text: str
    expected: dict[str, FieldValue] | str
    found: list[dict[str, FieldValue]]
    passed: bool

    def describe(self) -> str:
        found = "no match" if not self.found else "; ".join(str(f) for f in self.found)
        return (
            f"{self.rule.path}: rule {self.rule.id!r}, example {self.index + 1}: expected {self.expected}, found {found}\n"
            f"    text: {self.text[:200]}"
        )


def run_examples(rules: list[CompiledRule]) -> list[ExampleResult]:
    ruleset = RuleSet(rules)
    results = []
    for number, rule in enumerate(rules):
        for index, example in enumerate(rule.rule.example):
            document = Document("EXAMPLE", 1, None, None, " ".join(example.text.split()))
            partials = list(ruleset.partials(document, {number}))
            found = [p.fields for p in partials]
            passed = not partials if example.expect == "no match" else _expected_found(example.expect, partials)
            results.append(ExampleResult(rule, index, example.text, example.expect, found, passed))
    return results


def files_without_near_misses(rules: list[CompiledRule]) -> list[str]:
    """Rule files none of whose examples must not match: a rule is only known to be precise if it is tested so."""
    files: dict[str, bool] = {}
    for rule in rules:
        near_miss = any(example.expect == "no match" for example in rule.rule.example)
        files[rule.path] = files.get(rule.path, False) or near_miss
    return [path for path, has in files.items() if not has]


def _expected_found(expected: dict[str, FieldValue] | str, partials: list[Partial]) -> bool:
    if not isinstance(expected, dict) or not partials:
        return False
    return all(any(_equal(value, p.fields.get(name)) for p in partials) for name, value in expected.items())


def _equal(expected: FieldValue, got: FieldValue | None) -> bool:
    if got is None:
        return False
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return abs(expected - got) <= 1e-6 * max(abs(expected), 1)
    if isinstance(expected, list) and isinstance(got, list):
        return sorted(map(str, expected)) == sorted(map(str, got))
    return expected == got

"""Run the examples embedded in rule files: what `filing-monitor rules test` and the tests use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from filings.model import Document, Filing, Header
from rules.catalogue import CATALOGUE, declared_names
from rules.engine import RuleSet, scan_filing
from rules.events import Partial
from rules.fields import FieldValue
from rules.loader import CompiledRule

SHIPPED_BENIGN = Path(__file__).parent / "benign"
DEFAULT_FILED = "2024-06-10"
_FILED = re.compile(r"^#\s*filed:\s*(\d{4}-\d{2}-\d{2})\s*$")
_TYPES = re.compile(r"^#\s*types:\s*(.+?)\s*$")


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


@dataclass(frozen=True, slots=True)
class BenignSample:
    """Text that reports no financing: no rule may raise an event on it."""

    path: str
    line: int
    text: str
    filed: str  # the filing date it is read with (a rule tells a past deal from a new one by it)
    # The event types it is benign for: "1-for-10 reverse stock split" is no share sale, but it is
    # what a pack's reverse-split type is for.
    types: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class BenignHit:
    rule: CompiledRule
    event_type: str
    sample: BenignSample

    def describe(self) -> str:
        return (
            f"{self.rule.path}: rule {self.rule.id!r} raised a {self.event_type} event on benign text "
            f"({self.sample.path}:{self.sample.line}): {self.sample.text[:160]}"
        )


def benign_samples(rule_paths: list[Path], shipped: bool = True) -> list[BenignSample]:
    """The shipped samples (benign for the built-in types) and those in `benign/*.txt` inside the given
    rule folders (benign for the types the folder declares, else the built-in ones). A file's
    `# types: a, b` line names its types itself."""
    builtin = frozenset(CATALOGUE.builtin())
    files = [(file, builtin) for file in sorted(SHIPPED_BENIGN.glob("*.txt"))] if shipped else []
    for path in rule_paths:
        if path.is_dir():
            declared = frozenset(declared_names(sorted(path.rglob("*.toml")))) or builtin
            files.extend((file, declared) for file in sorted(path.rglob("benign/*.txt")))
    unique = {file.resolve(): types for file, types in reversed(files)}
    return [sample for file, types in reversed(unique.items()) for sample in _read_samples(file, types)]


def _read_samples(path: Path, types: frozenset[str]) -> list[BenignSample]:
    samples, filed = [], DEFAULT_FILED
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        directive, named = _FILED.match(line), _TYPES.match(line)
        if directive:
            filed = directive.group(1)
        elif named:
            types = frozenset(name.strip() for name in named.group(1).split(","))
        elif line.strip() and not line.lstrip().startswith("#"):
            samples.append(BenignSample(str(path), number, line.strip(), filed, types))
    return samples


def benign_hits(rules: list[CompiledRule], samples: list[BenignSample]) -> list[BenignHit]:
    """Each rule that contributed to an event on a benign sample: what it would alert on wrongly."""
    ruleset = RuleSet(rules)
    by_id = {rule.id: rule for rule in rules}
    hits: list[BenignHit] = []
    for sample in samples:
        filing = Filing(
            sample.path, Header(form="8-K", filed=sample.filed), [Document("8-K", 1, None, None, sample.text)]
        )
        for event in scan_filing(filing, ruleset):
            if event.type not in sample.types:
                continue  # benign for other types: this text may well be what this type reports
            for rule_id in dict.fromkeys(event.rules or [event.rule]):
                if rule_id in by_id:
                    hits.append(BenignHit(by_id[rule_id], event.type, sample))
    return sorted(hits, key=lambda hit: hit.rule.id)

"""`filing-monitor rules test`: every rule file's errors, failing examples and benign hits."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from monitor.escape import for_terminal
from rules.errors import RuleErrors
from rules.loader import load_rules
from rules.sources import DEFAULT_PACKS
from rules.testing import benign_hits, benign_samples, files_without_near_misses, run_examples


def command_rules_test(paths: list[Path]) -> int:
    """Every rule file's errors, every failing example, every rule that fires on benign text."""
    paths = paths or [DEFAULT_PACKS]
    try:
        rules = load_rules(paths)
    except RuleErrors as broken:
        for error in broken.errors:
            print(f"filing-monitor: {for_terminal(str(error))}", file=sys.stderr)
        print(f"{len(broken.errors)} rule errors: no example was run", file=sys.stderr)
        return 2
    results = run_examples(rules)
    failures = [r for r in results if not r.passed]
    for failure in failures:
        print(failure.describe())
    samples = benign_samples(paths)
    hits = benign_hits(rules, samples)
    for rule_id, of_rule in itertools.groupby(hits, key=lambda hit: hit.rule.id):
        shown = list(of_rule)
        for hit in shown[:3]:
            print(hit.describe())
        if len(shown) > 3:
            print(f"    ... and {len(shown) - 3} more benign samples on which rule {rule_id!r} fired")
    for path in files_without_near_misses(rules):
        print(f'note: {path} has no near-miss example (expect = "no match"): its precision is untested')
    print(f"{len(rules)} rules, {len(results)} examples: {len(results) - len(failures)} passed, {len(failures)} failed")
    print(f"{len(samples)} benign samples: {len({h.rule.id for h in hits})} rules raised events on them")
    return 1 if failures or hits else 0

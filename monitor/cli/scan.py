"""`filing-monitor scan`: the rules on files already on disk, as a table or JSON lines."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from rich.console import Console

from monitor.cli.explain import explain_paths
from monitor.cli.tables import print_table, write_json_line
from monitor.escape import for_terminal
from monitor.extraction import ScanResult, scan_paths
from rules.engine import RuleSet
from rules.loader import load_sources
from rules.sources import RuleSources

log = logging.getLogger(__name__)


def command_scan(
    paths: list[str], added: list[Path] | None, only: list[Path] | None, as_json: bool, explain: bool = False
) -> int:
    """`--rules` adds rule files to the shipped packs (a rule with a shipped rule's id replaces it);
    `--only-rules` scans with the given ones alone; `--explain` says why, file by file."""
    sources = RuleSources(tuple(only), shipped=False) if only else RuleSources(tuple(added or ()))
    loaded = load_sources(sources)
    for line in loaded.overrides:
        log.info("%s", line)
    for line in loaded.notes:
        print(f"filing-monitor: note: {for_terminal(line)}", file=sys.stderr)
    ruleset = RuleSet(loaded.rules)
    log.info(
        "loaded %d rules (version %s, %d trigger words) from %s",
        len(ruleset.rules),
        ruleset.version,
        len(ruleset.trigger_words),
        sources.describe(),
    )
    if explain:
        return explain_paths(paths, ruleset, sys.stdout)
    results: list[ScanResult] = []
    failed = False
    for result in scan_paths(paths, ruleset):
        failed = failed or result.error is not None
        if as_json:
            write_json_line(result, sys.stdout)
        else:
            results.append(result)
        if result.error:
            print(f"filing-monitor: {for_terminal(result.source)}: {for_terminal(result.error)}", file=sys.stderr)
    if not as_json:
        print_table(results, Console())
    return 1 if failed else 0

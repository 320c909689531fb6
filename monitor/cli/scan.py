"""`filing-monitor scan`: the rules on files already on disk, as a table or JSON lines."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from rich.console import Console

from monitor.cli.tables import print_table, write_json_line
from monitor.escape import for_terminal
from monitor.extraction import ScanResult, scan_paths
from rules.engine import RuleSet
from rules.loader import DEFAULT_PACKS, load_rules

log = logging.getLogger(__name__)


def command_scan(paths: list[str], rule_paths: list[Path] | None, as_json: bool) -> int:
    ruleset = RuleSet(load_rules(rule_paths or [DEFAULT_PACKS]))
    log.info(
        "loaded %d rules (version %s, %d trigger words) from %s",
        len(ruleset.rules),
        ruleset.version,
        len(ruleset.trigger_words),
        ", ".join(str(p) for p in rule_paths or [DEFAULT_PACKS]),
    )
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

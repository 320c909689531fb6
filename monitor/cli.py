"""The `filing-monitor` command. Exit codes: 0 success, 1 failure, 2 bad usage or configuration."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from rich.console import Console

from monitor.errors import ConfigError, MonitorError
from monitor.output import print_table, write_json_line
from monitor.scan import ScanResult, scan_paths
from rules.engine import RuleSet
from rules.loader import DEFAULT_PACKS, load_rules
from rules.testing import files_without_near_misses, run_examples

log = logging.getLogger("monitor")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit code 2, without the usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="filing-monitor", description="Watch SEC EDGAR and report financings.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details to stderr")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    scan = commands.add_parser("scan", help="run the rules on filings already on disk")
    scan.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="EDGAR submission (.txt), HTML, Form D XML, text file, or a folder of them",
    )
    scan.add_argument("--rules", action="append", type=Path, metavar="PATH", help="rule file or folder (repeatable)")
    scan.add_argument("--json", action="store_true", help="one JSON object per line, one line per file")

    rules = commands.add_parser("rules", help="work with rule files")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    test = rules_commands.add_parser("test", help="run the examples embedded in rule files")
    test.add_argument("paths", nargs="*", type=Path, metavar="PATH")

    for name, text in (
        ("run", "the daemon: poll EDGAR, store and alert"),
        ("backfill", "process past filings from the daily indexes"),
        ("events", "list stored events"),
    ):
        commands.add_parser(name, help=f"{text} (not in this release yet)")
    return parser


_LATER = frozenset({"run", "backfill", "events"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command not in _LATER:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        if args.command == "scan":
            return command_scan(args.paths, args.rules, args.json)
        if args.command == "rules":
            return command_rules_test(args.paths)
        print(
            f"filing-monitor {args.command}: not available in this release yet (it arrives with the daemon)",
            file=sys.stderr,
        )
        return 1
    except ConfigError as error:
        print(f"filing-monitor: {error}", file=sys.stderr)
        return 2
    except MonitorError as error:
        print(f"filing-monitor: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, and keep Python from failing again
        # when it flushes stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


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
            print(f"filing-monitor: {result.source}: {result.error}", file=sys.stderr)
    if not as_json:
        print_table(results, Console())
    return 1 if failed else 0


def command_rules_test(paths: list[Path]) -> int:
    rules = load_rules(paths or [DEFAULT_PACKS])
    results = run_examples(rules)
    failures = [r for r in results if not r.passed]
    for failure in failures:
        print(failure.describe())
    for path in files_without_near_misses(rules):
        print(f'note: {path} has no near-miss example (expect = "no match"): its precision is untested')
    print(f"{len(rules)} rules, {len(results)} examples: {len(results) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0

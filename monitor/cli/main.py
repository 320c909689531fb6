"""The `filing-monitor` command. Exit codes: 0 success, 1 failure, 2 bad usage or configuration."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from filings.errors import FilingError
from monitor.errors import ConfigError, MonitorError
from rules.errors import RuleError
from rules.tomlfile import TomlFileError
from storage.errors import StorageError

if TYPE_CHECKING:
    from monitor.settings import Settings

log = logging.getLogger("monitor")

# Each layer's own error base, and the exit code it means (2: bad usage or configuration, 1: any other
# failure), as the README states for every command. Anything else is a bug, and shows its traceback.
BAD_CONFIGURATION: tuple[type[Exception], ...] = (ConfigError, RuleError, TomlFileError)
FAILURES: tuple[type[Exception], ...] = (MonitorError, StorageError, FilingError)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit code 2, without the usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="filing-monitor", description="Watch SEC EDGAR and report financings.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details to stderr")
    parser.add_argument("--version", action="version", version=f"filing-monitor {_version()}")
    # Before the command or after it (`filing-monitor --config x status`, `... status --config x`).
    parser.add_argument("--config", type=Path, metavar="FILE", default=None, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    scan = commands.add_parser("scan", help="run the rules on filings already on disk")
    scan.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="EDGAR submission (.txt), HTML, Form D XML, text file, or a folder of them",
    )
    scan.add_argument(
        "--rules", action="append", type=Path, metavar="PATH", help="rule file or folder added to the shipped packs"
    )
    scan.add_argument(
        "--only-rules", action="append", type=Path, metavar="PATH", help="scan with these rule files or folders alone"
    )
    output = scan.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object per line, one line per file")
    output.add_argument(
        "--explain",
        action="store_true",
        help="for people: each sentence the rules considered, what each rule found in it or why it set it aside",
    )

    rules = commands.add_parser("rules", help="work with rule files")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    test = rules_commands.add_parser("test", help="run the examples embedded in rule files")
    test.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="rule files or folders to test alone (default: the shipped packs)",
    )
    again = rules_commands.add_parser("replay", help="run the rules over stored filings and show what changes")
    _config_option(again)
    again.add_argument("--since", required=True, type=_day, metavar="YYYY-MM-DD", help="first filing date")
    again.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="last filing date (default: all)")
    again.add_argument("--form", dest="forms", action="append", default=[], metavar="FORM", help="only this form")
    again.add_argument(
        "--rules", action="append", default=[], type=Path, metavar="PATH", help="rule file or folder added"
    )
    again.add_argument("--apply", action="store_true", help="store the new events (default: a dry run)")
    again.add_argument("--alert", action="store_true", help="also alert filings that get events and had none")
    again.add_argument("--workers", type=_count, metavar="N", help="processes (default: one per core)")

    config = commands.add_parser("config", help="check a config file")
    config_commands = config.add_subparsers(dest="config_command", required=True, parser_class=_Parser)
    _config_option(config_commands.add_parser("check", help="every mistake of a config, with file:line"))

    routes = commands.add_parser("routes", help="check the alert routes")
    routes_commands = routes.add_subparsers(dest="routes_command", required=True, parser_class=_Parser)
    route_test = routes_commands.add_parser("test", help="where an alert of this form and these events would go")
    _config_option(route_test)
    route_test.add_argument("--form", metavar="FORM", help="the filing's form, e.g. 8-K")
    route_test.add_argument("--cik", metavar="CIK", help="the filer's CIK")
    route_test.add_argument("--ticker", dest="tickers", action="append", default=[], help="a ticker of the filer")
    route_test.add_argument(
        "--event",
        dest="events",
        action="append",
        default=[],
        metavar="TYPE[:FIELD=VALUE,...]",
        required=True,
        help="an event of the alert, e.g. share_sale:gross_proceeds=6000000 (repeat for several)",
    )

    run = commands.add_parser("run", help="the daemon: poll EDGAR, store events, send alerts")
    _config_option(run)
    run.add_argument("--once", action="store_true", help="catch up, poll once, process everything, then exit")

    backfill = commands.add_parser("backfill", help="process past filings from the daily form indexes")
    _config_option(backfill)
    backfill.add_argument("--from", dest="first", required=True, type=_day, metavar="YYYY-MM-DD", help="first day")
    backfill.add_argument("--to", dest="last", type=_day, metavar="YYYY-MM-DD", help="last day (default: today)")
    backfill.add_argument("--alert", action="store_true", help="also alert on what it finds (default: store only)")

    status = commands.add_parser("status", help="where the daemon stands: feed, filings, alerts, problems")
    _config_option(status)

    alerts = commands.add_parser("alerts", help="the alert outbox: what waits, what failed")
    alerts_commands = alerts.add_subparsers(dest="alerts_command", required=True, parser_class=_Parser)
    alert_list = alerts_commands.add_parser("list", help="alerts not sent yet (pending, failed), newest first")
    _config_option(alert_list)
    alert_list.add_argument("--all", action="store_true", help="sent alerts too")
    _listing_options(alert_list, "alert", 100)
    retry = alerts_commands.add_parser("retry", help="send failed alerts again (after fixing the cause)")
    _config_option(retry)
    retry.add_argument(
        "ids", nargs="*", type=_count, metavar="ID", help="only these alerts (default: every failed one)"
    )

    notify = commands.add_parser("notify", help="check the alert destinations")
    notify_commands = notify.add_subparsers(dest="notify_command", required=True, parser_class=_Parser)
    notify_test = notify_commands.add_parser("test", help="send the seed filing's alert to every destination")
    _config_option(notify_test)

    events = commands.add_parser("events", help="stored events")
    events_commands = events.add_subparsers(dest="events_command", required=True, parser_class=_Parser)
    listing = events_commands.add_parser("list", help="list stored events, newest first")
    _config_option(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per filing, as `scan --json`")
    listing.add_argument(
        "--limit", type=_count, default=None, metavar="N", help="at most N rows (with --json: N filings)"
    )
    listing.add_argument("--wide", action="store_true", help="every field in full (default: a line or two a row)")
    listing.add_argument(
        "--type", action="append", dest="types", metavar="TYPE", help="only this event type (repeatable)"
    )
    listing.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="only filings filed on or after this day")
    _deals_commands(commands)
    _verbose_anywhere(parser)
    return parser


def _listing_options(parser: argparse.ArgumentParser, what: str, limit: int) -> None:
    """--json, --limit and --wide, as every list command takes them."""
    parser.add_argument("--json", action="store_true", help=f"one JSON object per {what}")
    parser.add_argument("--limit", type=_count, default=limit, metavar="N", help=f"at most N {what}s (default {limit})")
    parser.add_argument("--wide", action="store_true", help="every column in full (default: a line or two a row)")


def _deals_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    deals = commands.add_parser("deals", help="financings followed across their filings")
    deals_commands = deals.add_subparsers(dest="deals_command", required=True, parser_class=_Parser)
    listing = deals_commands.add_parser("list", help="list deals, newest first")
    _config_option(listing)
    _listing_options(listing, "deal", 50)
    listing.add_argument("--ticker", metavar="SYMBOL", help="only this company's deals (the SEC's ticker list)")
    listing.add_argument("--cik", metavar="CIK", help="only this company's deals")
    listing.add_argument("--type", dest="kind", metavar="TYPE", help="only deals with this event type")
    listing.add_argument("--min-amount", type=float, metavar="DOLLARS", help="only deals raising at least this much")
    listing.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="only deals with a filing on or after this day"
    )
    show = deals_commands.add_parser("show", help="one deal: its filings, its terms, why each filing joined")
    _config_option(show)
    show.add_argument("id", type=_count, metavar="ID", help="the deal's number (`deals list` shows it)")
    show.add_argument("--json", action="store_true", help="the deal as one JSON object")


def _verbose_anywhere(parser: argparse.ArgumentParser) -> None:
    """`-v` after the command too (`filing-monitor run -v`), not only before it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.add_argument(
                    "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log debug details"
                )
                _verbose_anywhere(sub)


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        default=argparse.SUPPRESS,  # the value given before the command stays when none is given after
        help="the TOML config file (default: $FILING_MONITOR_CONFIG, else ./config.toml)",
    )


def config_path(given: Path | None) -> Path:
    """--config, else $FILING_MONITOR_CONFIG, else ./config.toml."""
    if given is not None:
        return given
    return Path(os.environ.get("FILING_MONITOR_CONFIG") or "config.toml")


def _version() -> str:
    try:
        return importlib.metadata.version("filing-monitor")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


MAX_COUNT = 1_000_000_000  # a row count or an id: past this, a typo, not a wish


def _count(text: str) -> int:
    """A positive whole number a database can hold (99999999999999999999 is a typo, not a limit)."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if not 1 <= number <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{text[:40]} is not between 1 and {MAX_COUNT:,}")
    return number


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # --version and --help end here, having imported nothing heavy
    from monitor.escape import for_terminal
    from monitor.logs import configure_logging

    configure_logging("DEBUG" if args.verbose else "WARNING")
    try:
        return _dispatch(args)
    except (*BAD_CONFIGURATION, *FAILURES) as error:
        print(f"filing-monitor: {for_terminal(str(error))}", file=sys.stderr)
        return 2 if isinstance(error, BAD_CONFIGURATION) else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, and keep Python from failing again
        # when it flushes stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _reading(args: argparse.Namespace, settings: Settings) -> int:
    """The commands that only read the database: `events list`, `deals`, `status`."""
    if args.command == "events":
        from monitor.cli.events import command_events_list

        return asyncio.run(command_events_list(settings, args.json, args.limit, args.types, args.since, wide=args.wide))
    if args.command == "deals":
        from monitor.cli.deals import command_deals

        return command_deals(settings, args)
    from monitor.cli.status import command_status

    return asyncio.run(command_status(settings))


def _dispatch(args: argparse.Namespace) -> int:
    # Each command imports what it uses (issue 23): `scan` never loads the database layer, and
    # `--help` of any command loads none of them.
    from monitor.logs import configure_logging

    if args.command == "scan":
        from monitor.cli.scan import command_scan

        return command_scan(args.paths, args.rules, args.only_rules, args.json, args.explain)
    if args.command == "rules" and args.rules_command == "test":
        from monitor.cli.rules import command_rules_test

        return command_rules_test(args.paths)
    if args.command == "config":
        from monitor.cli.checks import command_config_check

        return command_config_check(config_path(args.config))
    from monitor.settings import load_settings

    settings = load_settings(config_path(args.config))
    if args.command == "routes":
        from monitor.cli.checks import command_routes_test

        return asyncio.run(command_routes_test(settings, args.form, args.cik, args.tickers, args.events))
    if args.command == "rules":
        from monitor.cli.replay import command_replay

        if args.until is not None and args.since > args.until:
            raise ConfigError(f"--since {args.since} is after --until {args.until}: no filing is in that range")
        configure_logging("DEBUG" if args.verbose else settings.logging.level, settings.logging.json_lines)
        return asyncio.run(
            command_replay(
                settings, args.since, args.until, args.forms, args.rules, args.apply, args.alert, args.workers
            )
        )
    if args.command in ("events", "deals", "status"):
        return _reading(args, settings)
    if args.command == "alerts" and args.alerts_command == "list":
        from rich.console import Console

        from monitor.cli.alerts import list_alerts, print_alerts
        from storage.states import ALL_ALERTS, NOT_SENT_ALERTS

        statuses = ALL_ALERTS if args.all else NOT_SENT_ALERTS
        print_alerts(asyncio.run(list_alerts(settings, statuses, args.limit)), Console(), args.json, wide=args.wide)
        return 0
    configure_logging("DEBUG" if args.verbose else settings.logging.level, settings.logging.json_lines)
    if args.command == "alerts":
        from monitor.cli.alerts import retry_alerts

        report = asyncio.run(retry_alerts(settings, args.ids))
        print(report.summary(), file=sys.stderr)
        return 1 if report.failed else 0
    if args.command == "notify":
        from monitor.cli.alerts import notify_test

        lines, ok = asyncio.run(notify_test(settings))
        print("\n".join(lines))
        return 0 if ok else 1
    from monitor.memory import tune_malloc

    tune_malloc()  # before the scans' threads start: a long run's memory depends on it
    if args.command == "run":
        return asyncio.run(command_run(settings, args.once))
    from monitor.cli.backfill import command_backfill
    from monitor.edgar.calendar import edgar_today

    return asyncio.run(command_backfill(settings, args.first, args.last or edgar_today(), args.alert))


async def command_run(settings: Settings, once: bool) -> int:
    from monitor.daemon.scheduler import Daemon

    return 0 if await Daemon(settings, once=once).run() else 1

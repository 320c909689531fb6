"""Dry runs: `config check` (every mistake at once, nothing started) and `routes test` (where an alert
of a given form and events would go, as Alertmanager's `amtool config routes test`)."""

from __future__ import annotations

import asyncio
import difflib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError
from monitor.settings import Settings, load_settings, unknown_type_message
from rules.catalogue import Catalogue
from rules.errors import RuleError, RuleErrors
from rules.fields import FieldValue, parse_money
from rules.loader import load_sources
from storage.states import CONSOLE


def command_config_check(path: Path) -> int:
    """Every problem of the config and of the rules it names, each with file:line; 0 when none."""
    try:
        settings = load_settings(path)
    except ConfigError as error:
        print("\n".join(sorted(error.problems, key=_line_of)), file=sys.stderr)
        return 2
    try:
        loaded = load_sources(settings.rule_sources())
    except RuleErrors as errors:
        print("\n".join(str(error) for error in errors.errors), file=sys.stderr)
        return 2
    except RuleError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(
        f"{path}: OK ({len(loaded.rules)} rules, {len(settings.routes)} routes, "
        f"storage {settings.storage.url.split('://')[0]}, filing store {settings.filing_store.folder})"
    )
    for warning in config_warnings(settings):  # a warning is no error: the exit code stays 0
        print(f"{path}: warning: {warning}", file=sys.stderr)
    return 0


# The example config's agent: valid in form, but it names no one the SEC could reach (issue 23).
PLACEHOLDER_AGENTS = ("example research", "ops@example.com", "@example.com", "@example.org")


def config_warnings(settings: Settings) -> list[str]:
    """What will not work though the config is valid: the example's User-Agent, a SQLite database
    whose folder is missing or read-only, a PostgreSQL server that refuses us. Seen without creating
    anything (PostgreSQL is asked `SELECT 1`, nothing more)."""
    warnings = []
    agent = settings.edgar.user_agent.lower()
    if any(placeholder in agent for placeholder in PLACEHOLDER_AGENTS):
        warnings.append(
            f"[edgar] user_agent {settings.edgar.user_agent!r} is the example's: the SEC expects your own "
            "name and contact e-mail, and may refuse or block a made-up one"
        )
    url = settings.database_url()
    if url.startswith("sqlite+aiosqlite:///"):
        folder = Path(url.removeprefix("sqlite+aiosqlite:///")).parent
        if not folder.is_dir():
            warnings.append(f"[storage] url: the folder {folder} does not exist: the database cannot be created")
        elif not os.access(folder, os.W_OK):
            warnings.append(f"[storage] url: the folder {folder} is not writable: the database cannot be written")
    elif url.startswith("postgresql+asyncpg://"):
        refusal = asyncio.run(postgres_refusal(url))
        if refusal:
            warnings.append(f"[storage] url: {refusal}")
    return warnings


POSTGRES_PROBE_SECONDS = 3.0


async def postgres_refusal(url: str) -> str | None:
    """Why the PostgreSQL server of `url` will not take us (no answer, a refused login, no such
    database), or None; the password is never shown."""
    import asyncpg
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    where = f"PostgreSQL at {parts.host or 'localhost'}:{parts.port or 5432}"
    try:
        connection = await asyncpg.connect(
            user=parts.username,
            password=parts.password,
            host=parts.host,
            port=parts.port,
            database=parts.database,
            timeout=POSTGRES_PROBE_SECONDS,
            ssl=parts.query.get("ssl"),
        )
    except (OSError, TimeoutError) as error:
        return f"{where} does not answer ({type(error).__name__}): the daemon cannot start until it does"
    except asyncpg.PostgresError as error:
        return f"{where} refused: {error}"
    try:
        await connection.fetchval("SELECT 1")
    finally:
        await connection.close()
    return None


def _line_of(problem: str) -> int:
    """A problem's line ("config.toml:7: ..."), so that they read in the file's order."""
    found = re.match(r"^[^:]*:(\d+):", problem)
    return int(found.group(1)) if found else 0


@dataclass(frozen=True, slots=True)
class TestEvent:
    """An event as `routes test --event share_sale:gross_proceeds=6000000` gives it."""

    type: str
    rule: str = ""
    fields: dict[str, FieldValue] = field(default_factory=dict)


def parse_event(text: str, catalogue: Catalogue | None = None) -> TestEvent:
    """`type` or `type:field=value,field=value`; numbers read as numbers ("6000000", "$6,000,000").
    With the catalogue in force, a type or a field it does not declare is a ConfigError that says
    which ones it does (a typo would otherwise test a route against an event no rule can report)."""
    name, _, rest = text.partition(":")
    name = name.strip()
    fields: dict[str, FieldValue] = {}
    # A comma starts the next pair only before "name=": "$1,000,000" stays one value.
    for pair in filter(None, re.split(r",(?=\s*[A-Za-z_]\w*\s*=)", rest)):
        key, _, value = pair.partition("=")
        number = parse_money(value) if any(ch.isdigit() for ch in value) else None
        fields[key.strip()] = number if number is not None else value.strip()
    if catalogue is not None:
        _declared(text, name, list(fields), catalogue)
    return TestEvent(name, "", fields)


def _declared(text: str, name: str, fields: list[str], catalogue: Catalogue) -> None:
    if name not in catalogue:
        known = list(catalogue.names())
        raise ConfigError(f"--event {text}: {unknown_type_message(name, known)}")
    declared = list(catalogue[name].fields)
    for field_name in fields:
        if field_name not in declared:
            raise ConfigError(
                f"--event {text}: {name} has no field {field_name!r}{_did_you_mean(field_name, declared)}"
            )


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{hint}; known: {', '.join(choices)}"


async def command_routes_test(
    settings: Settings, form: str | None, cik: str | None, tickers: list[str], events: list[str]
) -> int:
    """One line per destination the alert would go to, and why; routes whose destination is off
    are named too, as not sent."""
    # Here, not at the top: `config check` shares this module and needs no notifier (0.3 s of imports).
    from monitor.notify.destinations import open_destinations

    catalogue = load_sources(settings.rule_sources()).catalogue  # the packs may declare types of their own
    parsed = [parse_event(e, catalogue) for e in events]
    async with open_destinations(settings) as destinations:
        live = set(destinations.notifiers)
        lines = _route_lines(settings, live, form, cik, tickers, parsed)
    print("\n".join(lines))
    return 0


def _route_lines(
    settings: Settings, live: set[str], form: str | None, cik: str | None, tickers: list[str], events: list[Any]
) -> list[str]:
    # The filer's tickers, as EDGAR's ticker list would map them to its CIK.
    known = {ticker.upper(): (cik or "").lstrip("0") for ticker in tickers}
    from monitor.notify.destinations import configured_routes

    routes, default = configured_routes(settings)
    lines = ["console: every alert"] if CONSOLE in live else []
    took_channel = False
    for number, route in enumerate(routes, start=1):
        if not route.matches(form, cik, events, {}, known):
            continue
        if route.destination not in live:
            lines.append(f"not sent: {route.destination}: route {number} (its destination is off)")
            continue
        lines.append(f"{route.destination}: route {number}")
        took_channel = took_channel or route.destination.startswith("slack:")
    if not took_channel and default.matches(form, cik, events, {}, known):
        if default.destination in live:
            lines.append(f"{default.destination}: the default channel")
        else:
            lines.append(f"not sent: {default.destination}: the default channel (off: no Slack token or webhook)")
    return lines or ["no destination: nothing would be sent"]

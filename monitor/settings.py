"""One typed settings tree, read from the TOML config; every error names the file and the key."""

from __future__ import annotations

import difflib
import hashlib
import re
import socket
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from monitor.errors import ConfigError
from rules.catalogue import CATALOGUE, declared_names
from rules.errors import RuleError
from rules.sources import RuleSources, rule_files, shipped_packs
from rules.tomlfile import Problem, TomlFile, TomlFileError
from storage.urls import async_url

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class _Strict(BaseModel):
    # inf and nan are no intervals or sizes: refused here, not found in a loop at run time.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def http_url(value: str) -> str:
    """An http(s) URL with a host, without its trailing slash; else a ValueError that does not repeat it
    (a URL may carry a secret)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    try:
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise ValueError("has a port that is not a number") from None
    return value.rstrip("/")


SEC_BASE_URL = "https://www.sec.gov"
SEC_DATA_URL = "https://data.sec.gov"


class EdgarSettings(_Strict):
    base_url: str = SEC_BASE_URL
    user_agent: str  # required: the SEC refuses (and may block) requests that name no contact
    forms: list[str] = Field(default_factory=lambda: ["8-K", "8-K/A", "D", "424B5"], min_length=1)
    poll_seconds: Annotated[float, Field(gt=0)] = 60
    max_requests_per_second: Annotated[float, Field(gt=0)] = 9  # the SEC allows 10: one of room when unset
    timeout_seconds: Annotated[float, Field(gt=0)] = 30
    max_attempts: Annotated[int, Field(ge=1)] = 6  # per request, before the work item is failed
    feed_pages: Annotated[int, Field(ge=1, le=100)] = 20  # how far back one poll may page through the feed
    max_body_mb: Annotated[float, Field(gt=0)] = 200  # a bigger submission is failed, not read into memory
    # 8-K items worth fetching (e.g. ["1.01", "2.03", "3.02", "8.01"]); empty: every 8-K is fetched.
    only_items: list[str] = Field(default_factory=list)
    # The SEC's JSON APIs (XBRL company facts, for the shares outstanding an alert's dilution needs).
    # Unset: https://data.sec.gov beside the SEC's own base_url, else base_url (a local fake serves
    # both). "" turns the look-up off: alerts say "shares outstanding unknown".
    data_url: str | None = None

    def facts_url(self) -> str:
        if self.data_url is not None:
            return self.data_url.rstrip("/")
        return SEC_DATA_URL if self.base_url.rstrip("/") == SEC_BASE_URL else self.base_url.rstrip("/")

    @field_validator("user_agent")
    @classmethod
    def _declares_contact(cls, value: str) -> str:
        # SEC fair access: an undeclared agent is refused (403) and may get the address blocked.
        if not _EMAIL.search(value):
            raise ValueError(
                "must name you and give a contact e-mail, as the SEC requires (e.g. 'Example Research ops@example.com')"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _an_http_url(cls, value: str) -> str:
        return http_url(value)

    @field_validator("data_url")
    @classmethod
    def _an_http_url_or_off(cls, value: str | None) -> str | None:
        return value if not value else http_url(value)


class StorageSettings(_Strict):
    url: str = "sqlite:///filing-monitor.db"

    @field_validator("url")
    @classmethod
    def _a_database_url(cls, value: str) -> str:
        async_url(value, Path.cwd())  # raises ValueError naming what is wrong, never the password
        return value


class FilingStoreSettings(_Strict):
    # Where fetched submissions are kept, compressed, for `rules replay`: relative to the config file.
    # Instances that share one PostgreSQL database should share one folder too (a mount they all see).
    folder: str = "filings"  # "off": keep none
    retention_days: Annotated[int, Field(ge=0)] = 90  # 0: keep them until removed by hand
    # `rules replay` fetches what the store lacks with this share of [edgar] max_requests_per_second:
    # the SEC counts requests per address, and a daemon beside it needs the rest.
    replay_share: Annotated[float, Field(gt=0, le=1)] = 0.5


class SlackSettings(_Strict):
    base_url: str = "https://slack.com/api/"
    token_env: str = "SLACK_BOT_TOKEN"  # the bot token is read from this environment variable
    webhook_env: str = "SLACK_WEBHOOK_URL"  # or an incoming-webhook URL from this one (when no token is set)
    channel: str = "#financings"  # the default route: every alert that no [[routes]] channel took
    timeout_seconds: Annotated[float, Field(gt=0)] = 10
    min_amount: Annotated[float, Field(ge=0)] = 0  # the default route's size filter (0: every alert)
    digest_minutes: Annotated[float, Field(ge=0)] = 0  # the default route's digest (0: one message per filing)
    # Before its first post to a channel, a process reads this many days of the channel's history for
    # filings already posted (a new or emptied database, a move between databases); 0: no look.
    history_days: Annotated[float, Field(ge=0, le=90)] = 3
    # A deal's reply that changes the deal's size by at least this percentage is also shown in the
    # channel (reply_broadcast), not only in its thread; 0: replies stay in their threads.
    broadcast_change_percent: Annotated[float, Field(ge=0)] = 0

    @field_validator("base_url")
    @classmethod
    def _an_http_url(cls, value: str) -> str:
        return http_url(value) + "/"  # slack-sdk joins method names onto it


class ConsoleSettings(_Strict):
    enabled: bool = True  # one ALERT line per financing filing on stdout


class WebhookSettings(_Strict):
    """A generic JSON webhook: every alert routed to it is POSTed as one JSON object."""

    name: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    url_env: str = Field(min_length=1)  # environment variable holding the URL (URLs often embed a secret)
    timeout_seconds: Annotated[float, Field(gt=0)] = 10


class RouteSettings(_Strict):
    """Alerts matching every criterion given (an empty list matches anything) go to `channel` or `webhook`."""

    name: str = ""
    channel: str = ""
    webhook: str = ""
    types: list[str] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    ciks: list[str] = Field(default_factory=list)
    tickers: list[str] = Field(default_factory=list)
    min_amount: Annotated[float, Field(ge=0)] = 0  # the largest of proceeds, principal, facility size
    digest_minutes: Annotated[float, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _one_destination(self) -> RouteSettings:
        if bool(self.channel) == bool(self.webhook):
            raise ValueError("a route names exactly one of `channel` or `webhook`")
        if self.digest_minutes and self.webhook:
            raise ValueError("digest_minutes applies to Slack channels only")
        return self


class RulesSettings(_Strict):
    paths: list[Path] = Field(default_factory=list)  # the user's rule files and folders: they add to the shipped packs
    disable: list[str] = Field(default_factory=list)  # shipped packs turned off by name
    reload_seconds: Annotated[float, Field(gt=0)] = 2

    @field_validator("disable")
    @classmethod
    def _shipped_packs(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(shipped_packs()))
        if unknown:
            raise ValueError(f"no shipped pack is called {unknown[0]!r} (packs: {', '.join(shipped_packs())})")
        return value


class DaemonSettings(_Strict):
    workers: Annotated[int, Field(ge=1, le=64)] = 4
    queue_size: Annotated[int, Field(ge=1)] = 1000
    max_filing_attempts: Annotated[int, Field(ge=1)] = 5  # a filing that keeps failing is left as 'failed'
    retry_seconds: Annotated[float, Field(gt=0)] = 60  # how often failed filings are tried again
    # Instances sharing a database name themselves in their claims; empty: host name and config path.
    instance: str = ""
    lease_seconds: Annotated[float, Field(gt=0)] = 600  # a claim older than this is taken over


class MetricsSettings(_Strict):
    """Prometheus metrics, /healthz and /readyz over HTTP, served by the daemon (`run`)."""

    enabled: bool = False
    address: str = "127.0.0.1"  # local only unless the operator widens it
    port: Annotated[int, Field(ge=0, le=65535)] = 9108  # 0: any free port (the start-up log names it)


class LoggingSettings(_Strict):
    level: str = "INFO"
    json_lines: bool = Field(default=False, alias="json")

    @field_validator("level")
    @classmethod
    def _a_level(cls, value: str) -> str:
        if value.upper() not in _LEVELS:
            raise ValueError(f"must be one of {', '.join(_LEVELS)}")
        return value.upper()


class Settings(_Strict):
    edgar: EdgarSettings
    storage: StorageSettings = Field(default_factory=StorageSettings)
    filing_store: FilingStoreSettings = Field(default_factory=FilingStoreSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    webhooks: list[WebhookSettings] = Field(default_factory=list)
    routes: list[RouteSettings] = Field(default_factory=list)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    daemon: DaemonSettings = Field(default_factory=DaemonSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    path: Path = Path("config.toml")

    @model_validator(mode="after")
    def _routes_name_known_webhooks(self) -> Settings:
        names = [w.name for w in self.webhooks]
        if len(set(names)) != len(names):
            raise ValueError("two [[webhooks]] share a name")
        for route in self.routes:
            if route.webhook and route.webhook not in names:
                raise ValueError(f"route names webhook {route.webhook!r}, which no [[webhooks]] entry defines")
        self._routes_name_known_event_types()
        digests: dict[str, float] = {self.slack.channel: self.slack.digest_minutes}
        for route in self.routes:
            if route.channel and digests.setdefault(route.channel, route.digest_minutes) != route.digest_minutes:
                raise ValueError(f"routes to {route.channel} disagree on digest_minutes")
        return self

    def _routes_name_known_event_types(self) -> None:
        """Types of the catalogue, or declared by the user's packs (read here only for their names)."""
        wanted = {name for route in self.routes for name in route.types}
        if not wanted:
            return
        known = known_types(rule_files_of(self))
        unknown = sorted(wanted - set(known))
        if unknown:
            raise ValueError(unknown_type_message(unknown[0], known))

    def rule_sources(self) -> RuleSources:
        """The shipped packs (but those turned off) and the user's rule files, which add."""
        return RuleSources(tuple(self.rule_paths()), shipped=True, disabled=frozenset(self.rules.disable))

    def database_url(self) -> str:
        """The storage URL for SQLAlchemy's async engine; a relative SQLite path sits beside the config."""
        return async_url(self.storage.url, self.path.parent)

    def filing_store_folder(self) -> Path | None:
        """The filing store's folder, beside the config file unless absolute; None when it is off."""
        folder = self.filing_store.folder.strip()
        if folder.lower() == "off":
            return None
        path = Path(folder)
        return path if path.is_absolute() else self.path.parent / path

    def instance_name(self) -> str:
        """Stable across restarts of the same daemon, so that it takes its own unfinished claims back."""
        if self.daemon.instance:
            return self.daemon.instance
        digest = hashlib.sha1(str(self.path).encode()).hexdigest()[:8]
        return f"{socket.gethostname()}-{digest}"

    def rule_paths(self) -> list[Path]:
        return [p if p.is_absolute() else self.path.parent / p for p in self.rules.paths]


def load_settings(path: Path) -> Settings:
    """The config file as typed settings; every mistake is a ConfigError naming the file, line and key."""
    try:
        source = TomlFile.read(path)
    except TomlFileError as error:
        if not path.exists():
            raise ConfigError(f"{path}: no such config file (copy config.example.toml and edit it)") from None
        raise ConfigError(str(error)) from None
    if "edgar" not in source.data:
        raise ConfigError(f"{path}: missing [edgar] section (base_url, user_agent, forms ...)")
    try:
        return Settings.model_validate({**source.data, "path": path.resolve()})
    except ValidationError as error:
        problems = source.problems(error, unknown_key_hint="see config.example.toml")
        # The routes' event types are checked once the rest is valid; told here too, so that one
        # run shows every mistake (a `types = ["sharesale"]` came only after the others were fixed).
        told = [str(p) for p in problems] + _route_type_problems(source, path)
        raise ConfigError(_first_of(problems), told) from None


def _route_type_problems(source: TomlFile, path: Path) -> list[str]:
    """Each route's event type that no catalogue or user pack declares, at its line: best effort,
    from the file as written (its [rules] paths read only for the names they declare)."""
    routes = source.data.get("routes")
    rules = source.data.get("rules")
    paths = rules.get("paths", []) if isinstance(rules, dict) else []
    try:
        folder = path.resolve().parent
        given = [Path(str(raw)) for raw in paths]
        files = rule_files([one if one.is_absolute() else folder / one for one in given])
        known = known_types(files)
    except (RuleError, OSError, TypeError):
        known = known_types([])
    problems = []
    for number, route in enumerate(routes if isinstance(routes, list) else []):
        types = route.get("types", []) if isinstance(route, dict) else []
        for name in types if isinstance(types, list) else []:
            if isinstance(name, str) and name not in known:
                line = source.line_of(["routes", number, "types"])
                where = f"{path}:{line}" if line else str(path)
                problems.append(f"{where}: [[routes]] types: {unknown_type_message(name, known)}")
    return problems


def known_types(rule_files: list[Path]) -> list[str]:
    """The built-in event types and those the user's rule files declare (read for their names only)."""
    return [*CATALOGUE.builtin(), *declared_names(rule_files)]


def unknown_type_message(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown event type {name!r}{hint} (known: {', '.join(sorted(known))})"


def _first_of(problems: list[Problem]) -> str:
    """The first problem, on one line, and how many more there are."""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"


def rule_files_of(settings: Settings) -> list[Path]:
    """The user's rule files; none where a path is missing (loading the rules reports it, with its path)."""
    try:
        return rule_files(settings.rule_paths())
    except RuleError:
        return []

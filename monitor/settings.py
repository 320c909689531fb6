"""One typed settings tree, read from the TOML config; every error names the file and the key."""

from __future__ import annotations

import hashlib
import re
import socket
import tomllib
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from monitor.errors import ConfigError
from rules.catalogue import EVENT_TYPES
from storage.database import async_url

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_TABLE_HEADER = re.compile(r"^\s*\[(?P<array>\[)?\s*(?P<name>[^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([\w\"'.-]+)\s*=")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class EdgarSettings(_Strict):
    base_url: str = "https://www.sec.gov"
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


class StorageSettings(_Strict):
    url: str = "sqlite:///filing-monitor.db"

    @field_validator("url")
    @classmethod
    def _a_database_url(cls, value: str) -> str:
        async_url(value, Path.cwd())  # raises ValueError naming what is wrong, never the password
        return value


class SlackSettings(_Strict):
    base_url: str = "https://slack.com/api/"
    token_env: str = "SLACK_BOT_TOKEN"  # the bot token is read from this environment variable
    webhook_env: str = "SLACK_WEBHOOK_URL"  # or an incoming-webhook URL from this one (when no token is set)
    channel: str = "#financings"  # the default route: every alert that no [[routes]] channel took
    timeout_seconds: Annotated[float, Field(gt=0)] = 10
    min_amount: Annotated[float, Field(ge=0)] = 0  # the default route's size filter (0: every alert)
    digest_minutes: Annotated[float, Field(ge=0)] = 0  # the default route's digest (0: one message per filing)

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
        unknown = sorted(set(self.types) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event type {unknown[0]!r} (known: {', '.join(sorted(EVENT_TYPES))})")
        return self


class RulesSettings(_Strict):
    paths: list[Path] = Field(default_factory=list)
    reload_seconds: Annotated[float, Field(gt=0)] = 2


class DaemonSettings(_Strict):
    workers: Annotated[int, Field(ge=1, le=64)] = 4
    queue_size: Annotated[int, Field(ge=1)] = 1000
    max_filing_attempts: Annotated[int, Field(ge=1)] = 5  # a filing that keeps failing is left as 'failed'
    retry_seconds: Annotated[float, Field(gt=0)] = 60  # how often failed filings are tried again
    # Instances sharing a database name themselves in their claims; empty: host name and config path.
    instance: str = ""
    lease_seconds: Annotated[float, Field(gt=0)] = 600  # a claim older than this is taken over


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
    slack: SlackSettings = Field(default_factory=SlackSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    webhooks: list[WebhookSettings] = Field(default_factory=list)
    routes: list[RouteSettings] = Field(default_factory=list)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    daemon: DaemonSettings = Field(default_factory=DaemonSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    path: Path = Path("config.toml")

    @model_validator(mode="after")
    def _routes_name_known_webhooks(self) -> Settings:
        names = [w.name for w in self.webhooks]
        if len(set(names)) != len(names):
            raise ValueError("two [[webhooks]] share a name")
        for route in self.routes:
            if route.webhook and route.webhook not in names:
                raise ValueError(f"route names webhook {route.webhook!r}, which no [[webhooks]] entry defines")
        digests: dict[str, float] = {self.slack.channel: self.slack.digest_minutes}
        for route in self.routes:
            if route.channel and digests.setdefault(route.channel, route.digest_minutes) != route.digest_minutes:
                raise ValueError(f"routes to {route.channel} disagree on digest_minutes")
        return self

    def database_url(self) -> str:
        """The storage URL for SQLAlchemy's async engine; a relative SQLite path sits beside the config."""
        return async_url(self.storage.url, self.path.parent)

    def instance_name(self) -> str:
        """Stable across restarts of the same daemon, so that it takes its own unfinished claims back."""
        if self.daemon.instance:
            return self.daemon.instance
        digest = hashlib.sha1(str(self.path).encode()).hexdigest()[:8]
        return f"{socket.gethostname()}-{digest}"

    def rule_paths(self) -> list[Path]:
        return [p if p.is_absolute() else self.path.parent / p for p in self.rules.paths]


def load_settings(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file (copy config.example.toml and edit it)") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    if "edgar" not in data:
        raise ConfigError(f"{path}: missing [edgar] section (base_url, user_agent, forms ...)")
    try:
        return Settings.model_validate({**data, "path": path.resolve()})
    except ValidationError as error:
        raise ConfigError(_describe(path, error)) from None


def _describe(path: Path, error: ValidationError) -> str:
    first = error.errors()[0]
    location = [str(part) for part in first["loc"]]
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key (a typo? see config.example.toml)" if len(location) > 1 else "unknown section"
    elif first["type"] == "missing":
        message = "required, and not set"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    if not location:  # a check across sections: point at the line holding the value it names
        quoted = re.search(r"'([^']+)'", message)
        line = _line_containing(path, quoted.group(1)) if quoted else None
        return f"{path}{f':{line}' if line else ''}: {message}{more}"
    line = line_of_key(path.read_text(encoding="utf-8"), location)
    return f"{path}{f':{line}' if line else ''}: {_where(location)}: {message}{more}"


def _where(location: list[str]) -> str:
    """How a user names the place: [slack] timeout_seconds, [[routes]] #2 channel, [edgr]."""
    if len(location) > 1 and location[1].isdigit():  # an array of tables: [[routes]] number n
        keys = [part for part in location[2:] if not part.isdigit()]
        return f"[[{location[0]}]] #{int(location[1]) + 1}" + (f" {'.'.join(keys)}" if keys else "")
    if len(location) == 1:
        return f"[{location[0]}]"
    return f"[{location[0]}] {'.'.join(part for part in location[1:] if not part.isdigit())}"


def line_of_key(text: str, location: list[str]) -> int | None:
    """The line of a key given its place in the TOML tree (table names, array indexes, key), or of the
    nearest enclosing table's header when the key itself is absent (a required key, a list item)."""
    headers: dict[tuple[str, ...], int] = {}
    keys: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    counts: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        found = _TABLE_HEADER.match(line)
        if found:
            name = tuple(part.strip().strip("\"'") for part in found.group("name").split("."))
            if found.group("array"):
                counts[name] = counts.get(name, -1) + 1
                table = (*name, str(counts[name]))
            else:
                table = name
            headers.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            keys.setdefault((*table, key.group(1).strip("\"'")), number)
    place = tuple(location)
    for size in range(len(place), 0, -1):
        prefix = place[:size]
        if prefix in keys or prefix in headers:
            return keys.get(prefix) or headers[prefix]
    return None


def _line_containing(path: Path, value: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if f'"{value}"' in line:
            return number
    return None

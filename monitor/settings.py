"""One typed settings tree, read from the TOML config; every error names the file and the key."""

from __future__ import annotations

import hashlib
import re
import socket
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.errors import ConfigError
from storage.database import async_url

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EdgarSettings(_Strict):
    base_url: str = "https://www.sec.gov"
    user_agent: str = ""
    forms: list[str] = Field(default_factory=lambda: ["8-K", "8-K/A", "D", "424B5"], min_length=1)
    poll_seconds: Annotated[float, Field(gt=0)] = 60
    max_requests_per_second: Annotated[float, Field(gt=0)] = 10
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
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


class StorageSettings(_Strict):
    url: str = "sqlite:///filing-monitor.db"


class SlackSettings(_Strict):
    base_url: str = "https://slack.com/api/"
    token_env: str = "SLACK_BOT_TOKEN"
    channel: str = "#financings"


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


class Settings(_Strict):
    edgar: EdgarSettings
    storage: StorageSettings = Field(default_factory=StorageSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    daemon: DaemonSettings = Field(default_factory=DaemonSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    path: Path = Path("config.toml")

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
        settings = Settings.model_validate({**data, "path": path.resolve()})
    except ValidationError as error:
        raise ConfigError(_describe(path, error)) from None
    try:
        async_url(settings.storage.url, path.parent)
    except ValueError as error:
        line = _line_of(path, "url")
        raise ConfigError(f"{path}{f':{line}' if line else ''}: [storage] url: {error}") from None
    return settings


def _describe(path: Path, error: ValidationError) -> str:
    first = error.errors()[0]
    location = [str(part) for part in first["loc"]]
    section, key = (location[0], ".".join(location[1:])) if len(location) > 1 else ("", location[0])
    where = f"[{section}] {key}" if section else key
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key (a typo? see config.example.toml)"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    line = _line_of(path, location[-1])
    return f"{path}{f':{line}' if line else ''}: {where}: {message}{more}"


def _line_of(path: Path, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.match(line):
            return number
    return None

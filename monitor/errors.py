"""The project's small exception tree: each error knows where it comes from."""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error the program reports to a user without a traceback."""


class ConfigError(MonitorError):
    """Bad configuration or bad usage: exit code 2."""


class RuleError(ConfigError):
    """A rule file that cannot be used, with the file and line at fault."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class FilingError(MonitorError):
    """A filing that cannot be read or parsed."""

"""The application layer's error base. Each layer has its own (filings.errors, rules.errors,
storage.errors); the CLI maps them all to its exit codes (2: bad usage or configuration, 1: any other failure)."""

from __future__ import annotations


class MonitorError(Exception):
    """Base of the application's errors (EDGAR, notifiers, the feed): reported without a traceback."""


class ConfigError(MonitorError):
    """Bad configuration or bad usage: exit code 2. Reads as its first problem; `problems` has them all
    (each naming the file and line), for a command that shows every one."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]

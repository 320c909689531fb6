"""The application layer's error base. Each layer has its own (filings.errors, rules.errors,
storage.errors); the CLI maps them all to the exit codes of the contract."""

from __future__ import annotations


class MonitorError(Exception):
    """Base of the application's errors (EDGAR, notifiers, the feed): reported without a traceback."""


class ConfigError(MonitorError):
    """Bad configuration or bad usage: exit code 2."""

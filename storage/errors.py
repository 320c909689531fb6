"""The storage layer's errors; the CLI reports each as a failure (exit 1) naming the database."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be reached or used; the message names it with any password masked."""


class SchemaError(StorageError):
    """The database's schema is missing, half made, or of another version than this release's."""


class DatabaseVanished(StorageError):
    """The SQLite file in use was deleted or replaced: nothing more may be written or trusted."""

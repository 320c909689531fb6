"""Persistence through SQLModel: SQLite by default (WAL), PostgreSQL when instances share the work."""

from storage.errors import DatabaseVanished, SchemaError, StorageError
from storage.outbox import PendingAlert
from storage.repository import FilingWithEvents, ProcessedFiling, Store
from storage.session import utcnow

__all__ = [
    "DatabaseVanished",
    "FilingWithEvents",
    "PendingAlert",
    "ProcessedFiling",
    "SchemaError",
    "StorageError",
    "Store",
    "utcnow",
]

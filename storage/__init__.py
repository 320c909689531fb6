"""Persistence through SQLModel: SQLite by default (WAL), PostgreSQL when instances share the work."""

from storage.database import StorageError
from storage.outbox import PendingAlert
from storage.repository import FilingWithEvents, ProcessedFiling, Store
from storage.session import DatabaseVanished, utcnow

__all__ = ["DatabaseVanished", "FilingWithEvents", "PendingAlert", "ProcessedFiling", "StorageError", "Store", "utcnow"]

"""Persistence through SQLModel: SQLite by default (WAL), PostgreSQL when instances share the work."""

from storage.database import StorageError
from storage.repository import FilingWithEvents, PendingAlert, ProcessedFiling, Store, utcnow

__all__ = ["FilingWithEvents", "PendingAlert", "ProcessedFiling", "StorageError", "Store", "utcnow"]

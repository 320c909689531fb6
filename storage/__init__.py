"""Persistence through SQLModel: SQLite by default (WAL), PostgreSQL when instances share the work.

The facade is `storage.repository.Store`; import the module you need (`storage.states` and
`storage.errors` are light)."""

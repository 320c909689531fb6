"""Persistence through SQLModel (SQLite by default, PostgreSQL for shared deployments).

The tables for filings, events, the poll cursor and the alert outbox arrive with the daemon.
"""

"""The filings layer's one error: bytes that cannot be read as a filing."""

from __future__ import annotations


class FilingError(Exception):
    """A filing that cannot be read or parsed; the message says why, for the file it names."""

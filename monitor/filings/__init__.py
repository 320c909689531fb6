"""Bytes on disk or from EDGAR -> Filing(header, documents)."""

from monitor.filings.model import Document, Filing, FormD, Header
from monitor.filings.reader import read_filing, read_path

__all__ = ["Document", "Filing", "FormD", "Header", "read_filing", "read_path"]

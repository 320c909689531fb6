"""EDGAR as the daemon reads it: one polite HTTP client, the latest-filings feed and the daily indexes."""

from monitor.edgar.client import EdgarClient, EdgarError, NotFound
from monitor.edgar.feed import FeedEntry, FeedError, parse_feed
from monitor.edgar.index import IndexEntry, parse_form_index

__all__ = [
    "EdgarClient",
    "EdgarError",
    "FeedEntry",
    "FeedError",
    "IndexEntry",
    "NotFound",
    "parse_feed",
    "parse_form_index",
]

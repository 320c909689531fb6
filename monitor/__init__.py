"""filing-monitor: watch SEC EDGAR and report financings."""

__version__ = "0.1.0"

"""EDGAR as the daemon reads it: one polite HTTP client (`client`), the latest-filings feed (`feed`)
and the daily indexes (`index`)."""

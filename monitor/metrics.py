"""What the daemon counts for Prometheus: filings, events, alerts, EDGAR requests, lag and timings.

Each daemon owns one `Metrics`, with a registry of its own: prometheus-client's global registry
would refuse a second daemon in the same process (tests start several) and mix their counts.
A part built without one (a one-shot command, a unit test) counts into a private, unserved one.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

PREFIX = "filing_monitor"
FILING_OUTCOMES = ("seen", "fetched", "stored", "skipped", "failed", "gave_up")
# From SEC acceptance: seconds when keeping up, minutes after a pause, a day after a weekend outage.
LAG_BUCKETS = (0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 86400, 7 * 86400)
WORK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """The daemon's counters, gauges and histograms, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.filings = Counter(f"{PREFIX}_filings", "Filings by what became of them", ["outcome"], registry=r)
        for outcome in FILING_OUTCOMES:
            self.filings.labels(outcome)  # every outcome shows, at 0, from the start
        self.events = Counter(f"{PREFIX}_events", "Events stored, by type", ["type"], registry=r)
        self.alerts = Counter(
            f"{PREFIX}_alerts", "Alerts by destination and what became of them", ["destination", "state"], registry=r
        )
        self.requests = Counter(
            f"{PREFIX}_edgar_requests", "EDGAR requests by outcome (status or error)", ["outcome"], registry=r
        )
        self.limiter_waits = Counter(
            f"{PREFIX}_edgar_limiter_waits", "Requests that waited for the fair-access limiter", registry=r
        )
        self.limiter_wait_seconds = Counter(
            f"{PREFIX}_edgar_limiter_wait_seconds", "Time requests spent waiting for the limiter", registry=r
        )
        self.queue_depth = Gauge(f"{PREFIX}_queue_depth", "Filings waiting for a worker", registry=r)
        self.rule_reloads = Counter(
            f"{PREFIX}_rule_reloads", "Rule reloads by outcome (loaded, refused)", ["outcome"], registry=r
        )
        for outcome in ("loaded", "refused"):
            self.rule_reloads.labels(outcome)
        self.rule_caches_emptied = Counter(
            f"{PREFIX}_rule_caches_emptied",
            "Times the rules' regex caches were emptied, once the scans went quiet, to hand memory back",
            registry=r,
        )
        self.lag_stored = Histogram(
            f"{PREFIX}_lag_stored_seconds", "From SEC acceptance to the filing stored", buckets=LAG_BUCKETS, registry=r
        )
        self.lag_alerted = Histogram(
            f"{PREFIX}_lag_alerted_seconds",
            "From SEC acceptance to the alert delivered",
            ["destination"],
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.fetch_seconds = Histogram(
            f"{PREFIX}_fetch_seconds", "Fetching one submission", buckets=WORK_BUCKETS, registry=r
        )
        self.scan_seconds = Histogram(
            f"{PREFIX}_scan_seconds", "Scanning one submission", buckets=WORK_BUCKETS, registry=r
        )

    def filing(self, outcome: str) -> None:
        self.filings.labels(outcome).inc()

    def request(self, status: int | None) -> None:
        """One EDGAR answer: its status (5xx together), or 'error' when none came (timeout, reset)."""
        if status is None:
            outcome = "error"
        elif status >= 500:
            outcome = "5xx"
        else:
            outcome = str(status)
        self.requests.labels(outcome).inc()

    def waited(self, seconds: float) -> None:
        if seconds > 0:
            self.limiter_waits.inc()
            self.limiter_wait_seconds.inc(seconds)

    def stored(self, accepted_at: datetime | None, stored_at: datetime, event_types: list[str]) -> None:
        self.filing("stored")
        for name in event_types:
            self.events.labels(name).inc()
        if accepted_at is not None:
            self.lag_stored.observe(max(0.0, (stored_at - accepted_at).total_seconds()))

    def alerted(self, destination: str, state: str, accepted_at: datetime | None, at: datetime) -> None:
        self.alerts.labels(destination, state).inc()
        if state == "sent" and accepted_at is not None:
            self.lag_alerted.labels(destination).observe(max(0.0, (at - accepted_at).total_seconds()))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


_unserved: Metrics | None = None


def unserved() -> Metrics:
    """Counts nobody reads: for parts built outside a daemon (one-shot commands, unit tests)."""
    global _unserved
    if _unserved is None:
        _unserved = Metrics()
    return _unserved

"""Alerts: the outbox written with each filing's events (`delivery`), drained to the notifiers of the
registry (`registry`: console, Slack, JSON webhooks)."""

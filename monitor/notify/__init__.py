"""Alerts: the outbox written with each filing's events, drained to notifiers (console now, Slack next)."""

from monitor.notify.base import Alert, Delivery, Notifier, NotifyError
from monitor.notify.console import ConsoleNotifier
from monitor.notify.delivery import OutboxDelivery

__all__ = ["Alert", "ConsoleNotifier", "Delivery", "Notifier", "NotifyError", "OutboxDelivery"]

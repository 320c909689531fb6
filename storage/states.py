"""What a stored filing or alert can be, and where an alert goes: named once, used everywhere.

The values are what the database holds (str enums compare equal to them), so a row read by hand or
by an older version says the same."""

from __future__ import annotations

from enum import StrEnum


class FilingState(StrEnum):
    CLAIMED = "claimed"  # an instance is fetching and scanning it (its lease says until when)
    DONE = "done"  # read and stored, with its events (none, for most filings)
    FAILED = "failed"  # the last attempt failed; tried again later
    GAVE_UP = "gave_up"  # failed max_filing_attempts times; left for a person
    SKIPPED = "skipped"  # its 8-K items are not watched: recorded, never fetched


# Filings a person should look at (`status`'s latest problems).
TROUBLED_FILINGS = (FilingState.FAILED, FilingState.GAVE_UP)


class AlertState(StrEnum):
    PENDING = "pending"  # written with its filing's events, waiting for delivery
    SENDING = "sending"  # an instance holds it (sending, or retrying after a temporary failure)
    SENT = "sent"  # the destination took it
    FAILED = "failed"  # refused for good (bad token, unknown channel): waits for `alerts retry`


# What delivery may pick up by itself: a failed alert waits for a person, so it is not among them.
DELIVERABLE_ALERTS = (AlertState.PENDING, AlertState.SENDING)
# What `alerts list` shows by default: everything not sent, failed ones included.
NOT_SENT_ALERTS = (AlertState.PENDING, AlertState.SENDING, AlertState.FAILED)
ALL_ALERTS = tuple(AlertState)


class Destination(str):
    """Where an alert goes, as stored with it: `console`, `slack:#channel` or `webhook:name`.

    The kind before the colon names the notifier (see monitor.notify.registry); the rest is the
    place within it."""

    __slots__ = ()

    @classmethod
    def of(cls, kind: str, place: str = "") -> Destination:
        return cls(f"{kind}:{place}" if place else kind)

    @property
    def kind(self) -> str:
        return self.partition(":")[0]

    @property
    def place(self) -> str:
        return self.partition(":")[2]


CONSOLE = Destination("console")  # the one destination without a place

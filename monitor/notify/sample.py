"""The sample alert that `filing-monitor notify test` sends: the seed filing's (NeoTherapeutics, 2000).

Kept as JSON beside this module, so an installed package can send it; a test checks that it is
exactly what the rules find in samples/000_5be251fb1d6ea1d0.txt.
"""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files

from monitor.notify.base import Alert, AlertEvent


def seed_alert(destination: str = "test") -> Alert:
    data = json.loads(files("monitor.notify").joinpath("seed_alert.json").read_text(encoding="utf-8"))
    return Alert(
        id=0,
        destination=destination,
        accession=data["accession"],
        form=data["form"],
        company=data["company"],
        cik=data["cik"],
        filed=date.fromisoformat(data["filed"]),
        events=tuple(AlertEvent(e["type"], e["rule"], e["fields"], e["evidence"]) for e in data["events"]),
    )

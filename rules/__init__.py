"""The pure rules engine: TOML rule packs -> events. No network, no database."""

from rules.engine import RuleSet, scan_filing
from rules.events import Event
from rules.loader import DEFAULT_PACKS, load_rules

__all__ = ["DEFAULT_PACKS", "Event", "RuleSet", "load_rules", "scan_filing"]

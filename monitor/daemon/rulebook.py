"""The rules in force, reloaded when their files change; a broken edit never replaces working rules."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from monitor.memory import release_freed_memory
from rules.catalogue import adopt, using
from rules.engine import RuleSet
from rules.errors import RuleError, RuleErrors
from rules.loader import line_of_rule, load_sources
from rules.sources import DEFAULT_PACKS, RuleSources
from rules.testing import benign_hits, benign_samples
from rules.tomlfile import read_bounded

log = logging.getLogger(__name__)


class RuleBook:
    def __init__(self, sources: RuleSources | list[Path]) -> None:
        """`sources`: the daemon's (shipped packs and the user's, which add); a list of paths: those alone."""
        if not isinstance(sources, RuleSources):
            sources = RuleSources(tuple(sources or [DEFAULT_PACKS]), shipped=False)
        self.sources = sources
        self._said: list[str] = []
        self._reloading = threading.Lock()
        self.on_reload: Callable[[str], None] = lambda outcome: None  # "loaded" or "refused", for metrics
        self._fingerprint = self._read_fingerprint()
        self.current = self._load()  # a broken rule at start-up is a config error: exit 2
        adopt(self.current.catalogue)

    def reload_if_changed(self, force: bool = False) -> bool:
        """Load the rule files again if any changed (or when forced); True when new rules are in force.

        Runs in a worker thread (the timer's check and SIGHUP's may overlap): one reload at a time."""
        with self._reloading:
            return self._reload_if_changed(force)

    def empty_caches(self) -> None:
        """The rules in force swapped for a copy with empty regex caches, the old copy's memory handed
        back (see RuleSet.with_empty_caches). Runs in a worker thread, never beside a reload."""
        with self._reloading:
            self.current = self.current.with_empty_caches()
        release_freed_memory()

    def _reload_if_changed(self, force: bool) -> bool:
        fingerprint = self._read_fingerprint()
        if fingerprint == self._fingerprint and not force:
            return False
        # Remember the broken state too, so that one bad save is logged once, not at every check.
        self._fingerprint = fingerprint
        try:
            ruleset = self._load()
        except RuleError as error:
            log.error("rule change refused, the rules in force (version %s) stay: %s", self.current.version, error)
            self.on_reload("refused")
            return False
        # A type's titles are no part of the rules' version, and still worth putting in force.
        if ruleset.version == self.current.version and ruleset.catalogue.types == self.current.catalogue.types:
            if force:
                log.info("rules re-read: unchanged (version %s)", ruleset.version)
            return False
        log.info(
            "rules reloaded: %d rules, version %s (was %s)", len(ruleset.rules), ruleset.version, self.current.version
        )
        self.current = ruleset
        adopt(ruleset.catalogue)
        self.on_reload("loaded")
        return True

    def _load(self) -> RuleSet:
        """The rules, refused whole when one raises an event on benign text: a rule that matches too
        much would alert on every filing."""
        loaded = load_sources(self.sources, put_in_force=False)
        rules = loaded.rules
        with using(loaded.catalogue):
            hits = benign_hits(rules, benign_samples(list(self.sources.paths)))
        if hits:
            errors = [
                RuleError(hit.rule.path, hit.describe().partition(": ")[2], line_of_rule(hit.rule.path, hit.rule.id))
                for hit in hits
            ]
            raise RuleErrors(errors)
        self._say(loaded.overrides, loaded.notes)
        return RuleSet(rules, loaded.catalogue)

    def _say(self, overrides: list[str], notes: list[str]) -> None:
        """Overrides and rules that can find nothing: said at start-up, and again only when they change."""
        if overrides + notes != self._said:
            for line in overrides:
                log.info("%s", line)
            for line in notes:
                log.warning("%s", line)
            self._said = overrides + notes

    def _read_fingerprint(self) -> str:
        digest = hashlib.sha256()
        try:
            files = self.sources.shipped_files() + self.sources.user_files()
        except RuleError as error:
            return f"error: {error}"
        for file in files:
            digest.update(str(file).encode())
            try:
                digest.update(read_bounded(file))
            except OSError as error:  # reported, with the file, when the rules load
                digest.update(f"<unreadable: {error}>".encode())
        return digest.hexdigest()

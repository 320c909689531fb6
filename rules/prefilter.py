"""Find every trigger word in a text in one pass: Hyperscan where installed, else one RE2 scan.

Only the sentences around these hits are handed to the rules' patterns, which is what makes a
scan of a 1 MB prospectus cost milliseconds.
"""

from __future__ import annotations

import copy
import hashlib
import heapq
import os
import re
import tempfile
import threading
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import re2

from rules.patterns import re2_options, recompiled

hyperscan: ModuleType | None
try:  # Hyperscan has wheels for Linux only; elsewhere the RE2 path does the same job, slower.
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None


def trigger_regex(trigger: str) -> str:
    words = [re.escape(word) for word in trigger.split()]
    body = r"\s+".join(words)
    start = r"\b" if re.match(r"\w", trigger) else ""
    # A word's plural is the same trigger: "convertible promissory note" finds "Convertible
    # Promissory Notes" (the rules' own patterns say which they accept).
    end = r"(?:s|es)?\b" if re.search(r"[A-Za-z]$", trigger) else (r"\b" if re.search(r"\w$", trigger) else "")
    return start + body + end


class Prefilter:
    """Reports (trigger index, end offset) for every trigger occurrence, case-insensitively."""

    def __init__(self, triggers: Sequence[str]) -> None:
        self.triggers = list(triggers)
        self._database = self._hyperscan_database() if hyperscan is not None and self.triggers else None
        # Hyperscan's scratch space serves one scan at a time: the daemon scans in several threads.
        self._scratch = threading.local()
        options = re2_options()
        # One regex a trigger, not one alternation: triggers overlap ("agent" in "placement agent")
        # and an alternation reports only one of them where both must be.
        self._fallback = (
            [re2.compile(trigger_regex(t), options) for t in self.triggers] if self._database is None else []
        )

    def _hyperscan_database(self) -> object:
        assert hyperscan is not None  # only called when the import succeeded
        expressions = [trigger_regex(t).encode() for t in self.triggers]
        cached = _cache_file(expressions)
        if cached is not None and cached.is_file():
            try:
                return hyperscan.loadb(cached.read_bytes(), hyperscan.HS_MODE_BLOCK)
            except (OSError, hyperscan.error):
                pass  # unreadable or corrupt: compile again, and replace it
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        flags = [hyperscan.HS_FLAG_CASELESS] * len(expressions)
        database.compile(
            expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags
        )
        if cached is not None:
            _write_atomically(cached, hyperscan.dumpb(database))
        return database

    def with_empty_caches(self) -> Prefilter:
        """The same triggers: the Hyperscan database shared (its scratch space does not grow), the
        fallback regexes compiled anew."""
        renewed = copy.copy(self)
        renewed._fallback = list(recompiled(tuple(self._fallback)))
        return renewed

    def hits(self, text: str) -> Iterator[tuple[int, int]]:
        if self._database is not None:
            yield from self._hyperscan_hits(text)
            return
        per_trigger = [_ends(number, regex, text) for number, regex in enumerate(self._fallback)]
        yield from heapq.merge(*per_trigger, key=lambda hit: hit[1])

    def _thread_scratch(self) -> object:
        scratch = getattr(self._scratch, "space", None)
        if scratch is None:
            assert hyperscan is not None
            scratch = self._scratch.space = hyperscan.Scratch(self._database)
        return scratch

    def _hyperscan_hits(self, text: str) -> Iterator[tuple[int, int]]:
        # Two flat integer arrays, not a list of tuples: a document can have a million hits.
        triggers, ends = array("l"), array("q")

        def on_match(trigger: int, start: int, end: int, flags: int, context: object) -> None:
            triggers.append(trigger)
            ends.append(end)

        # One byte a character keeps Hyperscan's offsets equal to the text's; triggers are ASCII.
        self._database.scan(  # type: ignore[attr-defined]
            text.encode("latin-1", errors="replace"), match_event_handler=on_match, scratch=self._thread_scratch()
        )
        return zip(triggers, ends, strict=True)


def cache_folder() -> Path:
    """Where compiled trigger databases are kept between runs: $FILING_MONITOR_CACHE, else the
    user's cache folder."""
    configured = os.environ.get("FILING_MONITOR_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "filing-monitor"


def _cache_file(expressions: list[bytes]) -> Path | None:
    """A compiled database depends only on the triggers and Hyperscan's version: compiling 150
    triggers costs a tenth of a second each run, loading them costs nothing."""
    assert hyperscan is not None
    digest = hashlib.sha256(f"{getattr(hyperscan, '__version__', '')}\n".encode() + b"\n".join(expressions))
    try:
        return cache_folder() / f"triggers-{digest.hexdigest()[:24]}.hsdb"
    except RuntimeError:  # no home folder to put it in
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    """Written beside, then renamed: no run ever reads half a file. A cache that cannot be written
    is only a slower start."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError:
        return


def _ends(number: int, regex: re2._Regexp[str], text: str) -> Iterator[tuple[int, int]]:
    for match in regex.finditer(text):
        yield number, match.end()

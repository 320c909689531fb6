"""Why a scan found what it found, and why not: the record `scan --explain` prints.

The engine writes to a Trace only while one is open (`tracing()`), so an ordinary scan pays a
context-variable look-up per sentence and nothing more. For each document it notes the rules its
form, items, roles or document type rule out; for each candidate sentence (one holding a trigger)
what each rule called for made of it: the fields a pattern found, or why the sentence was set aside
(no pattern matched, an exclusion phrase, missing required words, the section, a date before the
filing, an amount a nearby phrase owns). After merging, the events and the sentences they were
built from, with any failed cross-check.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from rules.events import Event, Partial
from rules.fields import FieldValue

FOUND = "found"


@dataclass(slots=True)
class Verdict:
    rule: str
    outcome: str  # FOUND, or why the sentence gave this rule nothing
    fields: dict[str, FieldValue] = field(default_factory=dict)
    cue: str = ""  # the pattern (or exclusion phrase, date) that decided


@dataclass(slots=True)
class Candidate:
    document: str
    start: int  # offset of the sentence in the filing's extracted text
    text: str
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return any(v.outcome == FOUND for v in self.verdicts)


@dataclass(slots=True)
class Built:
    """An event and the sentences whose findings it merged."""

    event: Event
    sources: list[Candidate]


@dataclass(slots=True)
class Trace:
    out_of_scope: list[tuple[str, str, str]] = field(default_factory=list)  # document, rule, why
    candidates: list[Candidate] = field(default_factory=list)
    partials: list[Partial] = field(default_factory=list)
    built: list[Built] = field(default_factory=list)

    def sentence(self, document: str, start: int, text: str) -> Candidate:
        candidate = Candidate(document, start, text)
        self.candidates.append(candidate)
        return candidate

    def events(self, events: list[Event]) -> None:
        """Tie each event to the sentences whose findings agree with it (same type, fields it kept)."""
        for event in events:
            sources = [
                candidate
                for partial in self.partials
                if partial.type == event.type and _agrees(partial.fields, event.fields)
                for candidate in self.candidates
                if candidate.start <= partial.start < candidate.start + max(len(candidate.text), 1)
            ]
            unique: list[Candidate] = []
            for candidate in sources:
                if not any(candidate is seen for seen in unique):
                    unique.append(candidate)
            self.built.append(Built(event, unique))


def _agrees(found: dict[str, FieldValue], kept: dict[str, FieldValue]) -> bool:
    shared = [name for name in found if name in kept]
    return bool(shared) and all(found[name] == kept[name] for name in shared)


_TRACE: ContextVar[Trace | None] = ContextVar("trace", default=None)


def current_trace() -> Trace | None:
    return _TRACE.get()


@contextmanager
def tracing() -> Iterator[Trace]:
    """Record the scans inside the block."""
    trace = Trace()
    token = _TRACE.set(trace)
    try:
        yield trace
    finally:
        _TRACE.reset(token)

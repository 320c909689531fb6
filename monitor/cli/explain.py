"""`filing-monitor scan --explain`: for people, why each file gave the events it gave, and no others.

Every line quoting a filing passes `for_terminal`: a filer's text can neither break a line nor send
a control sequence to the reader's terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TextIO

from monitor.escape import for_terminal
from monitor.extraction import expand_paths, scan_one
from rules.catalogue import format_fields
from rules.engine import RuleSet
from rules.explain import FOUND, Candidate, Trace, tracing

QUOTE_CHARS = 300


def explain_paths(paths: list[str], ruleset: RuleSet, out: TextIO) -> int:
    failed = False
    for source in expand_paths(paths):
        with tracing() as trace:
            result = scan_one(source, ruleset)
        out.write(f"== {for_terminal(source)}\n")
        if result.error is not None:
            failed = True
            out.write(f"   error: {for_terminal(result.error)}\n\n")
            continue
        header = result.header
        out.write(
            f"   {for_terminal(header.company or 'no company')} · {header.form or 'no form'} · filed {header.filed or '?'}\n"
        )
        _write_scope(trace, out)
        _write_candidates(trace.candidates, out)
        _write_events(trace, out)
        out.write("\n")
    return 1 if failed else 0


def _write_scope(trace: Trace, out: TextIO) -> None:
    kept_out: dict[str, list[str]] = {}
    for _, rule, why in trace.out_of_scope:
        kept_out.setdefault(why, []).append(rule)
    for why, rules in kept_out.items():
        names = ", ".join(dict.fromkeys(rules))
        out.write(f"   scope: {len(set(rules))} rules not applied ({why}): {names}\n")


# What a rule says of most sentences holding its trigger words: not worth a line each.
QUIET = frozenset({"no pattern's words in the sentence", "no pattern matched"})


def _write_candidates(candidates: Iterable[Candidate], out: TextIO) -> None:
    quiet = 0
    for number, candidate in enumerate(candidates, start=1):
        if all(v.outcome in QUIET for v in candidate.verdicts):
            quiet += 1
            continue
        out.write(f"\n   [{number}] {candidate.document or 'text'} @{candidate.start}: “{_quoted(candidate.text)}”\n")
        for verdict in candidate.verdicts:
            if verdict.outcome == FOUND:
                fields = for_terminal(format_fields_of(verdict.fields))
                out.write(f"       + {verdict.rule}: found {fields}\n")
                out.write(f"         cue: {for_terminal(verdict.cue[:160])}\n")
            elif verdict.outcome not in QUIET:
                out.write(f"       - {verdict.rule}: {for_terminal(verdict.outcome)}\n")
    if quiet:
        out.write(f"\n   {quiet} more sentences held trigger words but matched no rule's pattern\n")


def format_fields_of(fields: Mapping[str, object]) -> str:
    return ", ".join(f"{name}={value}" for name, value in fields.items()) or "(no fields)"


def _write_events(trace: Trace, out: TextIO) -> None:
    out.write(f"\n   events: {len(trace.built)}\n")
    for built in trace.built:
        event = built.event
        out.write(f"   * {event.type}: {for_terminal(format_fields(event.type, event.fields))}\n")
        sentences = [f"@{c.start}" for c in built.sources]
        if len(sentences) > 1:
            out.write(f"     built across {len(sentences)} sentences: {', '.join(sentences)}\n")
        elif sentences:
            out.write(f"     from the sentence {sentences[0]}\n")
        for check in event.checks:
            out.write(f"     check failed: {for_terminal(check)}\n")


def _quoted(text: str) -> str:
    flat = " ".join(text.split())
    return for_terminal(flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1] + "…")

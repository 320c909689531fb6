"""Frames: an instrument named in a sentence, and the facts its fields' cue words attach to it.

A frame rule says what an event is made of instead of how a sentence reads: the words that name
the instrument ("warrants"), the words that say it is being sold ("issued", "sold"), and, for each
field, cue words the value stands after ("exercise price of $2.00") or before ("2,000,000 shares").
A sentence is cut at each mention of the instrument, so that the facts after one mention ("Series A
warrants to purchase 100 shares at $1.00 and Series B warrants to purchase 50 shares at $2.00")
attach to it and not to the next: several series of one instrument stay apart. The engine turns
each reading into a finding; merging joins findings of several sentences into one event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import re2

from rules.model import Cues, Frame
from rules.patterns import (
    CompiledPattern,
    PatternError,
    compile_probe,
    compile_regex,
    compile_template,
    holds_words,
    template_regex,
)

# A fact a little before the mention is still its own ("five-year warrants", "2,000,000 shares of
# common stock"); further back it belongs to what the sentence said before.
LOOK_BACK = 80
# Money attached by a cue must carry its currency: "exercisable at any time for 5 years" is no price.
_MONEY_KINDS = frozenset({"money"})


@dataclass(frozen=True, slots=True)
class Denials:
    """A field's `not_before` and `not_after` words, compiled."""

    before: re2._Regexp[str] | None = None
    after: re2._Regexp[str] | None = None


_NO_DENIALS = Denials()


@dataclass(frozen=True, slots=True)
class CompiledFrame:
    instrument: CompiledPattern  # a mention, with the series it names if any (`{_series}`)
    sale: re2._Regexp[str]
    cues: tuple[CompiledPattern, ...]  # per field, a pattern for its `before` and one for its `after` cues
    stop: re2._Regexp[str] | None = None  # mentions of other instruments, which end this one's part
    denials: tuple[Denials, ...] = ()  # per cue, its field's `not_before` and `not_after` words
    bare_sale: bool = False  # a sale by the instrument's own name states the event without figures
    bare_beside_a_sale: bool = False  # ... only beside another instrument's sale with figures
    cue_words: tuple[tuple[tuple[str, ...], ...], ...] = ()  # per cue, words a sentence must hold for it
    # With `bare_sale`: the sale words over a sentence's UTF-8 bytes. A sale by the instrument's name
    # alone needs one of them: a sentence with neither a cue nor a sale word gives the frame nothing.
    sale_probe: re2._Regexp[bytes] | None = None

    def states_a_sale(self, sentence: str) -> bool:
        return self.sale.search(sentence) is not None

    def may_sell_by_name(self, encoded: bytes) -> bool:
        return self.sale_probe is not None and self.sale_probe.search(encoded) is not None

    def parts(self, sentence: str) -> Iterator[Part]:
        """Each mention of the instrument and its part of the sentence: up to the next mention or a
        `stop` word, and back a little before it (or to the previous mention, or a `stop` word)."""
        mentions = _distinct_mentions(sentence, list(self.instrument.regex.finditer(sentence)))
        stops = [found.start() for found in self.stop.finditer(sentence)] if self.stop is not None else []
        for number, mention in enumerate(mentions):
            low = max(mentions[number - 1].end(), mention.start() - LOOK_BACK) if number else 0
            low = max([low, *(stop for stop in stops if stop < mention.start())])
            high = mentions[number + 1].start() if number + 1 < len(mentions) else len(sentence)
            high = min([high, *(stop for stop in stops if stop > mention.end())])
            yield Part(mention, low, high)

    def cues_in(self, sentence: str, part: Part, lowered: str | None = None) -> list[tuple[CompiledPattern, list[Any]]]:
        """Per cue that stands by a value in the part, its matches, the likeliest first. With the
        sentence `lowered`, a cue whose words it lacks is not asked."""
        denials = self.denials or (_NO_DENIALS,) * len(self.cues)
        words = self.cue_words or ((),) * len(self.cues)
        return [
            (cue, matches)
            for cue, denied, needed in zip(self.cues, denials, words, strict=True)
            if (lowered is None or holds_words(lowered, needed)) and (matches := _in_order(cue, denied, sentence, part))
        ]


@dataclass(frozen=True, slots=True)
class Part:
    mention: Any
    low: int
    end: int  # where the mention's part of the sentence ends: what follows belongs to the next one


def _in_order(cue: CompiledPattern, denied: Denials, sentence: str, part: Part) -> list[Any]:
    """The cue's matches after the mention began, then those in the part before it: when the first
    is not the field's ("par value $0.001 per share"), the next may be ("at $5.40 per share")."""
    begins = part.mention.start()
    found = list(cue.regex.finditer(sentence, begins, part.end))
    for match in cue.regex.finditer(sentence, part.low, part.end) if part.low < begins else ():
        if match.start() >= begins:
            break
        found.append(match)
    return [match for match in found if not _denied(denied, sentence, match)]


UNLESS_WORDS = 4
# A share's par value is no term of any deal: "common stock, par value $0.001 per share" is read past.
_PAR_VALUE = re2.compile(r"(?i)\bpar\s+value\b")


def _denied(denied: Denials, sentence: str, match: Any) -> bool:
    """A `not_before` word (or "par value") among the few words before the value the match captured,
    or a `not_after` word among the few after it."""
    groups = [group for group in range(1, (match.lastindex or 0) + 1) if match.start(group) >= 0]
    value_start = min(match.start(group) for group in groups)
    words = " ".join(sentence[max(0, value_start - 120) : value_start].split()[-UNLESS_WORDS:])
    if _PAR_VALUE.search(words) is not None or (denied.before is not None and denied.before.search(words) is not None):
        return True
    if denied.after is None:
        return False
    value_end = max(match.end(group) for group in groups)
    return denied.after.search(" ".join(sentence[value_end : value_end + 120].split()[:UNLESS_WORDS])) is not None


def _distinct_mentions(sentence: str, mentions: list[Any]) -> list[Any]:
    """A mention repeated with no figure between ("warrants (the "Warrants") to purchase") is one."""
    kept: list[Any] = []
    for mention in mentions:
        if kept and _DIGIT.search(sentence, kept[-1].end(), mention.start()) is None:
            continue
        kept.append(mention)
    return kept


_DIGIT = re.compile(r"\d")


def compile_frame(frame: Frame, field_types: dict[str, str]) -> CompiledFrame:
    """A frame's words as patterns; raises PatternError naming the words at fault."""
    instrument = compile_template(f"[{{_series}}] ({_choices(frame.instrument)})", field_types)
    sale = _phrases(frame.sale, "sale")
    cues: list[CompiledPattern] = []
    denials: list[Denials] = []
    for name, field_cues in frame.fields.items():
        patterns = _cue_patterns(name, field_cues, field_types)
        cues.extend(patterns)
        before = _phrases(field_cues.not_before, f"fields.{name}.not_before") if field_cues.not_before else None
        after = _phrases(field_cues.not_after, f"fields.{name}.not_after") if field_cues.not_after else None
        denials.extend([Denials(before, after)] * len(patterns))
    stop = _phrases(frame.stop, "stop") if frame.stop else None
    beside = frame.bare_sale == "beside a sale"
    words = tuple(cue.key_choices(frozenset()) for cue in cues)
    sale_probe = compile_probe(sale.pattern) if frame.bare_sale else None
    return CompiledFrame(
        instrument, sale, tuple(cues), stop, tuple(denials), bool(frame.bare_sale), beside, words, sale_probe
    )


def _phrases(words: list[str], key: str) -> re2._Regexp[str]:
    try:
        return compile_regex("|".join(f"(?:{template_regex(word)})" for word in words), capture=False)
    except PatternError as error:
        raise PatternError(f"frame.{key}: {error}") from error


def _cue_patterns(name: str, cues: Cues, field_types: dict[str, str]) -> list[CompiledPattern]:
    kind = "dollars" if field_types.get(name) in _MONEY_KINDS else field_types.get(name, "")
    value = f"{{{name}:{kind}}}" if kind else f"{{{name}}}"
    gap = f"{{_{cues.reach}}} " if cues.reach else ""
    templates = []
    if cues.before:
        templates.append(f"({_choices(cues.before)}) {gap}{value}")
    if cues.after:
        templates.append(f"{value} {gap}({_choices(cues.after)})")
    patterns = []
    for template in templates:
        try:
            patterns.append(compile_template(template, field_types))
        except PatternError as error:
            raise PatternError(f"frame.fields.{name}: {error}") from error
    return patterns


def _choices(words: list[str]) -> str:
    return "|".join(" ".join(word.split()) for word in words)

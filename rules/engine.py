"""Run compiled rules over a filing: trigger prefilter -> sentences -> patterns -> partials -> events."""

from __future__ import annotations

import copy
import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from filings.captions import scale_at
from filings.model import LONE_DOCUMENT_TYPES, Document, Filing
from filings.sections import Sections
from rules.catalogue import Catalogue, current_catalogue, event_type, using
from rules.dates import Recency, dates_in, recency
from rules.events import Event, Partial, merge
from rules.explain import FOUND, Candidate, Trace, Verdict, current_trace
from rules.fields import NAME, SERIES_FIELD, TYPES, FieldValue, parse_name
from rules.formd import form_d_events
from rules.frames import CompiledFrame, Part
from rules.loader import CompiledRule, rules_digest
from rules.patterns import CompiledPattern, recompiled
from rules.prefilter import Prefilter
from rules.sentences import Sentences
from rules.terms import DefinedTerms

MAX_EVIDENCE = 700
# Real filings give a rule a few dozen findings at most; a file where every sentence matches is
# junk or an attack, and collecting all of it would only cost memory.
MAX_FINDINGS_PER_RULE = 200
log = logging.getLogger(__name__)


class RuleSet:
    """A loaded rule set, compiled once and shared by every scan."""

    def __init__(self, rules: list[CompiledRule], catalogue: Catalogue | None = None) -> None:
        self.rules = rules
        # The event types the rules were loaded with: a scan reads these, whatever a later load declares.
        self.catalogue = catalogue or Catalogue(dict(current_catalogue().types))
        self.version = rules_digest(rules)
        trigger_index: dict[str, int] = {}
        self._rules_of_trigger: list[list[int]] = []
        for number, rule in enumerate(rules):
            for trigger in rule.rule.triggers:
                key = " ".join(trigger.lower().split())
                if key not in trigger_index:
                    trigger_index[key] = len(trigger_index)
                    self._rules_of_trigger.append([])
                self._rules_of_trigger[trigger_index[key]].append(number)
        self.prefilter = Prefilter(list(trigger_index))

    def with_empty_caches(self) -> RuleSet:
        """The same rules, their regexes compiled anew. RE2 keeps the automata that searches build
        (about 40 MB after the given corpora); the daemon swaps this copy in once its scans go quiet,
        and the old one's memory goes back to the system."""
        renewed = copy.copy(self)
        renewed.rules = list(recompiled(tuple(self.rules)))
        renewed.prefilter = self.prefilter.with_empty_caches()
        return renewed

    @property
    def trigger_words(self) -> list[str]:
        return self.prefilter.triggers

    def partials(self, document: Document, active: set[int], reference: Recency | None = None) -> Iterator[Partial]:
        found: Counter[int] = Counter()
        terms = DefinedTerms(document.text)  # read only if a match names a party by a defined term
        sections = LazySections(document.text)  # headings found once, if a rule asks
        document_words = DocumentWords(document.text)
        trace = current_trace()
        for (start, end), numbers in self._windows(document.text, active):
            sentence = document.text[start:end]
            context = _Context(
                document,
                start,
                end,
                sentence.lower(),
                sentence.encode(),
                reference,
                terms,
                sections,
                document_words,
                _History(),
            )
            if trace is not None:
                context = _traced(context, trace)
            yield from self._sentence_partials(context, numbers, found)

    def _sentence_partials(self, context: _Context, numbers: set[int], found: Counter[int]) -> Iterator[Partial]:
        """One sentence's findings, pattern rules first, then frames. A frame only adds what the
        patterns left out of a sale they read ("... 574,478 shares ..., at a per share purchase price
        of $6.25"); a bare sale that counts only beside another waits for the sentence's end."""
        told: dict[str, set[str]] = {}  # per type, the fields of the sales this sentence's patterns read
        sold: set[str] = set()  # the types this sentence sells with figures
        waiting: list[tuple[int, Partial]] = []
        for number in sorted(numbers, key=lambda n: (self.rules[n].frame is not None, n)):
            rule = self.rules[number]
            for partial in _apply(rule, context) if found[number] < MAX_FINDINGS_PER_RULE else ():
                if partial.bare and rule.frame is not None and rule.frame.bare_beside_a_sale:
                    waiting.append((number, partial))
                    continue
                if not partial.supplement and partial.fields:
                    sold.add(partial.type)
                kept = _beside_patterns(rule, partial, told, context)
                if kept is not None:
                    yield self._counted(number, kept, found)
                if found[number] >= MAX_FINDINGS_PER_RULE:
                    log.warning(
                        "rule %s: more than %d findings in one document; the rest ignored",
                        rule.id,
                        MAX_FINDINGS_PER_RULE,
                    )
                    break
        for number, partial in waiting:
            if sold - {partial.type}:
                yield self._counted(number, partial, found)
            else:
                _verdict(context, self.rules[number], "a sale by name alone, and nothing else sold beside it")

    @staticmethod
    def _counted(number: int, partial: Partial, found: Counter[int]) -> Partial:
        trace = current_trace()
        if trace is not None:
            trace.partials.append(partial)
        found[number] += 1
        return partial

    def _windows(self, text: str, active: set[int]) -> Iterator[tuple[tuple[int, int], set[int]]]:
        """Each sentence with a trigger hit, and the rules its triggers call for, in text order.

        Hits arrive sorted by offset, so a sentence is complete once a hit falls past it: nothing
        but the current sentence is held, however many hits a document has.
        """
        sentences = Sentences(text)
        window: tuple[int, int] | None = None
        numbers: set[int] = set()
        for trigger, end in self.prefilter.hits(text):
            wanted = [n for n in self._rules_of_trigger[trigger] if n in active]
            if not wanted:
                continue
            position = max(end - 1, 0)
            if window is None or not window[0] <= position < window[1]:
                span = sentences.around(position)
                if span != window:
                    if window is not None:
                        yield window, numbers
                    window, numbers = span, set()
            numbers.update(wanted)
        if window is not None:
            yield window, numbers


def scan_filing(filing: Filing, ruleset: RuleSet) -> list[Event]:
    """Every financing event in a filing: Form D data first, then what the rules find in the text."""
    with using(ruleset.catalogue):
        events = _scan(filing, ruleset)
    trace = current_trace()
    if trace is not None:
        trace.events(events)
    return events


def _scan(filing: Filing, ruleset: RuleSet) -> list[Event]:
    partials: list[Partial] = []
    header = filing.header
    reference = recency(filing)
    for document in filing.documents:
        active = {
            number
            for number, rule in enumerate(ruleset.rules)
            if rule.applies_to_form(filing.form or header.form)
            and rule.applies_to_roles(filing.roles)
            and rule.applies_to_items(header.items)
            and rule.applies_to_document(None if document.type in LONE_DOCUMENT_TYPES else document.type)
        }
        if active:
            partials.extend(ruleset.partials(document, active, reference))
        trace = current_trace()
        if trace is not None:
            _trace_scope(trace, filing, document, ruleset, active)
    return form_d_events(filing) + merge(partials, terms_alone=_a_current_report(filing))


def _a_current_report(filing: Filing) -> bool:
    """An 8-K or 6-K (or a headerless text that is no periodic report, proxy or prospectus): its
    terms of an instrument are this filing's news, not a recollection."""
    form = (filing.form or filing.header.form or "").upper()
    return (form.startswith(("8-K", "6-K")) or not form) and not filing.roles


class DocumentWords:
    """Whether a document holds a rule's required words anywhere, read once per rule and document."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._holds: dict[str, bool] = {}

    def holds(self, rule: CompiledRule) -> bool:
        if rule.id not in self._holds:
            self._holds[rule.id] = not rule.required_missing(self._text)
        return self._holds[rule.id]


class LazySections:
    """A document's sections, found on first use: most documents never need them."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._sections: Sections | None = None

    def role_at(self, position: int) -> str | None:
        if self._sections is None:
            self._sections = Sections(self._text)
        return self._sections.role_at(position)


@dataclass(frozen=True, slots=True)
class _Context:
    """A sentence of a document, as every rule asked about it sees it."""

    document: Document
    start: int
    end: int
    lowered: str
    encoded: bytes  # the sentence's UTF-8 bytes, for the rules' yes-or-no probes
    reference: Recency | None
    terms: DefinedTerms
    sections: LazySections
    document_words: DocumentWords
    history: _History  # whether the sentence recalls an old deal, read once for all its rules
    candidate: Candidate | None = None  # where `scan --explain` records what each rule made of it


class _History:
    """What a sentence's place says of it, read the first time a rule asks: its history verdict
    (rules.dates.Recency) and the line that opens its list. Most sentences no rule matches, and
    those that match are asked once, not once per rule."""

    __slots__ = ("_intro", "_recalls")

    def __init__(self) -> None:
        self._recalls: bool | None = None
        self._intro: str | None = None

    def list_intro(self, context: _Context) -> str:
        """The line that opens the list the sentence is an item of, read once for all its rules."""
        if self._intro is None:
            self._intro = _list_intro(context)
        return self._intro

    def recalls(self, context: _Context) -> bool:
        if self._recalls is None:
            reference = context.reference
            sentence = context.document.text[context.start : context.end]
            before = _paragraph_before(context)
            self._recalls = (
                _TOLD_BEFORE.match(sentence) is not None
                or (_TOLD_BEFORE.match(before) is not None and not dates_in(sentence))
                or (reference is not None and reference.recalls(sentence, before))
            )
        return self._recalls


# A sentence that opens by saying it repeats an earlier filing ("As previously disclosed, on March 8,
# 2024, the Company completed a private offering of convertible senior notes") recalls that deal.
_TOLD_BEFORE = re.compile(r"\W*as\s+(?:previously|earlier)\s+(?:disclosed|reported)\b", re.I)


def _traced(context: _Context, trace: Trace) -> _Context:
    text = context.document.text[context.start : context.end]
    candidate = trace.sentence(context.document.type, context.document.offset + context.start, text)
    return dataclasses.replace(context, candidate=candidate)


def _trace_scope(trace: Trace, filing: Filing, document: Document, ruleset: RuleSet, active: set[int]) -> None:
    """Which rules this document's form, roles, items or type kept out, and why."""
    header = filing.header
    for number, rule in enumerate(ruleset.rules):
        if number in active:
            continue
        form = filing.form or header.form
        if not rule.applies_to_form(form):
            why = f"form {form} is {'among its not_forms' if rule.refuses_form(form) else 'not among its forms'}"
        elif not rule.applies_to_roles(filing.roles):
            why = f"the filing's role ({', '.join(sorted(filing.roles)) or 'none'}) is ruled out"
        elif not rule.applies_to_items(header.items):
            why = f"8-K items {', '.join(header.items)} are not its items"
        else:
            why = f"document type {document.type} is not among its documents"
        trace.out_of_scope.append((document.type or "?", rule.id, why))


def _beside_patterns(
    rule: CompiledRule, partial: Partial, told: dict[str, set[str]], context: _Context
) -> Partial | None:
    """A pattern's finding, noted in `told`; a frame's, reduced to what the sentence's patterns left
    out of its type's sale (None when that is nothing)."""
    if rule.frame is None:
        if not partial.supplement and partial.fields:
            told.setdefault(partial.type, set()).update(partial.fields)
        return partial
    if partial.type not in told:
        return partial
    left_out = _left_out(partial, told[partial.type])
    _verdict(context, rule, _after_a_pattern(partial, told[partial.type], left_out))
    return left_out


def _left_out(partial: Partial, told: set[str]) -> Partial | None:
    """A frame's finding on a sentence whose sale a pattern read, when it tells a field the pattern
    did not: terms of that sale (with the figures that say which series they belong to); None when
    it tells nothing more."""
    if all(name in told for name in partial.fields):
        return None
    return dataclasses.replace(partial, supplement=True, bare=False)


def _after_a_pattern(partial: Partial, told: set[str], left_out: Partial | None) -> str:
    if left_out is None:
        return "a pattern rule already read this sentence's sale of its type, and the frame adds nothing to it"
    added = [name for name in left_out.fields if name not in told]
    return "a pattern rule already read this sentence's sale; the frame adds " + ", ".join(added)


def _verdict(context: _Context, rule: CompiledRule, outcome: str, cue: str = "", **fields: FieldValue) -> None:
    if context.candidate is not None:
        context.candidate.verdicts.append(Verdict(rule.id, outcome, dict(fields), cue))


def _set_aside(rule: CompiledRule, sentence: str, context: _Context) -> str | None:
    """Why a rule gives a sentence no pattern match at all; None when its patterns may be tried."""
    if not rule.may_match(sentence, context.lowered, context.encoded):
        return "no pattern's words in the sentence"
    if _lacks_required_words(rule, sentence, context):
        return "required words missing"
    phrase = rule.excluded_by(sentence) if rule.frame is None else None  # a frame asks per mention
    if phrase is not None:
        return f"excluded by the phrase {phrase!r}"
    intro = context.history.list_intro(context) if rule.any_exclude is not None else ""
    if intro and (phrase := rule.excluded_by(intro)) is not None:
        return f"excluded by the phrase {phrase!r} in the words that open its list"
    if rule.reads_sections:  # the section is looked up last: finding a document's headings costs a pass over it
        section = context.sections.role_at(context.start)
        if not rule.applies_to_section(section):
            return f"out of scope: in section {section or 'none'}"
    return None


REQUIRED_WORDS_REACH = 1500


def _lacks_required_words(rule: CompiledRule, sentence: str, context: _Context) -> bool:
    if not rule.required_missing(sentence, context.encoded):
        return False
    if rule.rule.require_in == "document":
        return not context.document_words.holds(rule)
    return rule.rule.require_in == "sentence" or rule.required_missing(_paragraph_before(context))


# A list item's line: a bullet on its own, or an item that ends as list items do ("...;", "...; and").
_LIST_LINE = re.compile(r"^(?:[\u00b7\-*]|\(?[a-z0-9]{1,3}[.)])?\s*$|[;,]\s*(?:and|or)?$", re.I)
_LIST_REACH = 40


def _list_intro(context: _Context) -> str:
    """The line that opens the list this sentence is an item of ("As of December 31, 2024, the
    following convertible notes were outstanding:"), or "": what it says of all its items is said of
    each, and "$1.050 billion aggregate principal amount of 0% Convertible Senior Notes due 2027;" is
    an outstanding note, not one sold."""
    text, start = context.document.text, context.start
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return ""  # not the first sentence of its line: no list item
    end = line_start - 1
    for _ in range(_LIST_REACH):
        if end <= 0:
            return ""
        begin = text.rfind("\n", 0, end) + 1
        line = text[begin:end].strip()
        if line.endswith(":"):
            return line
        if not _LIST_LINE.search(line):
            return ""
        end = begin - 1
    return ""


def _paragraph_before(context: _Context) -> str:
    """The sentences of the paragraph before this one (a paragraph is a line of the text, at most
    REQUIRED_WORDS_REACH characters back): a plan of distribution names "the Equity Distribution
    Agreement" first and says "we may offer and sell up to $50.0 million" two sentences on."""
    text, start = context.document.text, context.start
    reach = max(0, start - REQUIRED_WORDS_REACH)
    return text[max(text.rfind("\n", reach, start) + 1, reach) : start]


def _apply(rule: CompiledRule, context: _Context) -> Iterator[Partial]:
    document, start, end = context.document, context.start, context.end
    reference = context.reference
    sentence = document.text[start:end]
    why = _set_aside(rule, sentence, context)
    if why is not None:
        _verdict(context, rule, why)
        return
    if rule.frame is not None:
        yield from _apply_frame(rule, rule.frame, sentence, context)
        return
    checked_dates = False
    matched = False
    for number, pattern in enumerate(rule.patterns):
        if not rule.may_try(number, context.lowered):
            continue
        for match in pattern.regex.finditer(sentence):
            if not checked_dates:  # dates are read only in sentences that matched: most do not
                if context.history.recalls(context):
                    _verdict(context, rule, f"history: a date long before the filing ({reference})")
                    return
                checked_dates = True
            matched = True
            approximate: set[str] = set()
            found = _fields(pattern, match, sentence, context, rule, approximate)
            if found is None:
                _verdict(context, rule, "its amount is a percentage, or a nearby phrase owns it", pattern.source)
                continue
            fields, series = found
            series = series or _defined_series(sentence, match.start(), match.end()) or rule.rule.series
            fields = {**rule.rule.set, **fields}
            if not fields and not rule.rule.set and pattern.captures:
                continue
            low, high = _evidence_span(sentence, match.start(), match.end())
            _verdict(context, rule, FOUND, pattern.source, **fields)
            yield Partial(
                type=rule.rule.event,
                rule=rule.id,
                priority=rule.rule.priority,
                supplement=rule.rule.supplement,
                fields=fields,
                series=series,
                start=document.offset + start + low,
                end=document.offset + start + high,
                evidence=sentence[low:high],
                document=document.type,
                approximate=frozenset(approximate),
            )
    if not matched:
        _verdict(context, rule, "no pattern matched")


def _apply_frame(rule: CompiledRule, frame: CompiledFrame, sentence: str, context: _Context) -> Iterator[Partial]:
    """Each mention of the frame's instrument with the facts its cues attach: a new event where the
    sentence states a sale, else terms added to an event found elsewhere."""
    readings: list[tuple[Part, list[tuple[CompiledPattern, list[Any]]], bool]] = []
    for part in frame.parts(sentence):
        # A sale word and an exclusion speak of what comes before them: "(inclusive of shares sold
        # under the underwriters' option to purchase additional shares)" after a sale does not undo
        # it, and "the Notes will mature on ..." is not sold by a later clause about other notes.
        said = sentence[: part.end]
        phrase = rule.excluded_by(said)
        if phrase is not None:
            _verdict(context, rule, f"excluded by the phrase {phrase!r}")
            continue
        intro = context.history.list_intro(context)
        if intro and (phrase := rule.excluded_by(intro)) is not None:
            _verdict(context, rule, f"excluded by the phrase {phrase!r} in the words that open its list")
            continue
        cues = frame.cues_in(sentence, part, context.lowered)
        sale = frame.states_a_sale(said) or (frame.bare_sale and _by_its_name(part) and _sized(rule, cues))
        if cues or (sale and frame.bare_sale and _named_afresh(part, sentence)):
            readings.append((part, cues, sale))
    if not readings:
        _verdict(context, rule, "no fact attached to the instrument by a cue")
        return
    if context.history.recalls(context):
        _verdict(context, rule, f"history: a date long before the filing ({context.reference})")
        return
    for part, cues, sale in readings:
        approximate: set[str] = set()
        fields = _attached(rule, cues, sentence, context, approximate)
        if not sale:
            fields = _terms_only(rule.rule.event, fields)
        bare = sale and not fields
        if not fields and not (bare and frame.bare_sale and _named_afresh(part, sentence)):
            _verdict(context, rule, "no sale word before the mention, and its counts and names are no terms")
            continue
        mention = part.mention
        series = (
            _mention_series(frame, mention)
            or _defined_series(sentence, mention.end(), min(part.end, mention.end() + 60))
            or rule.rule.series
        )
        fields = {**rule.rule.set, **fields}
        low, high = _evidence_span(sentence, mention.start(), mention.end())
        cue = "frame: " + ("a sale of" if sale else "terms of") + f" {mention.group(0)!r}"
        _verdict(context, rule, FOUND, cue, **fields)
        yield Partial(
            type=rule.rule.event,
            rule=rule.id,
            priority=rule.rule.priority,
            supplement=rule.rule.supplement or not sale or bare,
            fields=fields,
            series=series,
            start=context.document.offset + context.start + low,
            end=context.document.offset + context.start + high,
            evidence=sentence[low:high],
            document=context.document.type,
            recalled=not sale,
            bare=bare,
            approximate=frozenset(approximate & set(fields)),
        )


def _sized(rule: CompiledRule, cues: list[tuple[CompiledPattern, list[Any]]]) -> bool:
    """Whether a cue attaches the frame's first field, its size ("a Senior Secured Convertible Note
    with a principal amount equal to $5,000,000"): an instrument named so, with what it amounts to,
    is the deal itself, said without a sale word."""
    assert rule.rule.frame is not None
    size = next(iter(rule.rule.frame.fields))
    return any(matches and any(capture.field == size for capture in pattern.captures) for pattern, matches in cues)


def _by_its_name(part: Part) -> bool:
    """A mention that names the instrument ("a Convertible Promissory Note"), not one that refers
    back to it ("the Notes"), which may be notes of any kind."""
    return not part.mention.group(0).lower().startswith(_REFERRING)


def _named_afresh(part: Part, sentence: str) -> bool:
    """A mention by name that no article ties to what came before: a sale said of it without a
    figure is news ("issued convertible debentures"), while "the date of the sale of the convertible
    debentures" speaks of a sale told elsewhere, or nowhere."""
    before = sentence[max(0, part.mention.start() - 8) : part.mention.start()].lower().split()
    return _by_its_name(part) and not (before and before[-1] in _REFERRING_WORDS)


_REFERRING = ("the ", "such ")
_REFERRING_WORDS = frozenset({"the", "such", "said"})


def _attached(
    rule: CompiledRule,
    cues: list[tuple[CompiledPattern, list[Any]]],
    sentence: str,
    context: _Context,
    approximate: set[str],
) -> dict[str, FieldValue]:
    """Per cue, the fields of its likeliest match that states them: a match a nearby phrase owns
    ("par value $0.001 per share") gives way to the next. The names of fields said "approximately"
    go into `approximate`."""
    fields: dict[str, FieldValue] = {}
    for pattern, matches in cues:
        for match in matches:
            rounded: set[str] = set()
            told = _fields(pattern, match, sentence, context, rule, rounded)
            if told is None:
                _verdict(context, rule, "its amount is a percentage, or a nearby phrase owns it", pattern.source)
                continue
            taken = {
                name: value
                for name, value in told[0].items()
                if name not in fields and not _no_count(value, pattern, match)
            }
            fields.update(taken)
            approximate.update(rounded & set(taken))
            break
    return fields


# A frame's count below this is a ratio ("for each two (2) shares", "one (1) share"), not a deal's size.
SMALLEST_COUNT = 10
_TERMS_KINDS = frozenset({"money", "percent", "years", "term", "date", "ratio"})


def _no_count(value: FieldValue, pattern: CompiledPattern, match: Any) -> bool:
    """A count a frame cannot take: a ratio ("one (1) share") or a fraction ("48.6 units")."""
    counted = [capture.group for capture in pattern.captures if capture.type == "count"]
    if not counted or not isinstance(value, int | float):
        return False
    text = (match.group(counted[0]) or "").lower()
    return value < SMALLEST_COUNT or ("." in text and not text.rstrip(")").endswith(("million", "billion")))


def _terms_only(type_name: str, fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """What a sentence that states no sale may add to an event found elsewhere: its terms (prices,
    rates, dates), not counts or names, which such a sentence mostly recalls or describes."""
    declared = event_type(type_name)
    return {name: value for name, value in fields.items() if declared.kind_of(name) in _TERMS_KINDS}


# `Common Stock Purchase Warrants (the "Series B Warrant") to purchase ...`: a series named by the
# term an instrument is defined as, where the words before it name none.
_DEFINED_SERIES = re.compile(
    r"\(\s*(?:the\s+)?[\"\u201c]\s*(Series\s+[A-Za-z0-9]{1,3}(?:-\d{1,2})?)\s+(?:Warrants?|Notes?|Debentures?)\b"
)


def _defined_series(sentence: str, start: int, end: int) -> str | None:
    defined = _DEFINED_SERIES.search(sentence, start, end)
    return _series_named(defined.group(1)) if defined else None


def _series_named(text: str) -> str | None:
    series = TYPES["series"].parse(text)
    return None if series is None else str(series)


def _mention_series(frame: CompiledFrame, mention: Any) -> str | None:
    """The series a mention names ("Series A-5 warrants"), if it names one."""
    for capture in frame.instrument.captures:
        text = mention.group(capture.group)
        if capture.field == SERIES_FIELD and text:
            return _series_named(text)
    return None


_AMOUNT_TYPES = frozenset({"money", "dollars", "count", "number"})
_OWNED_TYPES = _AMOUNT_TYPES | {"percent"}  # what a `not_before` phrase can own: "a management fee of 1.0%"
_NAME_TYPES = frozenset({"name", "names"})
_PERCENT_AFTER = re.compile(r"\s?(?:%|percent\b|per\s?cent\b)", re.I)


def _fields(
    pattern: CompiledPattern,
    match: Any,
    sentence: str,
    context: _Context,
    rule: CompiledRule,
    approximate: set[str] | None = None,
) -> tuple[dict[str, FieldValue], str | None] | None:
    """The fields a match states, or None when the match is not what the pattern means. The names
    of those said "approximately" go into `approximate`."""
    terms = context.terms
    fields: dict[str, FieldValue] = {}
    series: str | None = None
    for capture in pattern.captures:
        text = match.group(capture.group)
        if text is None:
            continue
        end = match.end(pattern.regex.groupindex[capture.group])
        if capture.type in _AMOUNT_TYPES and _PERCENT_AFTER.match(sentence, end):
            return None  # "a fee equal to 7.0%" states a percentage, not an amount
        start = match.start(pattern.regex.groupindex[capture.group])
        if capture.type in _OWNED_TYPES and rule.excluded_around(sentence, start, end):
            return None  # "Warrants to purchase 1,939,114 shares": a `not_before` phrase owns the amount
        value = _renamed(capture.type, sentence, end) or _division_named(capture.type, sentence, start)
        value = value or _party(terms, capture.type, text)
        value = value or TYPES[capture.type].parse(text)
        if capture.type == "money" and isinstance(value, int | float) and _whole_figure_in_a_row(sentence, text):
            value = value * scale_at(context.document.text, context.start)
        if value is None:
            continue
        if capture.field == SERIES_FIELD:
            series = str(value)
        else:
            fields[capture.field] = value
            if approximate is not None and _ROUNDED.search(sentence[max(0, start - 30) : start]):
                approximate.add(capture.field)
    return fields, series


# "approximately $17.9 million", "an estimated total of approximately 34.2 million units": a rounded
# figure, which gives way to an exact one stated for the same field.
_ROUNDED = re.compile(r"(?i)\b(?:approximately|approx\.|about|roughly|an estimated|estimated)\s+(?:\$\s?)?$")


def _whole_figure_in_a_row(sentence: str, text: str) -> bool:
    """A table row's whole figure ("12,500"), which a caption "(in thousands)" scales; a figure with
    cents ("$2.75") is a per-share value, which such captions except."""
    return " | " in sentence and "." not in text and "million" not in text.lower()


_NOW_KNOWN_AS = re.compile(rf"\s*\((?:now|currently)\s+(?:known\s+as\s+|called\s+)?(?P<name>{NAME})\)")


def _renamed(kind: str, sentence: str, end: int) -> FieldValue | None:
    """`Leerink Partners LLC (now known as SVB Leerink LLC)`: the party goes by its present name."""
    if kind not in _NAME_TYPES:
        return None
    renamed = _NOW_KNOWN_AS.match(sentence, end)
    if renamed is None:
        return None
    name = renamed.group("name")
    return name if kind == "name" else [name]


_DIVISION_OF = re.compile(
    rf"(?P<name>{NAME}),\s+(?:a|an)\s+(?:division|unit|affiliate|subsidiary|trading\s+name)\s+of\s+$"
)


def _division_named(kind: str, sentence: str, start: int) -> FieldValue | None:
    """`Brookline Capital Markets, a division of Arcadia Securities, LLC, acted as placement agent`:
    the party is the division the sentence names first, not the firm it belongs to."""
    if kind not in _NAME_TYPES:
        return None
    named = _DIVISION_OF.search(sentence, max(0, start - 160), start)
    if named is None or (name := parse_name(named.group("name"))) is None:
        return None
    return name if kind == "name" else [name]


def _party(terms: DefinedTerms, kind: str, text: str) -> FieldValue | None:
    """A name placeholder that captured a defined term ("the Agent") reports the party it stands for."""
    if kind not in _NAME_TYPES:
        return None
    party = terms.resolve(text)
    if party is None:
        return None
    return TYPES["name"].parse(party) if kind == "name" else TYPES["names"].parse(party)


def _evidence_span(sentence: str, match_start: int, match_end: int) -> tuple[int, int]:
    """The whole sentence, or the part around the match when the sentence is long."""
    low, high = 0, len(sentence)
    if high - low > MAX_EVIDENCE:
        spare = max((MAX_EVIDENCE - (match_end - match_start)) // 2, 0)
        low = max(0, match_start - spare)
        high = min(len(sentence), max(match_end + spare, low + MAX_EVIDENCE))
        # A cut falls between words, not inside one ("ov. 5, 2024 - ...").
        if low > 0 and not sentence[low - 1].isspace():
            space = sentence.find(" ", low, match_start)
            low = space + 1 if space >= 0 else low
        if high < len(sentence) and not sentence[high].isspace():
            space = sentence.rfind(" ", match_end, high)
            high = space if space >= 0 else high
    while low < high and sentence[low].isspace():
        low += 1
    while high > low and sentence[high - 1].isspace():
        high -= 1
    return low, high

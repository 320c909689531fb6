"""Rule files -> compiled rules. Every error names the file and, where it can, the line."""

from __future__ import annotations

import difflib
import fnmatch
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import re2
from pydantic import ValidationError

from rules.catalogue import Catalogue, adopt, candidate, current_catalogue, declare_all, using
from rules.errors import RuleError, RuleErrors
from rules.frames import CompiledFrame, compile_frame
from rules.model import Rule
from rules.patterns import (
    CompiledPattern,
    PatternError,
    compile_probe,
    compile_raw,
    compile_regex,
    compile_template,
    field_types_for,
    holds_words,
    template_regex,
)
from rules.sources import DEFAULT_PACKS, RuleSources
from rules.tomlfile import TomlFile, TomlFileError

T = TypeVar("T")
# What a file's [defaults] may set for all its rules: where they apply, not what they match.
DEFAULTABLE = frozenset(
    {"forms", "not_forms", "items", "documents", "roles", "not_roles", "sections", "not_sections", "tags"}
)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    path: str
    patterns: tuple[CompiledPattern, ...]
    # All `not` (and all `require`) entries as one alternation: one RE2 pass instead of dozens.
    any_exclude: re2._Regexp[str] | None = None
    any_require: re2._Regexp[bytes] | None = None
    # `not_before`, `not_after`: phrases that, just before or after a captured amount, disqualify the match.
    before_exclude: re2._Regexp[str] | None = None
    after_exclude: re2._Regexp[str] | None = None
    # All patterns as one alternation without captures: most sentences match none, and one RE2
    # call tells; the patterns themselves run only where it matched.
    any_pattern: re2._Regexp[bytes] | None = None
    # For each pattern, choices of words a sentence must hold for it to match (empty: nothing to
    # test). A sentence holding no pattern's words skips the probe, when every pattern has words;
    # a rule whose probe matched tries only the patterns whose words the sentence holds.
    pattern_words: tuple[tuple[tuple[str, ...], ...], ...] = ()
    frame: CompiledFrame | None = None  # a frame rule reads instruments and cues instead of patterns

    def may_match(self, sentence: str, lowered: str | None = None, encoded: bytes | None = None) -> bool:
        """Cheap tests first: a pattern can match only a sentence holding its telling words.
        `encoded`: the sentence's UTF-8 bytes, when the caller has them."""
        if self.pattern_words and all(self.pattern_words):
            lowered = sentence.lower() if lowered is None else lowered
            if not any(holds_words(lowered, choices) for choices in self.pattern_words):
                return False
        if self.any_pattern is None:
            return True
        encoded = sentence.encode() if encoded is None else encoded
        if self.any_pattern.search(encoded) is not None:
            return True
        return self.frame is not None and self.frame.may_sell_by_name(encoded)

    def may_try(self, number: int, lowered: str) -> bool:
        """Whether the rule's pattern `number` can match a sentence (`lowered`): it holds the words."""
        words = self.pattern_words[number] if number < len(self.pattern_words) else ()
        return not words or holds_words(lowered, words)

    def excluded(self, sentence: str) -> bool:
        return self.excluded_by(sentence) is not None

    def excluded_by(self, sentence: str) -> str | None:
        """The exclusion phrase that rules the sentence out, or None. An exchange "for $350,000" or
        "for cash" is a sale for money, not an exchange of securities: such a phrase does not count."""
        if self.any_exclude is None:
            return None
        boilerplate: list[tuple[int, int]] | None = None
        for found in self.any_exclude.finditer(sentence):
            phrase = found.group(0)
            if phrase.lower().rstrip().endswith(("exchange for", "exchanged for")) and _CASH_AFTER.match(
                sentence, found.end()
            ):
                continue
            if boilerplate is None:
                boilerplate = [match.span() for match in _NO_HISTORY.finditer(sentence)]
            if any(start <= found.start() and found.end() <= end for start, end in boilerplate):
                continue
            return phrase
        return None

    def excluded_around(self, sentence: str, start: int, end: int) -> bool:
        """A `not_before` phrase within the few words before `start`, or a `not_after` one after `end`."""
        before = self.before_exclude is not None and self.before_exclude.search(_words_before(sentence, start))
        return bool(before) or (
            self.after_exclude is not None and self.after_exclude.search(_words_after(sentence, end)) is not None
        )

    def required_missing(self, sentence: str, encoded: bytes | None = None) -> bool:
        if self.any_require is None:
            return False
        return self.any_require.search(sentence.encode() if encoded is None else encoded) is None

    @property
    def id(self) -> str:
        return self.rule.id

    def applies_to_form(self, form: str | None) -> bool:
        return _matches_any(form, self.rule.forms) and not self.refuses_form(form)

    def refuses_form(self, form: str | None) -> bool:
        return bool(self.rule.not_forms) and form is not None and _matches_any(form, self.rule.not_forms)

    def applies_to_roles(self, roles: frozenset[str]) -> bool:
        """`roles`: only in filings of one of these kinds; `not_roles`: never in filings of these."""
        wanted, refused = self.rule.roles, self.rule.not_roles
        return (not wanted or not roles.isdisjoint(wanted)) and roles.isdisjoint(refused)

    def applies_to_items(self, items: tuple[str, ...]) -> bool:
        return not self.rule.items or not items or any(item in self.rule.items for item in items)

    def applies_to_document(self, document_type: str | None) -> bool:
        return _matches_any(document_type, self.rule.documents)

    @property
    def reads_sections(self) -> bool:
        return bool(self.rule.sections or self.rule.not_sections)

    def applies_to_section(self, role: str | None) -> bool:
        """`sections`: only in sections of these roles; `not_sections`: never in these. Text before
        any heading (an 8-K, an agreement) is in no section: only `sections` rules it out."""
        if role is None:
            return not self.rule.sections
        return (not self.rule.sections or role in self.rule.sections) and role not in self.rule.not_sections


NOT_BEFORE_WORDS = 8
# Boilerplate that holds an exclusion word and says nothing against a sale: "the Securities Act of
# 1933, as amended" (in most sale sentences of an 8-K), notes "ranking senior to all outstanding and
# future indebtedness", pre-funded warrants offered "in lieu of common stock" (not shares given in
# lieu of cash). An exclusion found inside one does not rule the sentence out.
_NO_HISTORY = re.compile(
    r"\bas\s+amended\b|\b(?:outstanding|existing)\s+and\s+future\b"
    # A closing 8-K's "closed its previously announced offering" is the deal itself, not a recollection.
    r"|\b(?:completed|closed|consummated|closing\s+of|close)\s+(?:its|the|our)\s+previously\s+(?:announced|disclosed|reported)\b"
    # A pre-funded warrant's blocker: "beneficially owning more than 4.99% ... of the outstanding ADSs".
    r"|\bbeneficially\s+own(?:ing|s)?\s+(?:more\s+than|in\s+excess\s+of)\s+[\d.]+%[^;]{0,120}?\boutstanding\b"
    r"|\bin\s+lieu\s+of\s+(?:(?:our|its|the\s+company'?s|the\s+company’s)\s+)?(?:shares\s+of\s+)?(?:common\s+stock|shares)\b"
    # A registered direct offering "priced at-the-market under Nasdaq rules" is priced at the market
    # price the exchange's rules allow; it is no at-the-market program.
    # "Preferred investment options to purchase ... shares" are warrants, not stock options.
    r"|\binvestment\s+options\s+to\s+purchase\b"
    r"|\bpriced\s+at[\s-]the[\s-]market\s+(?:under|pursuant\s+to|in\s+accordance\s+with|consistent\s+with)\s+[^.;]{0,40}?\b(?:nasdaq|nyse)\b(?:\s+(?:stock\s+market\s+)?rules)?",
    re.I,
)
_CASH_AFTER = re.compile(
    r"\s*(?:an?\s+|the\s+)?(?:aggregate\s+|total\s+)?(?:\$|US\$|cash\b|gross\s+proceeds|(?:cash\s+)?payment|"
    r"purchase\s+price|consideration\s+of\s+\$|subscription\s+amount|(?:their|its|his|her)\s+investment\s+of)",
    re.I,
)


def _words_before(sentence: str, position: int) -> str:
    """The last NOT_BEFORE_WORDS words before `position`: the reach of a `not_before` phrase."""
    return " ".join(sentence[max(0, position - 200) : position].split()[-NOT_BEFORE_WORDS:])


NOT_AFTER_WORDS = 12
# Where the noun an amount counts ends: "8,500,000 shares of the Company's 10.00% Series A Perpetual
# Strife Preferred Stock, par value" counts preferred stock ten words on, while in "2,000,000 shares of
# common stock and 500 shares of Series A preferred stock" the preferred stock is the next item's.
_ITEM_BREAK = re.compile(r"[,;(]|\s(?:and|or|plus|together\s+with)\s", re.I)


def _words_after(sentence: str, position: int) -> str:
    """The words of the noun phrase after `position`, at most NOT_AFTER_WORDS: the reach of a
    `not_after` phrase."""
    after = sentence[position : position + 200]
    broken = _ITEM_BREAK.search(after, 1)  # a break right at the amount ("1,000,000, ...") is no item's end
    return " ".join(after[: broken.start() if broken else None].split()[:NOT_AFTER_WORDS])


def _matches_any(value: str | None, globs: list[str]) -> bool:
    if not globs or value is None:
        return True  # an unknown form or document cannot rule a rule out
    return any(fnmatch.fnmatchcase(value.upper(), glob.upper()) for glob in globs)


@dataclass(slots=True)
class LoadedRules:
    rules: list[CompiledRule]
    overrides: list[str]  # "rule 'x' of FILE replaces the shipped one": said once at start-up
    notes: list[str]  # why some rules can find nothing (a supplement without its base)
    catalogue: Catalogue  # the event types these rules were compiled against


def load_rules(paths: list[Path] | None = None) -> list[CompiledRule]:
    """The rules of exactly these files and folders (default: the shipped packs); every error is
    collected, the first is raised with a count of the rest."""
    return load_sources(RuleSources(tuple(paths or [DEFAULT_PACKS]), shipped=False)).rules


def load_sources(sources: RuleSources, put_in_force: bool = True) -> LoadedRules:
    """The rules in force: event types declared first (a rule may use a type another file declares),
    then every rule compiled; a user rule replaces the shipped rule of its id. The types are declared
    into a candidate catalogue, put in force only when everything loaded (and `put_in_force`): a
    refused load changes nothing."""
    with using(candidate()) as catalogue:
        loaded = _load_into(sources, catalogue)
    if put_in_force:
        adopt(catalogue)
    return loaded


def _load_into(sources: RuleSources, catalogue: Catalogue) -> LoadedRules:
    errors: list[RuleError] = []
    shipped = _read_all(sources.shipped_files(), errors)
    user = _read_all(sources.user_files(), errors)
    for source in shipped + user:
        _collect(errors, functools.partial(declare_all, source))
    shipped_rules = _compile_all(shipped, errors)
    user_rules = _compile_all(user, errors)
    _refuse_duplicate_ids(shipped_rules, errors)
    _refuse_duplicate_ids(user_rules, errors)
    if errors:
        raise RuleErrors(errors)
    replaced = {rule.id for rule in user_rules}
    overrides = [
        f"rule {rule.id!r} of {rule.path} replaces the shipped rule of that id ({shipped.path})"
        for rule in user_rules
        for shipped in shipped_rules
        if shipped.id == rule.id
    ]
    rules = [rule for rule in shipped_rules if rule.id not in replaced] + user_rules
    return LoadedRules(rules, overrides, supplement_notes(rules), catalogue)


def supplement_notes(rules: list[CompiledRule]) -> list[str]:
    """A supplement only adds fields to an event another rule found: without such a rule for its
    type it finds nothing, which is worth a word rather than silence."""
    primary = {rule.rule.event for rule in rules if not rule.rule.supplement}
    return [
        f"rule {rule.id!r} ({rule.path}) only adds to {rule.rule.event} events, and no rule in use finds "
        f"{rule.rule.event} events: it can find nothing on its own (add the shipped packs, or a rule "
        "without `supplement = true`)"
        for rule in rules
        if rule.rule.supplement and rule.rule.event not in primary
    ]


def _read_all(files: list[Path], errors: list[RuleError]) -> list[TomlFile]:
    read = []
    for file in files:
        try:
            read.append(TomlFile.read(file))
        except TomlFileError as error:
            errors.append(RuleError(str(file), error.message, error.line))
    return read


def _compile_all(sources: list[TomlFile], errors: list[RuleError]) -> list[CompiledRule]:
    compiled: list[CompiledRule] = []
    for source in sources:
        compiled.extend(_collect(errors, functools.partial(compile_file, source)) or [])
    return compiled


def _collect(errors: list[RuleError], step: Callable[[], T]) -> T | None:
    """Run one step of loading; its errors join the others, so that one run shows all there is to fix."""
    try:
        return step()
    except RuleErrors as error:
        errors.extend(error.errors)
    except RuleError as error:
        errors.append(error)
    return None


def _refuse_duplicate_ids(rules: list[CompiledRule], errors: list[RuleError]) -> None:
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            message = f"rule id {rule.id!r} is already used in {seen[rule.id]}"
            errors.append(RuleError(rule.path, message, line_of_rule(rule.path, rule.id)))
        seen.setdefault(rule.id, rule.path)


def compile_file(source: TomlFile) -> list[CompiledRule]:
    """A file's rules (its event types are declared beforehand); every error of the file at once."""
    document = source.data
    defaults = _defaults(source)
    places: list[tuple[str | int, ...]]
    if "rule" not in document:
        declares = isinstance(document.get("event"), list)  # [[event]] tables, not a rule's `event = ...`
        rest = {k: v for k, v in document.items() if not (declares and k == "event") and k != "defaults"}
        # A file of one rule, written without [[rule]]; or a file that only declares event types.
        tables, places = ([rest], [()]) if rest or not declares else ([], [])
    elif isinstance(document["rule"], list):
        tables, places = document["rule"], [("rule", n) for n in range(len(document["rule"]))]
    else:
        raise RuleError(str(source.path), "'rule' must be an array of tables ([[rule]])", source.line_of(["rule"]))
    compiled, errors = [], []
    for table, place in zip(tables, places, strict=True):
        try:
            compiled.append(_compile(source, {**defaults, **table}, place, set(defaults) - set(table)))
        except RuleErrors as several:  # a rule's every mistake, each on its own line
            errors.extend(several.errors)
        except RuleError as error:  # the file's other rules are still checked: every error is shown at once
            errors.append(error)
    if errors:
        raise RuleErrors(errors)
    return compiled


def _defaults(source: TomlFile) -> dict[str, object]:
    """A file's `[defaults]`: scoping every rule of the file shares, unless a rule sets the key itself."""
    defaults = source.data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise RuleError(str(source.path), "'defaults' must be a table ([defaults])", source.line_of(["defaults"]))
    unknown = sorted(set(defaults) - DEFAULTABLE)
    if unknown:
        message = f"[defaults] {unknown[0]!r}: only {', '.join(sorted(DEFAULTABLE))} may be set for every rule"
        raise RuleError(str(source.path), message, source.line_of(["defaults", unknown[0]]))
    return dict(defaults)


def line_of_rule(path: str | Path, rule_id: str) -> int | None:
    """The line that names a rule's id: where a user goes to fix the rule."""
    try:
        source = TomlFile.read(Path(path))
    except TomlFileError:
        return None
    return next(
        (
            n
            for n, line in enumerate(source.lines, start=1)
            if line.split("=")[0].strip() == "id" and f'"{rule_id}"' in line
        ),
        None,
    )


def _compile(
    source: TomlFile, table: dict[str, object], place: tuple[str | int, ...], defaulted: set[str] | None = None
) -> CompiledRule:
    path = str(source.path)

    # The lines of this rule's table, for pointing at an error: found only when there is one.
    def block() -> tuple[int, int]:
        return source.block_of(place) if place else (1, len(source.lines) + 1)

    rule = _validated(source, table, place, block(), defaulted or set())
    fields = field_types_for(current_catalogue()[rule.event].kinds())

    def pattern(text: str, fields: dict[str, str], raw: bool) -> CompiledPattern:
        try:
            return compile_raw(text, fields) if raw else compile_template(text, fields)
        except PatternError as error:
            line = source.line_containing(text[:40], block())
            raise RuleError(path, f"bad pattern {text[:60]!r}: {error}", line) from error

    def phrases(templates: list[str], raw: list[str] = []) -> re2._Regexp[str] | None:  # noqa: B006 - read only
        """A rule's phrases (`not`, `require`, ...) as one alternation, compiled once; each phrase
        alone only when that fails, to name the one at fault and its line."""
        texts = [(text, False) for text in templates] + [(text, True) for text in raw]
        if not texts:
            return None
        sources: list[str] = []
        for text, is_raw in texts:
            try:
                sources.append(text if is_raw else template_regex(text))
            except PatternError as error:
                raise RuleError(
                    path, f"bad pattern {text[:60]!r}: {error}", source.line_containing(text[:40], block())
                ) from error
        try:
            return compile_regex("|".join(f"(?:{text})" for text in sources), capture=False)
        except PatternError:
            for text, is_raw in texts:
                pattern(text, {}, raw=is_raw)  # raises for the phrase at fault, with its line
            raise

    bad = _pattern_problems(source, table, block())
    if bad:
        raise _all(bad)
    patterns = tuple(
        [pattern(p, fields, raw=False) for p in rule.patterns] + [pattern(p, fields, raw=True) for p in rule.regex]
    )
    frame = None
    if rule.frame is not None:
        try:
            frame = compile_frame(rule.frame, fields)
        except PatternError as error:
            raise RuleError(path, f"bad frame: {error}", source.line_of([*place, "frame"]) or block()[0]) from error
    return CompiledRule(
        rule=rule,
        path=path,
        patterns=patterns,
        any_exclude=phrases(rule.exclude, rule.exclude_regex),
        any_require=_as_probe(phrases(rule.require)),
        before_exclude=phrases(rule.not_before),
        after_exclude=phrases(rule.not_after),
        # A frame finds nothing where none of its cues stands by a value (nor, for a frame whose
        # bare sale counts, a sale word is said): a search or two tells.
        any_pattern=_probe_of(frame.cues if frame else patterns),
        pattern_words=_pattern_words(patterns, rule.triggers),
        frame=frame,
    )


def _validated(
    source: TomlFile,
    table: dict[str, object],
    place: tuple[str | int, ...],
    block: tuple[int, int],
    defaulted: set[str],
) -> Rule:
    """The rule, or every mistake of it at once: its keys and values, and its patterns where its type
    is known (one run of `rules test` shows all there is to fix)."""
    try:
        return Rule.model_validate(table)
    except ValidationError as error:
        problems = _rule_errors(source, error, place, block, defaulted) + _pattern_problems(source, table, block)
        raise _all(problems) from None


def _all(problems: list[RuleError]) -> RuleError:
    return RuleErrors(problems) if len(problems) > 1 else problems[0]


def _rule_errors(
    source: TomlFile, error: ValidationError, place: tuple[str | int, ...], block: tuple[int, int], defaulted: set[str]
) -> list[RuleError]:
    """Every error of the rule, as a rule author names the key: "unknown key 'trigger' (did you mean
    'triggers'?)", "missing key 'triggers'", "patterns.2: ..."; at the line of [defaults] when the
    value came from there. Unknown keys first: a typo is the likeliest cause of a missing key."""
    found = list(zip(error.errors(), source.problems(error, place), strict=False))
    found.sort(key=lambda pair: pair[0]["type"] != "extra_forbidden")
    problems = []
    for detail, problem in found:
        line = problem.line
        if detail["loc"] and detail["loc"][0] in defaulted:
            line = source.line_of(["defaults", str(detail["loc"][0])])
        key = ".".join(str(part) for part in detail["loc"])
        if detail["type"] == "extra_forbidden":
            close = difflib.get_close_matches(key, RULE_KEYS, n=1)
            message = f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
        elif detail["type"] == "missing":
            message = f"missing key {key!r}"
        else:
            text = detail["msg"].removeprefix("Value error, ")
            message = f"{key}: {text}" if key else text
        problems.append(RuleError(str(source.path), message, line or block[0]))
    return problems


# The keys a rule may have, as authors write them (aliases: `not` for `exclude`).
RULE_KEYS = sorted({field.alias or name for name, field in Rule.model_fields.items()} | {"example"})


def _pattern_problems(source: TomlFile, table: dict[str, object], block: tuple[int, int]) -> list[RuleError]:
    """Each pattern of the rule that cannot compile, with its line; none where the type is unknown."""
    event = table.get("event")
    if not isinstance(event, str) or event not in current_catalogue():
        return []
    fields = field_types_for(current_catalogue()[event].kinds())
    problems = []
    for key, raw in (("patterns", False), ("regex", True)):
        texts = table.get(key)
        for text in texts if isinstance(texts, list) else []:
            if not isinstance(text, str):
                continue
            try:
                compile_raw(text, fields) if raw else compile_template(text, fields)
            except PatternError as error:
                line = source.line_containing(text[:40], block)
                problems.append(RuleError(str(source.path), f"bad pattern {text[:60]!r}: {error}", line))
    return problems


def _pattern_words(
    patterns: tuple[CompiledPattern, ...], triggers: list[str]
) -> tuple[tuple[tuple[str, ...], ...], ...]:
    # Only a word of every trigger is sure to be in each sentence the rule is asked about.
    words = [frozenset(trigger.lower().split()) for trigger in triggers]
    always_there = frozenset.intersection(*words) if words else frozenset()
    return tuple(pattern.key_choices(always_there) for pattern in patterns)


def _probe_of(patterns: tuple[CompiledPattern, ...]) -> re2._Regexp[bytes] | None:
    """One regex answering whether any of the patterns (by their probes) can match a sentence."""
    if not patterns:
        return None
    texts = [p.probe or p.regex.pattern for p in patterns]
    return compile_probe("|".join(f"(?:{text})" for text in texts))


def _as_probe(regex: re2._Regexp[str] | None) -> re2._Regexp[bytes] | None:
    return None if regex is None else compile_probe(regex.pattern)


def rules_digest(rules: list[CompiledRule]) -> str:
    """A short version string for a rule set: stored with events so that users know what found them."""
    digest = hashlib.sha256()
    for rule in rules:
        digest.update(rule.rule.model_dump_json().encode())
    return digest.hexdigest()[:12]

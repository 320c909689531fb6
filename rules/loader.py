"""Rule files -> compiled rules. Every error names the file and, where it can, the line."""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from pathlib import Path

import re2
from pydantic import ValidationError

from rules.catalogue import CATALOGUE
from rules.errors import RuleError, RuleErrors
from rules.model import Rule
from rules.patterns import (
    CompiledPattern,
    PatternError,
    compile_raw,
    compile_regex,
    compile_template,
    field_types_for,
)
from rules.tomlfile import TomlFile, TomlFileError

DEFAULT_PACKS = Path(__file__).parent / "packs"


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    path: str
    patterns: tuple[CompiledPattern, ...]
    # All `not` (and all `require`) entries as one alternation: one RE2 pass instead of dozens.
    any_exclude: re2._Regexp[str] | None = None
    any_require: re2._Regexp[str] | None = None
    # All patterns as one alternation without captures: most sentences match none, and one RE2
    # call tells; the patterns themselves run only where it matched.
    any_pattern: re2._Regexp[str] | None = None

    def may_match(self, sentence: str) -> bool:
        return self.any_pattern is None or self.any_pattern.search(sentence) is not None

    def excluded(self, sentence: str) -> bool:
        return self.any_exclude is not None and self.any_exclude.search(sentence) is not None

    def required_missing(self, sentence: str) -> bool:
        return self.any_require is not None and self.any_require.search(sentence) is None

    @property
    def id(self) -> str:
        return self.rule.id

    def applies_to_form(self, form: str | None) -> bool:
        return _matches_any(form, self.rule.forms)

    def applies_to_items(self, items: tuple[str, ...]) -> bool:
        return not self.rule.items or not items or any(item in self.rule.items for item in items)

    def applies_to_document(self, document_type: str | None) -> bool:
        return _matches_any(document_type, self.rule.documents)


def _matches_any(value: str | None, globs: list[str]) -> bool:
    if not globs or value is None:
        return True  # an unknown form or document cannot rule a rule out
    return any(fnmatch.fnmatchcase(value.upper(), glob.upper()) for glob in globs)


def rule_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.toml")))
        elif path.exists():
            files.append(path)
        else:
            raise RuleError(str(path), "no such rule file or folder")
    return files


def load_rules(paths: list[Path] | None = None) -> list[CompiledRule]:
    """Load every rule file; all errors are collected, the first is raised with a count of the rest."""
    compiled: list[CompiledRule] = []
    errors: list[RuleError] = []
    seen: dict[str, str] = {}
    for file in rule_files(paths or [DEFAULT_PACKS]):
        try:
            for rule in load_file(file):
                if rule.id in seen:
                    raise RuleError(
                        str(file),
                        f"rule id {rule.id!r} is already used in {seen[rule.id]}",
                        line_of_rule(file, rule.id),
                    )
                seen[rule.id] = str(file)
                compiled.append(rule)
        except RuleErrors as error:
            errors.extend(error.errors)
        except RuleError as error:
            errors.append(error)
    if errors:
        raise RuleErrors(errors)
    return compiled


def load_file(path: Path) -> list[CompiledRule]:
    try:
        source = TomlFile.read(path)
    except TomlFileError as error:
        raise RuleError(str(path), error.message, error.line) from None
    document = source.data
    places: list[tuple[str | int, ...]]
    if "rule" not in document:
        tables, places = [document], [()]  # a file of one rule, written without [[rule]]
    elif isinstance(document["rule"], list):
        tables, places = document["rule"], [("rule", n) for n in range(len(document["rule"]))]
    else:
        raise RuleError(str(path), "'rule' must be an array of tables ([[rule]])", source.line_of(["rule"]))
    compiled, errors = [], []
    for table, place in zip(tables, places, strict=True):
        try:
            compiled.append(_compile(source, table, place))
        except RuleError as error:  # the file's other rules are still checked: every error is shown at once
            errors.append(error)
    if errors:
        raise RuleErrors(errors)
    return compiled


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


def _compile(source: TomlFile, table: dict[str, object], place: tuple[str | int, ...]) -> CompiledRule:
    path = str(source.path)
    block = source.block_of(place) if place else (1, len(source.lines) + 1)
    try:
        rule = Rule.model_validate(table)
    except ValidationError as error:
        raise _rule_error(source, error, place, block) from None
    fields = field_types_for(CATALOGUE[rule.event].kinds())

    def pattern(text: str, fields: dict[str, str], raw: bool) -> CompiledPattern:
        try:
            return compile_raw(text, fields) if raw else compile_template(text, fields)
        except PatternError as error:
            line = source.line_containing(text[:40], block)
            raise RuleError(path, f"bad pattern {text[:60]!r}: {error}", line) from error

    excludes = tuple(
        [pattern(p, {}, raw=False) for p in rule.exclude] + [pattern(p, {}, raw=True) for p in rule.exclude_regex]
    )
    requires = tuple(pattern(p, {}, raw=False) for p in rule.require)
    patterns = tuple(
        [pattern(p, fields, raw=False) for p in rule.patterns] + [pattern(p, fields, raw=True) for p in rule.regex]
    )
    return CompiledRule(
        rule=rule,
        path=path,
        patterns=patterns,
        any_exclude=_alternation(excludes),
        any_require=_alternation(requires),
        any_pattern=_alternation(patterns),
    )


def _rule_error(
    source: TomlFile, error: ValidationError, place: tuple[str | int, ...], block: tuple[int, int]
) -> RuleError:
    """The rule's first error, as a rule author names the key: "unknown key 'x'", "patterns.2: ..."."""
    first, line = error.errors()[0], source.problems(error, place)[0].line
    key = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        message = f"unknown key {key!r}"
    elif first["type"] == "missing":
        message = f"missing key {key!r}"
    else:
        detail = first["msg"].removeprefix("Value error, ")
        message = f"{key}: {detail}" if key else detail
    return RuleError(str(source.path), message, line or block[0])


def _alternation(patterns: tuple[CompiledPattern, ...]) -> re2._Regexp[str] | None:
    if not patterns:
        return None
    return compile_regex("|".join(f"(?:{p.regex.pattern})" for p in patterns), capture=False)


def rules_digest(rules: list[CompiledRule]) -> str:
    """A short version string for a rule set: stored with events so that users know what found them."""
    digest = hashlib.sha256()
    for rule in rules:
        digest.update(rule.rule.model_dump_json().encode())
    return digest.hexdigest()[:12]

"""Rule files -> compiled rules. Every error names the file and, where it can, the line."""

from __future__ import annotations

import fnmatch
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import re2
from pydantic import ValidationError

from monitor.errors import RuleError, RuleErrors
from rules.fields import EVENT_FIELDS
from rules.model import Rule
from rules.patterns import (
    CompiledPattern,
    PatternError,
    compile_raw,
    compile_regex,
    compile_template,
    field_types_for,
)

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
                        _line_of_key(file.read_text(), "id", rule.id),
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
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(str(path), f"cannot read rule file: {error}") from error
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise RuleError(str(path), f"TOML syntax error: {message}", int(line.group(1)) if line else None) from error
    tables = document.get("rule") if "rule" in document else [document]
    if not isinstance(tables, list):
        raise RuleError(str(path), "'rule' must be an array of tables ([[rule]])", _line_of_key(source, "rule"))
    blocks = _rule_blocks(source, len(tables))
    compiled, errors = [], []
    for table, block in zip(tables, blocks, strict=True):
        try:
            compiled.append(_compile(path, source, table, block))
        except RuleError as error:  # the file's other rules are still checked: every error is shown at once
            errors.append(error)
    if errors:
        raise RuleErrors(errors)
    return compiled


def line_of_rule(path: str, rule_id: str) -> int | None:
    """The line that names a rule's id: where a user goes to fix the rule."""
    try:
        return _line_of_key(Path(path).read_text(encoding="utf-8"), "id", f'"{rule_id}"')
    except OSError:
        return None


def _rule_blocks(source: str, count: int) -> list[tuple[int, int]]:
    """The line range (1-based, end exclusive) of each [[rule]] table, so errors point into the right one."""
    lines = source.splitlines()
    starts = [n for n, line in enumerate(lines, start=1) if re.match(r"^\s*\[\[\s*rule\s*\]\]", line)]
    if len(starts) != count:
        return [(1, len(lines) + 1)] * count
    return list(zip(starts, [*starts[1:], len(lines) + 1], strict=True))


def _compile(path: Path, source: str, table: dict[str, object], block: tuple[int, int]) -> CompiledRule:
    try:
        rule = Rule.model_validate(table)
    except ValidationError as error:
        problem = error.errors()[0]
        location = [str(part) for part in problem["loc"]]
        key = location[0] if location else ""
        detail = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            detail = f"unknown key {key!r}"
        elif problem["type"] == "missing":
            detail = f"missing key {key!r}"
        where = ".".join(location)
        return_line = (_line_of_key(source, key, within=block) or block[0]) if key else block[0]
        raise RuleError(
            str(path), f"{where}: {detail}" if where and "key" not in detail else detail, return_line
        ) from error
    fields = field_types_for(EVENT_FIELDS[rule.event])
    excludes = tuple(
        [_pattern(path, source, p, {}, raw=False, block=block) for p in rule.exclude]
        + [_pattern(path, source, p, {}, raw=True, block=block) for p in rule.exclude_regex]
    )
    requires = tuple(_pattern(path, source, p, {}, raw=False, block=block) for p in rule.require)
    patterns = tuple(
        [_pattern(path, source, p, fields, raw=False, block=block) for p in rule.patterns]
        + [_pattern(path, source, p, fields, raw=True, block=block) for p in rule.regex]
    )
    return CompiledRule(
        rule=rule,
        path=str(path),
        patterns=patterns,
        any_exclude=_alternation(excludes),
        any_require=_alternation(requires),
        any_pattern=_alternation(patterns),
    )


def _alternation(patterns: tuple[CompiledPattern, ...]) -> re2._Regexp[str] | None:
    if not patterns:
        return None
    return compile_regex("|".join(f"(?:{p.regex.pattern})" for p in patterns), capture=False)


def _pattern(
    path: Path, source: str, text: str, fields: dict[str, str], raw: bool, block: tuple[int, int]
) -> CompiledPattern:
    try:
        return compile_raw(text, fields) if raw else compile_template(text, fields)
    except PatternError as error:
        line = _line_containing(source, text, block)
        raise RuleError(str(path), f"bad pattern {text[:60]!r}: {error}", line) from error


def _line_of_key(source: str, key: str, value: str | None = None, within: tuple[int, int] | None = None) -> int | None:
    pattern = re.compile(rf"^\s*(?:\[\[?\s*(?:rule\.)?)?{re.escape(key)}\b")
    first, last = within or (1, len(source.splitlines()) + 1)
    for number, line in enumerate(source.splitlines(), start=1):
        if first <= number < last and pattern.match(line) and (value is None or value in line):
            return number
    return None


def _line_containing(source: str, text: str, block: tuple[int, int]) -> int | None:
    needle = text[:40]
    for number, line in enumerate(source.splitlines(), start=1):
        if block[0] <= number < block[1] and (needle in line or needle.replace("\\", "\\\\") in line):
            return number
    return None


def rules_digest(rules: list[CompiledRule]) -> str:
    """A short version string for a rule set: stored with events so that users know what found them."""
    digest = hashlib.sha256()
    for rule in rules:
        digest.update(rule.rule.model_dump_json().encode())
    return digest.hexdigest()[:12]

r"""Rule patterns -> RE2 regular expressions.

A pattern is written in the words of a filing, with typed placeholders:

    "{shares:count} shares of [our] common stock at {_4} price of {price_per_share:money} per share"

- `{field}` or `{field:type}` captures a field (the type defaults to the field's own);
- `{_}` skips up to 8 words, `{_N}` up to N words, `{_N not WORD}` up to N words none of which
  begins with WORD;
- `[words]` is optional, `(a|b|c)` is a choice; `\(` `\)` `\[` `\]` `\{` `\}` `\|` stand for
  themselves; everything else is literal, case-insensitive,
  with any run of white space (after an optional , ; or :) matching any run of white space.

RE2 runs in time linear in the text, so no pattern a user writes can hang a scan.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TypeVar, cast

import re2

from rules.fields import SERIES_FIELD, TYPES


def re2_options(capture: bool = True) -> re2.Options:
    """Case-insensitive RE2; errors reach users through PatternError, not RE2's own logging."""
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = False
    options.never_capture = not capture
    return options


_OPTIONS = re2_options()
_NO_CAPTURE = re2_options(capture=False)
_TOKEN = re.compile(r"\\[(){}\[\]|\\]|\{[^{}]*\}|\[|\]|\(|\)|\||\s+|[^\s{}\[\]()|\\]+|[{}\\]")
_PLACEHOLDER = re.compile(
    r"\{\s*(?:(?P<gap>_(?P<n>\d+)?(?:\s+not\s+(?P<not>[A-Za-z][A-Za-z-]*))?)"
    r"|(?P<field>[A-Za-z_][A-Za-z0-9_]*)(?:\s*:\s*(?P<type>[a-z]+))?)\s*\}"
)
_GAP_DEFAULT = 8
_COMMON_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "on",
        "at",
        "as",
        "by",
        "is",
        "are",
        "be",
        "was",
        "were",
        "will",
        "with",
        "for",
        "per",
        "and",
        "or",
        "its",
        "our",
        "their",
        "may",
        "has",
        "have",
    ]
)
# A space in a pattern also accepts the punctuation that filings put between words ("sell, in").
_SPACE = r"[,;:]?\s+"
_MARKS = frozenset(",;:")
_BEFORE_MARK = r"\s*"


class PatternError(ValueError):
    """A pattern that does not compile; the message says why."""


@dataclass(frozen=True, slots=True)
class Capture:
    group: str
    field: str
    type: str


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    source: str
    regex: re2._Regexp[str]
    captures: tuple[Capture, ...]
    # Words a match must contain: for each entry, one of its words (lower case). A sentence that
    # lacks them cannot match, and a substring test is much cheaper than a regex search. Empty
    # for raw regular expressions, which are always searched.
    needed: tuple[tuple[str, ...], ...] = ()
    probe: str = ""  # a regex matching wherever this one does, with less to it (probe_template)

    def key_choices(self, always_there: frozenset[str]) -> tuple[tuple[str, ...], ...]:
        """The needed choices worth testing, most telling first: not words nearly every sentence
        holds, nor the rule's triggers (present in every sentence it is asked about); at most three."""
        telling = {
            choice
            for choice in self.needed
            if not any(word in _COMMON_WORDS or word in always_there for word in choice)
        }
        return tuple(sorted(telling, key=lambda choice: (-min(len(word) for word in choice), choice))[:3])


def holds_words(lowered: str, choices: tuple[tuple[str, ...], ...]) -> bool:
    """Whether a lower-cased sentence holds a word of each choice (`key_choices`): a pattern can
    match only such a sentence, and this costs less than asking the regex."""
    for choice in choices:
        for word in choice:
            if word in lowered:
                break
        else:
            return False
    return True


def compile_regex(text: str, capture: bool = True) -> re2._Regexp[str]:
    try:
        return re2.compile(text, _OPTIONS if capture else _NO_CAPTURE)
    except re2.error as error:
        detail = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        raise PatternError(f"{detail} (patterns use RE2 syntax: no look-around or back-references)") from error


def compile_probe(text: str) -> re2._Regexp[bytes]:
    """A regex that only answers "is there a match?", over a sentence's UTF-8 bytes: google-re2
    encodes a str at every search and maps the offsets back, work a yes or no does not need (a
    sentence is encoded once for all the rules that probe it)."""
    try:
        return re2.compile(text.encode(), _NO_CAPTURE)
    except re2.error as error:
        detail = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        raise PatternError(f"{detail} (patterns use RE2 syntax: no look-around or back-references)") from error


T = TypeVar("T")


def recompiled(value: T) -> T:
    """`value` with every RE2 regex in it (through tuples and dataclasses) compiled anew, the rest
    shared. A regex keeps the automata its searches build, up to its memory budget, for as long as it
    lives: a fresh copy is the only way to hand that memory back."""
    # re2.compile answers a pattern it has seen with the regex it cached (its last 128): cleared
    # first, the copy is new, and the cache no longer keeps the old regexes alive.
    re2.purge()
    return _recompiled(value)


def _recompiled(value: T) -> T:
    if isinstance(value, re2._Regexp):
        return cast(T, re2.compile(value.pattern, value.options))
    if isinstance(value, tuple):
        return cast(T, tuple(_recompiled(item) for item in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        renewed = {field.name: _recompiled(getattr(value, field.name)) for field in dataclasses.fields(value)}
        return dataclasses.replace(value, **renewed)
    return value


def template_regex(template: str) -> str:
    """A placeholder-free phrase (`not`, `require`) as RE2 syntax, not yet compiled: a rule's phrases
    are compiled once, together (loader), instead of one regex each."""
    return _Builder({}).build(template)


def compile_template(template: str, field_types: dict[str, str]) -> CompiledPattern:
    """Compile a pattern in the placeholder syntax; field_types gives each allowed field's type."""
    builder = _Builder(field_types)
    regex = builder.build(template)
    probe = _Builder(field_types, unbounded_gaps=True).build(probe_template(template))
    return CompiledPattern(template, compile_regex(regex), tuple(builder.captures), needed_words(template), probe)


def probe_template(template: str) -> str:
    """The pattern without its optional ends (`[...]`, `{_N}`): it matches wherever the pattern
    does, and its far smaller regex answers "does anything match here?" much faster."""
    items = _top_level_items(_TOKEN.findall(template.strip()))
    while items and _optional_item(items[0]):
        items.pop(0)
    while items and _optional_item(items[-1]):
        items.pop()
    return "".join("".join(item) for item in items) or template


def _top_level_items(tokens: list[str]) -> list[list[str]]:
    """Tokens grouped into the pattern's top-level parts: a word, a placeholder, a whole `(...)` or `[...]`."""
    items: list[list[str]] = []
    depth = 0
    for token in tokens:
        if depth == 0:
            items.append([token])
        else:
            items[-1].append(token)
        if token in ("(", "["):
            depth += 1
        elif token in (")", "]"):
            depth -= 1
    return items


def _optional_item(item: list[str]) -> bool:
    first = item[0]
    return first.isspace() or first == "[" or bool(re.fullmatch(r"\{\s*_\d*\s*\}", first))


def needed_words(template: str) -> tuple[tuple[str, ...], ...]:
    """The literal words a pattern's every match holds: its words outside optional parts, and for a
    choice `(a b|c)` outside them, a word of each alternative (when each has one)."""
    tokens = _TOKEN.findall(template.strip())
    needed: list[tuple[str, ...]] = []
    depth, index = 0, 0
    while index < len(tokens):
        token = tokens[index]
        if token == "[":
            depth += 1
        elif token == "]":
            depth -= 1
        elif token == "(" and depth == 0:
            choice, index = _telling_words_of_choice(tokens, index + 1)
            if choice:
                needed.append(choice)
        elif depth == 0 and _is_word(token):
            needed.append((token.lower(),))
        index += 1
    return tuple(needed)


def _telling_words_of_choice(tokens: list[str], index: int) -> tuple[tuple[str, ...], int]:
    """From just inside `(`: a word of each alternative, and the index of the closing `)`. Any word
    outside an alternative's own optional or nested parts is in each of its matches; the likeliest to
    be missing from a sentence is taken ("agreed to sell": "agreed", not "to")."""
    chosen: list[str | None] = []
    words: list[str] = []
    depth = 0
    while index < len(tokens):
        token = tokens[index]
        if token in ("(", "["):
            depth += 1
        elif token in (")", "]") and depth > 0:
            depth -= 1
        elif token == ")" or (token == "|" and depth == 0):
            chosen.append(_most_telling(words))
            words = []
            if token == ")":
                break
        elif depth == 0 and _is_word(token):
            words.append(token.lower())
        index += 1
    if not chosen or any(word is None for word in chosen):
        return (), index
    return tuple(dict.fromkeys(word for word in chosen if word)), index


def _most_telling(words: list[str]) -> str | None:
    """The word of an alternative a sentence is least likely to hold by chance: not a common one
    (a substring test finds "to" in most sentences), the longest."""
    if not words:
        return None
    return max(words, key=lambda word: (word not in _COMMON_WORDS, len(word)))


def _is_word(token: str) -> bool:
    """A plain literal (no placeholder, group or escape), ASCII so that lower() is RE2's case folding."""
    return token.isascii() and not token.isspace() and token[0] not in "{}[]()|\\" and "\\" not in token


def compile_raw(regex: str, field_types: dict[str, str]) -> CompiledPattern:
    """Compile a raw RE2 regular expression whose named groups are fields."""
    compiled = compile_regex(regex)
    captures = []
    for group in compiled.groupindex:
        if group not in field_types:
            raise PatternError(f"group (?P<{group}>...) is not a field of this event type")
        captures.append(Capture(group, group, field_types[group]))
    return CompiledPattern(regex, compiled, tuple(captures))


class _Builder:
    def __init__(self, field_types: dict[str, str], unbounded_gaps: bool = False) -> None:
        self.field_types = field_types
        self.captures: list[Capture] = []
        # A probe's gaps may take any number of words: it still matches wherever the pattern does,
        # and its automaton stays small (a gap of up to 40 words is 40 copies of its states; the
        # rules' probes, one alternation a rule, held about 28 MB of RE2's caches after the corpora).
        self.unbounded_gaps = unbounded_gaps

    def build(self, template: str) -> str:
        tokens = _TOKEN.findall(template.strip())
        if not tokens:
            raise PatternError("empty pattern")
        body, rest = self._sequence(tokens, 0, closing=None)
        if rest != len(tokens):
            raise PatternError(f"unbalanced '{tokens[rest]}'")
        starts_word = re.match(r"\w", tokens[0]) is not None
        ends_word = re.search(r"\w$", tokens[-1]) is not None
        return ("\\b" if starts_word else "") + body + ("\\b" if ends_word else "")

    def _sequence(self, tokens: list[str], index: int, closing: str | None) -> tuple[str, int]:
        parts: list[str] = []
        while index < len(tokens):
            token = tokens[index]
            if token in ("]", ")", "|"):
                if closing is None:
                    raise PatternError(f"unexpected '{token}'")
                return "".join(parts), index
            index += 1
            if token.isspace():
                if parts and not parts[-1].endswith("}?"):  # a gap already took its spaces
                    # No space need stand before a comma: "Company , LLC" is written "Company, LLC".
                    follows = tokens[index] if index < len(tokens) else ""
                    parts.append(_BEFORE_MARK if follows[:1] in _MARKS else _SPACE)
            elif token == "[":
                index = self._optional(tokens, index, parts)
            elif token == "(":
                inner, index = self._group(tokens, index, ")")
                parts.append(f"(?:{inner})")
            elif len(token) == 2 and token[0] == "\\":  # an escaped ( ) [ ] { } | or \\ stands for itself
                parts.append(re.escape(token[1]))
            elif token in ("{", "}"):
                raise PatternError(
                    f"bad placeholder: a lone '{token}' (write {{field}}, {{field:type}}, {{_}} or {{_N}})"
                )
            elif token.startswith("{"):
                parts.append(self._placeholder(token))
            elif token[0] in "?*+" and parts and parts[-1].endswith(")"):
                raise PatternError(f"'{token[0]}' after a group: write an optional part as [words] or [a|b]")
            else:
                parts.append(re.escape(token))
        if closing is not None:
            raise PatternError(f"missing '{closing}'")
        return "".join(parts), index

    def _optional(self, tokens: list[str], index: int, parts: list[str]) -> int:
        mark_first = index < len(tokens) and tokens[index][:1] in _MARKS  # "[, the Company]"
        inner, index = self._group(tokens, index, "]")
        # The optional part takes the space on one side with it, so that leaving it out does not
        # leave two spaces (or a space before a full stop) to match. One that opens on a comma takes
        # none: a comma follows its word directly ("warrants, the Company").
        if parts and parts[-1] == _SPACE:
            parts[-1] = f"(?:{_BEFORE_MARK if mark_first else _SPACE}(?:{inner}))?"
        elif index < len(tokens) and tokens[index].isspace():
            parts.append(f"(?:(?:{inner}){_SPACE})?")
            index += 1
        else:
            parts.append(f"(?:{inner})?")
        return index

    def _group(self, tokens: list[str], index: int, closing: str) -> tuple[str, int]:
        choices = []
        while True:
            inner, index = self._sequence(tokens, index, closing)
            choices.append(inner)
            if index >= len(tokens):
                raise PatternError(f"missing '{closing}'")
            token = tokens[index]
            index += 1
            if token == closing:
                return "|".join(choices), index
            if token != "|":
                raise PatternError(f"'{token}' where '{closing}' was expected")

    def _placeholder(self, token: str) -> str:
        match = _PLACEHOLDER.fullmatch(token)
        if not match:
            raise PatternError(f"bad placeholder {token}: write {{field}}, {{field:type}}, {{_}} or {{_N}}")
        if match.group("gap") is not None:
            if self.unbounded_gaps:
                return "(?:[^\\s|]+\\s+){0,}?"  # ends as a bounded gap does: it took its spaces
            count = int(match.group("n") or _GAP_DEFAULT)
            word = _word_not_starting_with(match.group("not")) if match.group("not") else "[^\\s|]+"
            return f"(?:{word}\\s+){{0,{count}}}?"
        field = match.group("field")
        if field not in self.field_types:
            known = ", ".join(sorted(self.field_types))
            raise PatternError(f"unknown field {field!r} in {token} (fields: {known})")
        type_name = match.group("type") or self.field_types[field]
        if type_name not in TYPES:
            raise PatternError(f"unknown field type {type_name!r} in {token} (types: {', '.join(TYPES)})")
        group = f"g{len(self.captures)}"
        self.captures.append(Capture(group, field, type_name))
        return f"(?P<{group}>{TYPES[type_name].regex})"


def _word_not_starting_with(prefix: str) -> str:
    """A word of a gap that does not begin with `prefix` (RE2 has no look-ahead): one that differs
    from it at its first letter, or at its second, ..., or ends before it is spelt out. A gap `{_8 not
    and}` does not carry a match from the pre-funded warrants of "shares (or pre-funded warrants in
    lieu thereof) and accompanying common warrants to purchase" over "and" to the common warrants'
    count."""
    prefix = prefix.lower()
    choices = [f"[^\\s|{re.escape(prefix[0])}][^\\s|]*"]
    for end in range(1, len(prefix)):
        choices.append(f"{re.escape(prefix[:end])}(?:[^\\s|{re.escape(prefix[end])}][^\\s|]*)?")
    return f"(?:{'|'.join(choices)})"


def field_types_for(fields: dict[str, str]) -> dict[str, str]:
    """The fields a pattern may capture: the event's own plus the series key."""
    return {**fields, SERIES_FIELD: "series"}

"""Typed placeholders: the text each type matches (RE2 syntax) and how it becomes a value."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

FieldValue = int | float | str | list[str]

_SMALL_NUMBERS = {
    word: n
    for n, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_SMALL_NUMBERS.update(
    {"thirty": 30, "thirty-six": 36, "forty-two": 42, "forty-eight": 48, "sixty": 60, "twenty-four": 24}
)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "mm": 1e6, "m": 1e6, "bn": 1e9}
MONTHS = {  # month names and abbreviations -> 1..12
    name: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_CORPORATE_SUFFIX = (
    r"(?:Inc|LLC|L\.L\.C|Ltd|L\.P|LP|LLP|Co|Corp|Corporation|Incorporated|Limited|N\.A|plc|PLC|AG|GmbH|S\.A|B\.V|N\.V)"
)
_GENERIC_NAMES = {
    "the company",
    "company",
    "registrant",
    "the registrant",
    "we",
    "us",
    "purchaser",
    "purchasers",
    "investor",
    "investors",
    "the investors",
    "the purchasers",
    "agreement",
    "the agreement",
    "holder",
    "holders",
    "placement agent",
    "the placement agent",
    "underwriter",
    "underwriters",
    "sales agent",
    "agent",
    "the agent",
    "securities",
    "common stock",
    "warrants",
    "section",
    "nasdaq",
    "sec",
    "securities act",
}

_NUMBER_WORD = "|".join(sorted(_SMALL_NUMBERS, key=len, reverse=True))
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"

# "two hundred and fifty (250) shares": the figure in parentheses after the words.
# News-wire style too: "44.96M shares", "$42M" (a letter right after the figure).
COUNT = rf"\(?{_DIGITS}(?:\s*(?:million|billion)|(?:mm|m|bn)\b)?\)?"
# A currency sign or code before the figure: amounts are reported in the filing's own currency units
# ("EUR 620.0 million" is 620000000.0, as "$620.0 million" is).
_CURRENCY = r"(?:US\s?\$\s?|C\$\s?|\$\s?|USD\s?|EUR\s?|€\s?|£\s?|GBP\s?)"
# "Ten Million Dollars ($10,000,000)": the figure in parentheses after the words, as for counts.
MONEY = rf"\(?{_CURRENCY}?(?:{_DIGITS}|\.\d+)(?:\s?(?:million|billion|thousand)\b|(?:mm|m|bn)\b)?\)?"
# Money with its currency sign: what a frame's cue attaches ("exercisable at any time for 5 years" is no price).
DOLLARS = rf"\(?{_CURRENCY}(?:{_DIGITS}|\.\d+)(?:\s?(?:million|billion|thousand)\b|(?:mm|m|bn)\b)?\)?"
PERCENT = r"\d{1,3}(?:\.\d+)?\s?(?:%|percent\b|per\s?cent\b)"
TERM = (
    rf"(?:\d+(?:\.\d+)?|{_NUMBER_WORD})(?:\s+and\s+(?:one-half|a\s+half))?(?:\s*\(\d+(?:\.\d+)?\))?"
    r"[\s-]?(?:years?|months?)\b"
)
DATE = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"
)
_NAME_WORD = r"[A-Z][A-Za-z0-9.'&-]*"
# "Cowen and Company, LLC": "and" joins a firm's name only before "Company" or "Co.", elsewhere it
# joins two names ("Jefferies LLC and Cowen and Company, LLC").
# A name may carry the short name the text defines for it: 'Alexander Capital L.P. ("Alexander") acted
# as the managing underwriter'.
_SHORT_NAME = r'\s*\((?:the\s+)?"[^"()]{1,40}"\)'
NAME = rf"(?-i:{_NAME_WORD}(?:,?\s+(?:(?:&|of|de|du|la)\s+)?{_NAME_WORD}|\s+and\s+Co(?:mpany\b|\.))*(?:{_SHORT_NAME})?)"
NAMES = rf"{NAME}(?:(?:,\s+|,?\s+and\s+){NAME})*"
SERIES = (
    r"(?:pre-?funded|series\s+[a-z0-9]{1,3}(?:-\d{1,2})?(?:\s+common)?|class\s+[a-z0-9]{1,3}|tranche\s+[a-z0-9]{1,3}|"
    r"common|investor|purchaser|placement\s+agent(?:'s)?|underwriter(?:'s|s')?|representative(?:'s)?)"
)
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "tenth": 10,
}
TERM = TERM + r"|(?:first|second|third|fourth|fifth|sixth|seventh|tenth|\d{1,2}(?:st|nd|rd|th))\s+anniversary"
# "book-running manager", "book running manager", "bookrunner", "book-runner", "book runner";
# "managing underwriter", "co-underwriter".
ROLE = (
    r"(?:placement\s+agents?|sales\s+agents?|(?:managing\s+|co-)?underwriters?|representatives?|finders?|lead\s+managers?|"
    r"financial\s+advisors?|"
    r"(?:sole\s+|lead\s+|joint\s+)?book[-\s]?running\s+managers?|(?:sole\s+|lead\s+|joint\s+)?book[-\s]?runners?)"
)
SECURITY = (
    r"(?:(?:series|class)\s+[a-z0-9]{1,3}(?:-\d{1,2})?\s+)?(?:(?:convertible|redeemable|voting)\s+)*"
    r"(?:common\s+stock|ordinary\s+shares|common\s+shares|preferred\s+stock|preference\s+shares|units)"
)
# What a share sale sells: preferred stock has its own event type.
EQUITY = (
    r"(?:(?:class)\s+[a-z0-9]{1,3}\s+)?(?:common\s+stock|ordinary\s+shares|common\s+shares|units|"
    r"american\s+depositary\s+shares|ads)"
)
NUMBER = _DIGITS
# "1-for-10", "one-for-twenty", "1:10": the ratio of a split or an exchange.
_RATIO_TERM = rf"(?:{_DIGITS}|{_NUMBER_WORD})"
RATIO = rf"{_RATIO_TERM}\s*-?\s*for\s*-?\s*{_RATIO_TERM}|\d+(?:\.\d+)?\s*:\s*\d+(?:\.\d+)?"
WORDS = r"[^\s|]+(?:\s+[^\s|]+){0,5}"


def parse_count(text: str) -> int | None:
    value = parse_money(text)
    return None if value is None else round(value)


def parse_money(text: str) -> float | None:
    match = re.search(r"(\d[\d,]*(?:\.\d+)?|\.\d+)\s*(thousand|million|billion|mm|m|bn)?\b", text, re.I)
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    scale = match.group(2)
    return value * _SCALES[scale.lower()] if scale else value


def parse_percent(text: str) -> float | None:
    match = re.search(r"\d+(?:\.\d+)?", text)
    return float(match.group(0)) if match else None


def parse_term(text: str) -> float | None:
    lowered = text.lower()
    digits = re.search(r"\d+(?:\.\d+)?", lowered)
    word = re.match(rf"({_NUMBER_WORD})\b", lowered)
    ordinal = re.match(r"(\w+)\s+anniversary", lowered)
    if ordinal:
        value = ordinal.group(1)
        return _ORDINALS.get(value) or (int(value[:-2]) if value[:-2].isdigit() else None)
    if digits:  # "five (5) years", "two and one-half (2.5) years": the figure is the whole term
        number = float(digits.group(0))
    elif word:
        number = float(_SMALL_NUMBERS[word.group(1)]) + (0.5 if "half" in lowered else 0.0)
    else:
        return None
    years = number / 12 if "month" in lowered else number
    return round(years, 4) if years != int(years) else int(years)


def parse_date(text: str) -> str | None:
    cleaned = text.strip().rstrip(".")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
        return cleaned
    slash = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cleaned)
    try:
        if slash:
            return date(int(slash.group(3)), int(slash.group(1)), int(slash.group(2))).isoformat()
        words = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", cleaned)
        if words and words.group(1).lower() in MONTHS:
            return date(int(words.group(3)), MONTHS[words.group(1).lower()], int(words.group(2))).isoformat()
    except ValueError:
        return None
    return None


# "Cantor Fitzgerald & Co., H.C. Wainwright & Co., LLC": after a company's suffix, a comma and a
# capitalised word that is not another suffix start the next party of a list.
_NEXT_PARTY = re.compile(rf"\b{_CORPORATE_SUFFIX}\.?(?P<cut>,\s+|,?\s+and\s+)(?!{_CORPORATE_SUFFIX}\b)[A-Z]")


_ABBREVIATED_SUFFIX = re.compile(r"\b(?:Inc|Co|Corp|Ltd|L\.P|L\.L\.C|N\.A|S\.A|B\.V|N\.V)\.$")
_SUFFIXED = re.compile(rf"\b{_CORPORATE_SUFFIX}\.?$")


# A prospectus section's heading run into its first sentence by a page that lost the line break:
# "UNDERWRITING Goldman Sachs & Co. LLC is acting as sole underwriter" names Goldman Sachs. Only
# headings in capitals, so that a firm named in capitals ("ROTH Capital Partners") keeps its name.
_SECTION_HEADING = re.compile(r"^(?:UNDERWRITING|PLAN OF DISTRIBUTION|THE OFFERING|PRIVATE PLACEMENT)\s+(?=[A-Z][a-z])")


_TRAILING_SHORT_NAME = re.compile(_SHORT_NAME + r"$")


def parse_name(text: str) -> str | None:
    """A party's name; of a list of parties, the first. "The" stays where it begins a company's
    legal name ("The Phoenix Insurance Company Ltd."), not where it begins a phrase ("the Agent")."""
    name = re.sub(r"^and\s+", "", _TRAILING_SHORT_NAME.sub("", text.strip()).strip(" ,;:\"'()"), flags=re.I)
    name = _SECTION_HEADING.sub("", name)
    if following := _NEXT_PARTY.search(name):
        name = name[: following.start("cut")]
    if not _ABBREVIATED_SUFFIX.search(name):
        name = name.rstrip(".")
    if not (name.startswith("The ") and _SUFFIXED.search(name)):
        name = re.sub(r"^the\s+", "", name, flags=re.I)
    if len(name) < 3 or name.lower() in _GENERIC_NAMES:
        return None
    return name


def parse_names(text: str) -> list[str] | None:
    parts = re.split(rf",?\s+and\s+(?!Co(?:mpany\b|\.))|,\s+(?!{_CORPORATE_SUFFIX}\b)", text.strip())
    names = [name for part in parts if (name := parse_name(part))]
    return names or None


def parse_lead(text: str) -> str | None:
    """Of a list of parties ("A LLC, B Securities and C & Co. are acting as joint book-running
    managers"), the first: the lead, whom a deal's summary names."""
    names = parse_names(text)
    return names[0] if names else None


# Words SERIES's "series X" takes for a designation: "the sale of two series of Preferred Stock"
# names no series (RE2 has no look-ahead to leave them out of the pattern itself).
_NOT_DESIGNATIONS = frozenset({"of", "in", "to", "or", "an", "as", "at", "by", "on", "and", "the", "for", "is", "was"})


def parse_series(text: str) -> str | None:
    lowered = re.sub(r"[\s-]+", " ", text.lower().replace("'s", "").replace("s'", "")).strip()
    word, _, designation = lowered.partition(" ")
    if word in ("series", "class", "tranche") and designation in _NOT_DESIGNATIONS:
        return None
    if word == "series" and designation.endswith(" common"):
        lowered = lowered.removesuffix(" common")  # "the Series E Common Warrants": series E
    return "pre funded" if lowered in ("prefunded", "pre funded") else lowered


def parse_role(text: str) -> str:
    lowered = text.lower()
    if any(word in lowered for word in ("underwriter", "representative", "manager", "runner")):
        return "underwriter"
    return "finder" if "finder" in lowered else "placement_agent"


def parse_security(text: str) -> str:
    return " ".join(text.lower().split())


def parse_ratio(text: str) -> str | None:
    """A ratio as "1-for-10", whether the filing wrote "one-for-ten", "1 for 10" or "1:10"."""
    parts = re.split(r"\s*(?:-?\s*for\s*-?|:)\s*", text.strip().lower(), maxsplit=1)
    if len(parts) != 2:
        return None
    numbers = [_SMALL_NUMBERS.get(part) if not part[:1].isdigit() else parse_money(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    return "-for-".join(f"{n:g}" for n in numbers if n is not None)


def parse_text(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class FieldType:
    name: str
    regex: str
    parse: Callable[[str], FieldValue | None]


TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        FieldType("count", COUNT, parse_count),
        FieldType("money", MONEY, parse_money),
        FieldType("dollars", DOLLARS, parse_money),
        FieldType("percent", PERCENT, parse_percent),
        FieldType("term", TERM, parse_term),
        FieldType("date", DATE, parse_date),
        FieldType("name", NAME, parse_name),
        FieldType("names", NAMES, parse_names),
        FieldType("lead", NAMES, parse_lead),  # `{recipient:lead}`: a list read, its first kept
        FieldType("series", SERIES, parse_series),
        FieldType("number", NUMBER, parse_money),
        FieldType("role", ROLE, parse_role),
        FieldType("security", SECURITY, parse_security),
        FieldType("equity", EQUITY, parse_security),
        FieldType("text", WORDS, parse_text),
        FieldType("years", TERM, parse_term),  # what a declaration calls a term: "five-year" -> 5
        FieldType("ratio", RATIO, parse_ratio),
    )
}
# The kinds an event type's fields may be declared with (rules/catalogue.toml, packs' [[event]]).
KINDS = (
    "count",
    "money",
    "percent",
    "years",
    "term",
    "date",
    "name",
    "names",
    "role",
    "equity",
    "security",
    "ratio",
    "text",
    "number",
)

# Not reported: a placeholder named "_series" tells apart several events of one type in a filing.
SERIES_FIELD = "_series"

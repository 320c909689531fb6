"""A rule as written in TOML, validated strictly: unknown keys and bad values are errors."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from filings.roles import ROLES
from filings.sections import ROLES as SECTION_ROLES
from rules.catalogue import current_catalogue
from rules.fields import FieldValue

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class Example(BaseModel):
    """Text the rule must find (with the fields expected) or must not ("no match")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    expect: dict[str, FieldValue] | Literal["no match"]


class Cues(BaseModel):
    """Where a field's value stands in a frame: after one of `before` ("exercise price of $2.00")
    or before one of `after` ("2,000,000 shares"), with at most `reach` words between. A value with
    one of `not_before` in the few words before it is not the field's ("up to $10,000,000" is a
    facility's cap, not a sale's proceeds); nor one with `not_after` in the few words after it ("at a
    price of $1.00 per Private Placement Warrant" is what a warrant cost, not its exercise price)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    before: list[str] = []
    after: list[str] = []
    reach: int = Field(default=3, ge=0, le=12)
    not_before: list[str] = []
    not_after: list[str] = []

    @model_validator(mode="after")
    def _some_cue(self) -> Cues:
        if not self.before and not self.after:
            raise ValueError("a field's cues need 'before' or 'after' words")
        return self


class Frame(BaseModel):
    """An instrument and the facts that attach to it by cue words (docs/rules.md, "Frames").

    A sentence that names the instrument and a fact its cues attach makes a finding; it states a
    sale (a new event) when it also holds one of `sale`, else it only adds terms to an event of
    the type found elsewhere in the document ("The public offering price of the Offering is $4").
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    instrument: list[str] = Field(min_length=1)
    sale: list[str] = Field(min_length=1)
    fields: dict[str, Cues] = Field(min_length=1)
    # Other instruments: where one is named, the facts that follow are its own, not this one's
    # ("2,000,000 shares at $2.00 and warrants at an exercise price of $3.00").
    stop: list[str] = []
    # In a current report, a sentence that sells the instrument by its own name ("a Convertible
    # Promissory Note"), with no figure a cue attaches, still states the event: for instruments
    # named so rarely in passing that the name and a sale word are the news (notes, preferred).
    # "beside a sale": only where the same sentence sells another instrument with its figures
    # (warrants issued "together with" notes of $4,450,000): warrants are named in passing often.
    bare_sale: bool | Literal["beside a sale"] = False


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str
    event: str
    description: str = ""
    tags: list[str] = []
    priority: int = Field(default=1, ge=0, le=100)
    supplement: bool = False  # only adds fields to an event that another rule found
    forms: list[str] = []  # glob patterns on the form type; empty: every form
    not_forms: list[str] = []  # never in these forms: a prospectus's own sale is registered, never private
    items: list[str] = []  # 8-K items; empty: any
    documents: list[str] = []  # glob patterns on the document type (8-K, EX-99.1, ...); empty: any
    roles: list[str] = []  # only in filings of one of these kinds (filings.roles); empty: any
    not_roles: list[str] = []  # never in filings of these kinds: a 10-Q recalling last year's offering
    triggers: list[str] = Field(min_length=1)
    patterns: list[str] = []
    regex: list[str] = []
    require: list[str] = []
    # Where `require` looks: the sentence, or also the sentences before it in its paragraph, for
    # words that name what the paragraph is about ("the Equity Distribution Agreement" two sentences
    # before "we may offer and sell up to $50.0 million"), not what this sentence does.
    # Or "document": anywhere in the document, for a condition of the whole deal ("fees" said somewhere
    # of an agent named acting for an offering).
    require_in: Literal["sentence", "paragraph", "document"] = "sentence"
    exclude: list[str] = Field(default=[], alias="not")
    exclude_regex: list[str] = Field(default=[], alias="not_regex")
    # An exclusion that reaches only the words just before a captured amount, not the sentence:
    # "warrants to purchase 1,939,114 shares" is no share count, though the sentence may hold one.
    not_before: list[str] = []
    not_after: list[str] = []  # the same, reaching the words just after: "8,000 units of Series F preferred stock"
    sections: list[str] = []  # only in sections of these roles (filings.sections); empty: any
    not_sections: list[str] = []  # never in these: a description of capital stock describes what exists
    series: str | None = None  # the series of this rule's findings where the sentence names none
    set: dict[str, FieldValue] = {}
    frame: Frame | None = None  # instead of patterns: an instrument and the cues of its fields
    example: list[Example] = Field(min_length=1)

    @field_validator("event")
    @classmethod
    def _a_catalogued_event(cls, value: str) -> str:
        if value not in current_catalogue():
            raise ValueError(f"unknown event type {value!r} (known: {', '.join(current_catalogue())})")
        return value

    @field_validator("roles", "not_roles")
    @classmethod
    def _known_roles(cls, value: list[str]) -> list[str]:
        return _known(value, ROLES, "filing role", "roles")

    @field_validator("sections", "not_sections")
    @classmethod
    def _known_sections(cls, value: list[str]) -> list[str]:
        return _known(value, SECTION_ROLES, "section", "sections")

    @field_validator("id")
    @classmethod
    def _id_is_a_slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id must be lower-case letters, digits, '-', '_' or '.'")
        return value

    @field_validator("triggers")
    @classmethod
    def _triggers_are_words(cls, value: list[str]) -> list[str]:
        for trigger in value:
            if not re.fullmatch(r"[A-Za-z0-9$%'.,\- ]+", trigger) or not trigger.strip():
                raise ValueError(f"trigger {trigger!r} must be plain words (letters, digits, spaces, - ' . $ %)")
        return value

    @model_validator(mode="after")
    def _fields_belong_to_the_event(self) -> Rule:
        if not self.patterns and not self.regex and self.frame is None:
            raise ValueError("a rule needs at least one entry in 'patterns' or 'regex', or a 'frame'")
        allowed = current_catalogue()[self.event].fields
        for name in self.frame.fields if self.frame else ():
            if name not in allowed:
                raise ValueError(f"frame.fields: {name!r} is not a field of {self.event} ({', '.join(allowed)})")
        for name in self.set:
            if name not in allowed:
                raise ValueError(f"set: {name!r} is not a field of {self.event} ({', '.join(allowed)})")
        for example in self.example:
            if isinstance(example.expect, dict):
                for name in example.expect:
                    if name not in allowed:
                        raise ValueError(f"example expects {name!r}, which is not a field of {self.event}")
        return self


def _known(value: list[str], known: tuple[str, ...], what: str, plural: str) -> list[str]:
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValueError(f"unknown {what} {unknown[0]!r} ({plural}: {', '.join(known)})")
    return value

"""The TOML files users edit (rule packs, the config): read with the line of every error.

One locator for both, so that a mistake is pointed at the same way wherever it is made: a syntax
error at its line, a bad value at its key's line, a missing key at its table's header."""

from __future__ import annotations

import functools
import os
import re
import stat
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only its type: reading a TOML file needs no pydantic
    from pydantic import ValidationError

_TABLE_HEADER = re.compile(r"^\s*\[(?P<array>\[)?\s*(?P<name>[^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([\w\"'.-]+)\s*=")

Place = Sequence[str | int]  # a key's place in the tree: table names, array indexes, the key


MAX_BYTES = 4_000_000  # a rule pack or config is a few KB; /dev/zero or a mistaken log file is not one


def read_bounded(path: Path, limit: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` of them: a link to a device or a FIFO, or a file
    too large to be a rule pack or config, is an error, never read whole (nor waited on)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(22, "not a regular file (a device, a pipe or a socket)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(27, f"larger than {limit // 1_000_000} MB: not a rule or config file")
    return data


class TomlFileError(Exception):
    """A TOML file that cannot be read or parsed, with its line where there is one."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}{f':{line}' if line else ''}: {message}")


@dataclass(frozen=True, slots=True)
class Problem:
    """One error of a file: where (file, line, the key as a user names it) and what."""

    path: Path
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.path}{f':{self.line}' if self.line else ''}: {where}{self.message}"


@dataclass(frozen=True, slots=True)
class TomlFile:
    path: Path
    text: str
    data: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> TomlFile:
        try:
            text = read_bounded(path).decode("utf-8")
        except FileNotFoundError:
            raise TomlFileError(path, "no such file") from None
        except IsADirectoryError:
            raise TomlFileError(path, "is a folder, not a file") from None
        except OSError as error:
            raise TomlFileError(path, f"cannot read: {error.strerror}") from None
        except UnicodeDecodeError:
            raise TomlFileError(path, "not UTF-8 text") from None
        return cls.parse(path, text)

    @classmethod
    def parse(cls, path: Path, text: str) -> TomlFile:
        try:
            return cls(path, text, tomllib.loads(text))
        except tomllib.TOMLDecodeError as error:
            line = re.search(
                r"at line (\d+)", str(error)
            )  # tomllib's message keeps the column: "(at line 5, column 9)"
            raise TomlFileError(path, f"TOML syntax error: {error}", int(line.group(1)) if line else None) from None

    @property
    def lines(self) -> list[str]:
        return _lines_of(self.text)

    def line_of(self, place: Place) -> int | None:
        """The line of a key given its place in the tree, or of the nearest enclosing table's header
        when the key itself is absent (a required key, an item of a list)."""
        headers, keys = self._index()
        wanted = tuple(str(part) for part in place)
        for size in range(len(wanted), 0, -1):
            prefix = wanted[:size]
            if prefix in keys or prefix in headers:
                return keys.get(prefix) or headers[prefix]
        return None

    def block_of(self, table: Place) -> tuple[int, int]:
        """The lines (1-based, end exclusive) a table spans: from its header to the next header."""
        headers, _ = self._index()
        start = headers.get(tuple(str(part) for part in table))
        if start is None:
            return (1, len(self.lines) + 1)
        later = [line for line in headers.values() if line > start]
        return (start, min(later, default=len(self.lines) + 1))

    def line_containing(self, needle: str, within: tuple[int, int] | None = None) -> int | None:
        """The first line holding `needle` as written in TOML (backslashes doubled in basic strings)."""
        first, last = within or (1, len(self.lines) + 1)
        for number, line in enumerate(self.lines, start=1):
            if first <= number < last and (needle in line or needle.replace("\\", "\\\\") in line):
                return number
        return None

    def problems(self, error: ValidationError, prefix: Place = (), unknown_key_hint: str = "") -> list[Problem]:
        """Every error pydantic found in a table of this file (at `prefix`), each with its line."""
        found = []
        for detail in error.errors():
            place = [*(str(p) for p in prefix), *(str(part) for part in detail["loc"])]
            message = detail["msg"].removeprefix("Value error, ")
            if detail["type"] == "extra_forbidden":
                hint = f" {unknown_key_hint}" if unknown_key_hint else ""
                message = f"unknown key (a typo?{hint})" if len(place) > 1 else "unknown section"
            elif detail["type"] == "missing":
                message = "required, and not set"
            line = self.line_of(place) if place else self._line_quoted_in(message)
            found.append(Problem(self.path, line, where_in_toml(place), message))
        return found

    def _line_quoted_in(self, message: str) -> int | None:
        """A check across tables names a value in quotes: point at the line that holds it."""
        quoted = re.search(r"'([^']+)'", message)
        return self.line_containing(f'"{quoted.group(1)}"') if quoted else None

    def _index(self) -> tuple[dict[tuple[str, ...], int], dict[tuple[str, ...], int]]:
        return _index_of(self.text)


# A rule pack is indexed once, not once per rule: compiling looks up each rule's block (148 passes
# over the shipped packs took 0.14 s of every command's 0.36 s load). The text is the key; callers
# only read the results.
@functools.lru_cache(maxsize=32)
def _lines_of(text: str) -> list[str]:
    return text.splitlines()


@functools.lru_cache(maxsize=32)
def _index_of(text: str) -> tuple[dict[tuple[str, ...], int], dict[tuple[str, ...], int]]:
    """Where each table header and each key of a TOML text stands (1-based lines)."""
    headers: dict[tuple[str, ...], int] = {}
    keys: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    counts: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(_lines_of(text), start=1):
        found = _TABLE_HEADER.match(line)
        if found:
            name = tuple(part.strip().strip("\"'") for part in found.group("name").split("."))
            if found.group("array"):
                counts[name] = counts.get(name, -1) + 1
                table = (*name, str(counts[name]))
            else:
                table = name
            headers.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:  # a dotted key (fields.ratio = ...) is a key inside sub-tables
            parts = tuple(part.strip().strip("\"'") for part in key.group(1).split("."))
            keys.setdefault((*table, *parts), number)
    return headers, keys


def where_in_toml(place: Sequence[str]) -> str:
    """How a user names a place: [slack] timeout_seconds, [[routes]] #2 channel, [edgr]."""
    if not place:
        return ""
    if len(place) > 1 and place[1].isdigit():  # an array of tables: [[routes]] number n
        keys = [part for part in place[2:] if not part.isdigit()]
        return f"[[{place[0]}]] #{int(place[1]) + 1}" + (f" {'.'.join(keys)}" if keys else "")
    if len(place) == 1:
        return f"[{place[0]}]"
    return f"[{place[0]}] {'.'.join(part for part in place[1:] if not part.isdigit())}"

"""Where rules come from: the shipped packs (each can be turned off by name) and the user's files.

Light on purpose: the config checks pack names and route types through it without compiling rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rules.errors import RuleError

DEFAULT_PACKS = Path(__file__).parent / "packs"


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


@dataclass(frozen=True, slots=True)
class RuleSources:
    """Where the rules in force come from: the shipped packs, but those turned off by name, and the
    user's files and folders, which add rules (and event types); a user rule with a shipped rule's
    id replaces it. `shipped=False`: the given paths alone."""

    paths: tuple[Path, ...] = ()
    shipped: bool = True
    disabled: frozenset[str] = frozenset()

    def shipped_files(self) -> list[Path]:
        if not self.shipped:
            return []
        return [path for path in sorted(DEFAULT_PACKS.glob("*.toml")) if path.stem not in self.disabled]

    def user_files(self) -> list[Path]:
        shipped = {path.resolve() for path in DEFAULT_PACKS.glob("*.toml")} if self.shipped else set()
        return [path for path in rule_files(list(self.paths)) if path.resolve() not in shipped]

    def folders(self) -> list[Path]:
        """Where benign samples may sit: the shipped packs' and the user's folders."""
        return ([DEFAULT_PACKS] if self.shipped else []) + [path for path in self.paths if path.is_dir()]

    def describe(self) -> str:
        shipped = "shipped packs" + (f" (off: {', '.join(sorted(self.disabled))})" if self.disabled else "")
        parts = ([shipped] if self.shipped else []) + [str(path) for path in self.paths]
        return " + ".join(parts) or "no rules"


def shipped_packs() -> list[str]:
    """The names of the shipped packs, by which the config turns one off."""
    return [path.stem for path in sorted(DEFAULT_PACKS.glob("*.toml"))]

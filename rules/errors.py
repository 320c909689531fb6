"""The rules layer's errors: a rule file that cannot be used, with the file and line at fault."""

from __future__ import annotations


class RuleError(Exception):
    """A rule file that cannot be used; the CLI reports it as bad configuration (exit 2)."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class RuleErrors(RuleError):
    """Every error of every rule file, so that one run shows all there is to fix; reads as the first."""

    def __init__(self, errors: list[RuleError]) -> None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more rule errors)" if len(errors) > 1 else ""
        super().__init__(first.path, first.message + more, first.line)
        self.errors = errors

"""Database URLs as users write them -> what SQLAlchemy's async engine takes; shown with passwords masked.

Light on purpose: the config checks its storage URL through it without loading the engine or Alembic."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url


def masked(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def async_url(url: str, base: Path) -> str:
    """A user's database URL in the form SQLAlchemy's async engine takes; relative SQLite paths start at `base`."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"{url!r} is not a URL (sqlite:///file.db or postgresql+asyncpg://user@host/db)")
    driver = scheme.split("+")[0]
    if driver == "sqlite":
        location = rest[1:] if rest.startswith("/") else rest
        if location in ("", ":memory:"):
            return "sqlite+aiosqlite://"
        path = Path(location)
        return f"sqlite+aiosqlite:///{path if path.is_absolute() else (base / path).resolve()}"
    if driver in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{_postgres_location(rest)}"
    raise ValueError(f"unsupported database {scheme!r}; use sqlite:/// or postgresql+asyncpg://")


def _postgres_location(rest: str) -> str:
    """user:password@host:port/db?query, checked where a mistake would be misread, never repeating the
    password; libpq's `sslmode` is turned into asyncpg's `ssl`, which takes the same values."""
    authority, _, after = rest.partition("/")
    if "@" in after.partition("?")[0]:
        raise ValueError("a '@' or '/' in the password must be percent-encoded (%40, %2F)")
    userinfo, at, hostport = authority.rpartition("@")
    if at and "@" in userinfo:
        raise ValueError("a '@' in the user name or password must be percent-encoded (%40)")
    _, colon, port = hostport.rpartition(":") if not hostport.endswith("]") else ("", "", "")
    if colon and not port.isdigit():
        raise ValueError(f"the port {port!r} is not a number")
    path, question, query = after.partition("?")
    if question:
        pairs = [pair.split("=", 1) for pair in query.split("&") if pair]
        query = "&".join("=".join(["ssl" if pair[0] == "sslmode" else pair[0], *pair[1:]]) for pair in pairs)
    return f"{authority}/{path}{question}{query}"

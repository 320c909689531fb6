"""Memory handed back to the system: freed pages after each filing, and what the process holds.

Reading a large prospectus builds a DOM and its text in tens of MB; once freed, glibc keeps most of
it in the process's heaps (one per thread that scanned), and a daemon's resident size would settle at
its largest filings' high-water mark. malloc_trim returns the free pages to the system. Elsewhere
(macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable


def _libc_function(name: str) -> Callable[..., int] | None:
    """A function of glibc's, or None where there is none (macOS, musl, a libc without it)."""
    if not sys.platform.startswith("linux"):
        return None
    library = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(library) if library else None
    except OSError:
        return None
    function = getattr(libc, name, None)
    return function if callable(function) else None


_TRIM = _libc_function("malloc_trim")


def release_freed_memory() -> None:
    if _TRIM is not None:
        _TRIM(0)


_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h
# Heaps for all of a daemon's threads. glibc gives each thread that allocates a heap of its own (up
# to eight a core); memory one thread's scan freed is not reused by the next scan in another thread,
# and the process settles at the sum of their high-water marks: an 8-worker backfill's steady RSS was
# 173-177 MB with eight heaps, 162-166 MB with two (bench e, the same runs).
DAEMON_HEAPS = 2


def limit_heaps(count: int = DAEMON_HEAPS) -> None:
    """At most `count` malloc heaps, for threads started from now on; a MALLOC_ARENA_MAX the user
    set stands. Elsewhere than glibc this does nothing."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    mallopt = _libc_function("mallopt")
    if mallopt is not None:
        mallopt(_M_ARENA_MAX, count)


_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes() -> int | None:
    """This process's resident set size where /proc tells it (Linux), else None."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_BYTES
    except (OSError, ValueError, IndexError):
        return None


class Growth:
    """Whether the process grew by `threshold` bytes since `mark()`: memory worth handing back has
    piled up. Where the size cannot be read, always."""

    def __init__(self, threshold: int, read: Callable[[], int | None] = resident_bytes) -> None:
        self._threshold = threshold
        self._read = read
        self._marked: int | None = None

    def exceeded(self) -> bool:
        now = self._read()
        return now is None or self._marked is None or now - self._marked >= self._threshold

    def mark(self) -> None:
        self._marked = self._read()

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


# mallopt's parameter numbers in glibc's malloc.h, each with the environment variable that sets it.
_M_TRIM_THRESHOLD = (-1, "MALLOC_TRIM_THRESHOLD_")
_M_MMAP_THRESHOLD = (-3, "MALLOC_MMAP_THRESHOLD_")
_M_ARENA_MAX = (-8, "MALLOC_ARENA_MAX")

# Heaps for all of a daemon's threads. glibc gives each thread that allocates a heap of its own (up
# to eight a core); memory one thread's scan freed is not reused by the next scan in another thread,
# and the process settles at the sum of their high-water marks: an 8-worker backfill's steady RSS was
# 173-177 MB with eight heaps, 162-166 MB with two (bench e, the same runs).
DAEMON_HEAPS = 2
# A filing's body, text and sentence lists are blocks of hundreds of KB to tens of MB. glibc maps
# blocks above a threshold on their own and unmaps them when freed, but raises that threshold (up to
# 32 MB) each time such a block is freed: after the first large filing, the next ones are carved
# from the heaps, whose freed middles are never handed back. Held at 256 KB, large blocks go back to
# the system as soon as a filing is done: steady RSS 159 -> 147-148 MB in bench (e), same filings/s.
LARGE_BLOCK_BYTES = 256 * 1024
# Free memory at a heap's top is handed back above this much (fixing it also stops glibc moving it).
TRIM_ABOVE_BYTES = 512 * 1024


def tune_malloc() -> None:
    """A daemon's malloc settings (above), for threads and blocks from now on; what the user set in
    the environment (MALLOC_ARENA_MAX and friends, or GLIBC_TUNABLES) stands. Elsewhere than glibc
    this does nothing."""
    mallopt = _libc_function("mallopt")
    if mallopt is None or "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return
    for (parameter, variable), value in (
        (_M_ARENA_MAX, DAEMON_HEAPS),
        (_M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES),
        (_M_TRIM_THRESHOLD, TRIM_ABOVE_BYTES),
    ):
        if variable not in os.environ:
            mallopt(parameter, value)


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

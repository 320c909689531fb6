"""Memory handed back to the system after each filing.

Reading a large prospectus builds a DOM and its text in tens of MB; once freed, glibc keeps most of
it in the process's heaps (one per thread that scanned), and a daemon's resident size would settle at
its largest filings' high-water mark. malloc_trim returns the free pages to the system. Elsewhere
(macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable


def _trimmer() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    return trim if callable(trim) else None


_TRIM = _trimmer()


def release_freed_memory() -> None:
    if _TRIM is not None:
        _TRIM(0)

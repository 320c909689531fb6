"""A filing's bytes as the readers take them: in memory, or a file read on demand.

A file is read with pread, not mapped: a file truncated under a memory map kills the whole process
with SIGBUS, where a read only comes back short (and the reader reports a truncated filing).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import overload

CHUNK = 1 << 20


class FileBytes:
    """The slicing and find() a submission reader needs, over a file, reading only what is asked."""

    def __init__(self, descriptor: int, size: int) -> None:
        self._descriptor = descriptor
        self._size = size

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> bytes: ...
    def __getitem__(self, index: int | slice) -> int | bytes:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, step = index.indices(self._size)
        if step != 1:
            raise ValueError("FileBytes slices have no step")
        return os.pread(self._descriptor, max(0, stop - start), start) if stop > start else b""

    def find(self, wanted: bytes, start: int = 0, end: int | None = None) -> int:
        """The first index of `wanted` in [start, end), reading a chunk at a time; -1 if absent."""
        end = self._size if end is None else min(end, self._size)
        position = max(0, start)
        while position < end:
            stop = min(end, position + CHUNK + len(wanted) - 1)
            found = self[position:stop].find(wanted)
            if found >= 0:
                return position + found
            if stop >= end:
                return -1
            position += CHUNK
        return -1

    def rfind(self, wanted: bytes, start: int = 0, end: int | None = None) -> int:
        """The last index of `wanted` in [start, end), reading a chunk at a time from the end; -1 if absent."""
        end = self._size if end is None else min(end, self._size)
        stop = end
        while stop > start:
            first = max(start, stop - CHUNK - len(wanted) + 1)
            found = self[first:stop].rfind(wanted)
            if found >= 0:
                return first + found
            if first <= start:
                return -1
            stop -= CHUNK
        return -1


def open_regular_file(path: Path) -> int:
    """A descriptor for reading `path`, which must be a regular file: a FIFO (whose open would wait
    for a writer), a device or a socket is refused with OSError(ENOTSUP) before anything is read."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFile(path)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


class NotRegularFile(OSError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: not a regular file (a FIFO, a device or a socket)")

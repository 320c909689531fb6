"""A response body held within a bound: in memory while small, in a temporary file past that.

Eight workers each fetching a 200 MB submission (or a gzip bomb that inflates without end) must not
hold 1.6 GB: a body past `spill_bytes` goes to an unnamed temporary file, and a body that is refused
or done with is released at once (close), not when the garbage collector next looks.
"""

from __future__ import annotations

import contextlib
import mmap
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO

# Feed pages, indexes and most 8-Ks stay in memory; a prospectus of megabytes waiting for its scan
# (workers fetch faster than two scans read) waits on disk, not in the daemon's RSS.
SPILL_BYTES = 1024 * 1024


class Body:
    def __init__(self, spill_bytes: int = SPILL_BYTES) -> None:
        self.spill_bytes = spill_bytes
        self.size = 0
        self._memory = bytearray()
        self._file: IO[bytes] | None = None

    @property
    def spilled(self) -> bool:
        return self._file is not None

    def append(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self._file is None and self.size > self.spill_bytes:
            self._file = tempfile.TemporaryFile(prefix="filing-monitor-")  # noqa: SIM115 - closed by close()
            self._file.write(self._memory)
            self._memory = bytearray()
        if self._file is not None:
            self._file.write(chunk)
        else:
            self._memory += chunk

    def read(self) -> bytes:
        """The whole body as bytes: for what is small by nature (a feed page, an index, a list)."""
        with self.view() as data:
            return bytes(data)

    @contextlib.contextmanager
    def view(self) -> Iterator[bytes | mmap.mmap]:
        """The body for reading, once: bytes, or a read-only map of the temporary file (ours alone:
        nobody can truncate it under the map). The in-memory buffer is handed over, not copied and
        kept: a filing being scanned is held once, not twice."""
        if self._file is None:
            data, self._memory = bytes(self._memory), bytearray()
            yield data
            return
        self._file.flush()
        if self.size == 0:
            yield b""
            return
        with mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped

    def close(self) -> None:
        self._memory = bytearray()
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Body:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

"""The filing store: each fetched submission kept on disk, compressed, so that rules can be run
over past filings again (`rules replay`) without asking EDGAR twice.

One gzip file a submission, under a folder per accession prefix. A file is written beside its
place and renamed into it, so that no reader ever sees half of one; gzip's own CRC and length
trailer tell a truncated or corrupt file, which is then deleted and reported missing, so that the
caller fetches the filing again. Reading is bounded like fetching: a file that inflates past the
limit is refused, as a gzip bomb would be.
"""

from __future__ import annotations

import logging
import mmap
import os
import re
import stat
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

_ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
_PREFIX = re.compile(r"^\d{10}$")
_STORED = re.compile(r"^(\d{10})-\d{2}-\d{6}\.txt\.gz$")
_HEADER_ACCESSION = re.compile(rb"ACCESSION NUMBER:\s*(\d{10}-\d{2}-\d{6})")
_SUFFIX = ".txt.gz"
_CHUNK = 1 << 20
_LEVEL = 6  # zlib's default: a 10 MB submission in about a tenth of a second, to a fifth of its size


class FilingStoreError(ValueError):
    """An accession number that is no file name (hostile feed text must not choose a path)."""


class FilingStore:
    def __init__(self, folder: Path, retention_days: int | None, max_bytes: int) -> None:
        self.folder = folder
        self.retention_days = retention_days  # None: kept until removed by hand
        self.max_bytes = max_bytes

    def path_of(self, accession: str) -> Path:
        # fullmatch: `$` would let a trailing newline through
        if not _ACCESSION.fullmatch(accession):
            raise FilingStoreError(f"not an accession number: {accession[:40]!r}")
        return self.folder / accession[:10] / f"{accession}{_SUFFIX}"

    def put(self, accession: str, data: bytes | mmap.mmap) -> None:
        """Keep a submission; a store that cannot be written costs a warning, never the filing."""
        path = self.path_of(accession)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not _real_folder(path.parent):
                raise OSError(f"{path.parent} is a link, not a folder of the store")
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".part-", delete=False) as handle:
                try:
                    _write_gzip(handle, data)
                except BaseException:
                    os.unlink(handle.name)
                    raise
            os.replace(handle.name, path)
        except OSError as error:
            log.warning("filing store: could not keep %s: %s", accession, error)

    def get(self, accession: str) -> bytes | None:
        """The submission, or None when the store lacks it or its copy is damaged, too large or not
        this filing's (then deleted). A link is never followed: the store reads only files it wrote."""
        path = self.path_of(accession)
        try:
            compressed = _read_own_file(path, self.max_bytes)
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("filing store: could not read %s: %s", accession, error)
            return None
        data = None if compressed is None else _gunzip(compressed, self.max_bytes)
        if data is None or not _names_accession(data, accession):
            log.warning(
                "filing store: %s is damaged, too large or another filing's; it will be fetched again", accession
            )
            path.unlink(missing_ok=True)
            return None
        return data

    def __contains__(self, accession: str) -> bool:
        path = self.path_of(accession)
        return _real_folder(path.parent) and path.is_file() and not path.is_symlink()

    def prune(self, now: float | None = None) -> int:
        """Delete the copies older than the retention; how many went."""
        if self.retention_days is None:
            return 0
        cutoff = (now if now is not None else time.time()) - self.retention_days * 86_400
        removed = 0
        for path in self._files():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    def _files(self) -> Iterator[Path]:
        """The copies the store wrote: regular files named for an accession, in folders named for its
        prefix. Links (to folders or files) are never followed: a `folder` set to a shared directory
        must not cost anyone else's files."""
        if not self.folder.is_dir():
            return
        with os.scandir(self.folder) as folders:
            for folder in folders:
                if _PREFIX.match(folder.name) and folder.is_dir(follow_symlinks=False):
                    yield from _own_files(Path(folder.path), folder.name)


def _own_files(folder: Path, prefix: str) -> Iterator[Path]:
    with os.scandir(folder) as entries:
        for entry in entries:
            named = _STORED.match(entry.name)
            if named and named.group(1) == prefix and entry.is_file(follow_symlinks=False):
                yield Path(entry.path)


def _real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _read_own_file(path: Path, max_bytes: int) -> bytes | None:
    """A stored copy's bytes, opened without following a link, and refused unread when it is larger
    than any copy of a body within the limit could be (gzip adds a few bytes; stored blocks 5 in 64K)."""
    if not _real_folder(path.parent):
        raise OSError(f"{path.parent} is a link, not a folder of the store")
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > max_bytes + max_bytes // 1000 + 1024:
            return None
        return handle.read()


def _names_accession(data: bytes, accession: str) -> bool:
    """A submission names its accession in its header: a copy that names another is not this filing's."""
    named = _HEADER_ACCESSION.search(data[:8192])
    return named is None or named.group(1).decode() == accession


def _write_gzip(handle: IO[bytes], data: bytes | mmap.mmap) -> None:
    """Compress in chunks: a submission spooled to disk is never read into memory whole."""
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, 31)  # wbits 31: a gzip stream, CRC and length included
    view = memoryview(data)
    for start in range(0, len(view), _CHUNK):
        handle.write(compressor.compress(view[start : start + _CHUNK]))
    handle.write(compressor.flush())


def _gunzip(compressed: bytes, max_bytes: int) -> bytes | None:
    inflater = zlib.decompressobj(31)
    try:
        data = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error:
        return None
    if len(data) > max_bytes or not inflater.eof or inflater.unused_data:
        return None  # too large, cut short, or followed by bytes no gzip writer put there
    return data

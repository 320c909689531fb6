"""Files are read without a memory map or a blocking open: a truncated file or a FIFO costs one
error line, never the run (SIGBUS) or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from filings.errors import FilingError
from filings.reader import read_filing, read_path
from filings.source import FileBytes, open_regular_file
from tests.conftest import ROOT, SAMPLES

# Scans a file that is cut to 1,000 bytes just after the scan opened it: the way a download being
# rewritten, or a log rotation, cuts a file under a reader.
_TRUNCATED_UNDER_THE_READER = """
import os, sys
from filings import reader
from monitor.extraction import scan_one
from rules.engine import RuleSet
from rules.loader import load_rules

original = reader.read_filing
def cut_then_read(data, source):
    os.truncate(source, 1000)
    return original(data, source)
reader.read_filing = cut_then_read
print(scan_one(sys.argv[1], RuleSet(load_rules())).error)
"""


def big_submission(folder: Path) -> Path:
    padding = b"<DOCUMENT>\n<TYPE>EX-99.1\n<TEXT>\n" + b"x" * (3 << 20) + b"\n</TEXT>\n</DOCUMENT>\n"
    path = folder / "big.txt"
    submission = (SAMPLES / "002_modern_8k_pipe_2024.txt").read_bytes()
    assert b"</SEC-DOCUMENT>" in submission
    path.write_bytes(submission.replace(b"</SEC-DOCUMENT>", padding + b"</SEC-DOCUMENT>"))
    return path


def test_a_file_truncated_while_scan_reads_it_is_an_error_line_not_a_crash(tmp_path: Path) -> None:
    path = big_submission(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", _TRUNCATED_UNDER_THE_READER, str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"died with {done.returncode}: {done.stderr[-500:]}"
    assert "truncated" in done.stdout


def test_file_bytes_find_what_bytes_find_across_chunk_edges(tmp_path: Path) -> None:
    path = big_submission(tmp_path)
    data = path.read_bytes()
    descriptor = open_regular_file(path)
    try:
        file = FileBytes(descriptor, len(data))
        for wanted in (b"<DOCUMENT>", b"</DOCUMENT>", b"</SEC-DOCUMENT>", b"not there"):
            assert file.find(wanted) == data.find(wanted)
            assert file.find(wanted, 5000) == data.find(wanted, 5000)
            assert file.rfind(wanted) == data.rfind(wanted)
            assert file.rfind(wanted, 0, len(data) - 30) == data.rfind(wanted, 0, len(data) - 30)
        edge = 1 << 20
        assert file[edge - 3 : edge + 3] == data[edge - 3 : edge + 3] and file[:10] == data[:10]
        assert read_filing(file, "big").text == read_filing(data, "big").text
    finally:
        os.close(descriptor)


def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(FilingError, match="not a regular file"):
        read_path(fifo)

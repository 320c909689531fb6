"""The filing store: submissions kept compressed, whole or not at all, and fetched again when damaged."""

from __future__ import annotations

import gzip
import logging
import mmap
import os
import time
from pathlib import Path

import pytest

from storage.filing_store import FilingStore, FilingStoreError
from tests.conftest import SEED

ACCESSION = "0001234567-24-000123"


def store_in(folder: Path, retention_days: int | None = 30, max_bytes: int = 10_000_000) -> FilingStore:
    return FilingStore(folder, retention_days, max_bytes)


def test_a_kept_submission_comes_back_whole_and_smaller(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    store = store_in(tmp_path)
    store.put(ACCESSION, data)
    path = store.path_of(ACCESSION)
    assert path.stat().st_size < len(data) / 2
    assert store.get(ACCESSION) == data and ACCESSION in store
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no half-written file left beside it


def test_a_submission_mapped_from_disk_is_kept_without_reading_it_whole(tmp_path: Path) -> None:
    with SEED.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        store_in(tmp_path).put(ACCESSION, mapped)
    assert store_in(tmp_path).get(ACCESSION) == SEED.read_bytes()


@pytest.mark.parametrize(
    "damage",
    [
        lambda body: body[: len(body) // 2],  # cut short
        lambda body: body[:40] + bytes([body[40] ^ 0xFF]) + body[41:],  # a flipped byte: CRC or inflate fails
        lambda body: body + b"trailing junk",
        lambda body: b"not gzip at all",
    ],
    ids=["truncated", "corrupt", "trailing", "garbage"],
)
def test_a_damaged_copy_is_reported_missing_and_deleted(
    tmp_path: Path, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    store = store_in(tmp_path)
    store.put(ACCESSION, SEED.read_bytes())
    path = store.path_of(ACCESSION)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with caplog.at_level(logging.WARNING):
        assert store.get(ACCESSION) is None
    assert not path.exists() and "fetched again" in caplog.text


def test_a_copy_that_inflates_past_the_limit_is_refused(tmp_path: Path) -> None:
    store = store_in(tmp_path, max_bytes=1_000_000)
    path = store.path_of(ACCESSION)
    path.parent.mkdir(parents=True)
    path.write_bytes(gzip.compress(b"\0" * 5_000_000))  # a gzip bomb, small on disk
    assert store.get(ACCESSION) is None


@pytest.mark.parametrize("accession", ["../../etc/passwd", "0001234567-24-00012/", "", "x" * 30])
def test_feed_text_never_chooses_a_path(tmp_path: Path, accession: str) -> None:
    with pytest.raises(FilingStoreError):
        store_in(tmp_path).put(accession, b"data")


def test_copies_older_than_the_retention_go(tmp_path: Path) -> None:
    store = store_in(tmp_path, retention_days=30)
    store.put(ACCESSION, b"old")
    store.put("0001234567-24-000124", b"new")
    old = time.time() - 31 * 86_400
    os.utime(store.path_of(ACCESSION), (old, old))
    assert store.prune() == 1
    assert store.get(ACCESSION) is None and store.get("0001234567-24-000124") == b"new"
    assert store_in(tmp_path, retention_days=None).prune() == 0  # no retention: kept


def test_a_store_that_cannot_be_written_costs_a_warning_not_the_filing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("where the store's folder would be")
    with caplog.at_level(logging.WARNING):
        store_in(blocked).put(ACCESSION, b"data")
    assert "could not keep" in caplog.text
    assert store_in(blocked).get(ACCESSION) is None


def test_retention_deletes_only_the_stores_own_copies_and_follows_no_link(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "reports").mkdir(parents=True)
    report = shared / "reports" / "q3-2025.txt.gz"
    report.write_bytes(b"someone else's")
    (shared / "0009999999").mkdir()
    outside = shared / "0009999999" / "0009999999-25-000001.txt.gz"
    outside.write_bytes(b"not ours either")
    store = store_in(tmp_path / "store", retention_days=1)
    store.put(ACCESSION, b"ACCESSION NUMBER: " + ACCESSION.encode())
    (tmp_path / "store" / "0009999999").symlink_to(shared / "0009999999")
    (tmp_path / "store" / "reports").symlink_to(shared / "reports")
    old = time.time() - 5 * 86_400
    for path in (report, outside, store.path_of(ACCESSION)):
        os.utime(path, (old, old))

    assert store.prune() == 1
    assert report.exists() and outside.exists() and not store.path_of(ACCESSION).exists()


def test_a_linked_copy_or_another_filings_copy_is_not_trusted(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    other = "0001234567-24-000999"
    store.put(other, b"<SEC-HEADER>\nACCESSION NUMBER:\t\t" + other.encode() + b"\n")
    path = store.path_of(ACCESSION)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(store.path_of(other))
    assert ACCESSION not in store and store.get(ACCESSION) is None
    os.replace(store.path_of(other), path)  # a real file now, but the copy names the other filing
    assert store.get(ACCESSION) is None and not path.exists()


def test_a_copy_larger_than_any_body_within_the_limit_is_refused_unread(tmp_path: Path) -> None:
    store = store_in(tmp_path, max_bytes=1000)
    path = store.path_of(ACCESSION)
    path.parent.mkdir(parents=True)
    path.write_bytes(os.urandom(10_000))
    assert store.get(ACCESSION) is None


def test_an_accession_with_a_trailing_newline_is_no_file_name(tmp_path: Path) -> None:
    with pytest.raises(FilingStoreError):
        store_in(tmp_path).path_of(ACCESSION + "\n")

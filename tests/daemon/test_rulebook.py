"""The rules in force are one value: a refused reload changes neither the rules nor the event types."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from filings.reader import read_filing
from monitor.daemon.rulebook import RuleBook
from rules.catalogue import event_type
from rules.engine import scan_filing
from rules.sources import DEFAULT_PACKS
from rules.tomlfile import TomlFile, TomlFileError

PACK = Path(__file__).resolve().parents[1] / "fixtures" / "packs" / "reverse-split"
SPLIT_TEXT = b"""<html><body><p>On February 20, 2025, Acme Split Corp. announced that its Board of Directors
approved a 1-for-20 reverse stock split of the Company's common stock, which will become effective
at 5:00 p.m. Eastern Time on March 3, 2025.</p></body></html>"""


def test_a_refused_edit_that_drops_a_field_leaves_the_type_and_the_scans_as_they_were(tmp_path: Path) -> None:
    folder = tmp_path / "my-rules"
    shutil.copytree(PACK, folder)
    book = RuleBook([DEFAULT_PACKS, folder])
    pack = folder / "reverse_split.toml"
    # The edit drops effective_date from the type and breaks a pattern: the whole load is refused.
    edited = (
        pack.read_text()
        .replace('fields.effective_date = { kind = "date", title = "Effective date" }\n', "")
        .replace('headline = ["ratio", "effective_date"]', 'headline = ["ratio"]')
    )
    pack.write_text(edited.replace("{ratio} reverse [stock] split", "{ratio} reverse [stock split"))

    assert book.reload_if_changed() is False
    assert "effective_date" in event_type("reverse_split").fields
    (event,) = [e for e in scan_filing(read_filing(SPLIT_TEXT, "split.htm"), book.current) if e.type == "reverse_split"]
    assert event.fields == {"ratio": "1-for-20", "effective_date": "2025-03-03"}


def test_an_accepted_edit_puts_its_types_in_force_with_its_rules(tmp_path: Path) -> None:
    folder = tmp_path / "my-rules"
    shutil.copytree(PACK, folder)
    book = RuleBook([DEFAULT_PACKS, folder])
    pack = folder / "reverse_split.toml"
    pack.write_text(pack.read_text().replace('title = "Reverse stock split"', 'title = "Share consolidation"'))

    assert book.reload_if_changed() is True
    assert event_type("reverse_split").title == "Share consolidation"


def test_a_rule_file_linked_to_an_endless_device_is_refused_not_read_whole(tmp_path: Path) -> None:
    folder = tmp_path / "my-rules"
    shutil.copytree(PACK, folder)
    book = RuleBook([DEFAULT_PACKS, folder])
    (folder / "endless.toml").symlink_to("/dev/zero")
    assert book.reload_if_changed() is False  # refused, quickly, the rules in force kept
    assert book.reload_if_changed(force=True) is False


def test_a_rule_file_read_is_bounded_and_names_what_is_wrong(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * 5_000_000)
    for path, why in ((big, "larger than 4 MB"), (Path("/dev/zero"), "not a regular file")):
        with pytest.raises(TomlFileError) as refused:
            TomlFile.read(path)
        assert why in str(refused.value)


def test_emptying_the_caches_puts_in_force_a_new_copy_of_the_same_rules() -> None:
    book = RuleBook([DEFAULT_PACKS])
    before = book.current
    filing = read_filing(SPLIT_TEXT.replace(b"reverse stock split", b"private placement of 1,000 shares"), "x.htm")
    found = scan_filing(filing, before)
    book.empty_caches()
    assert book.current is not before
    assert book.current.version == before.version
    assert scan_filing(filing, book.current) == found
    assert book.reload_if_changed() is False  # the same files: no reload, no "rules reloaded" line

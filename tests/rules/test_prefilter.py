from __future__ import annotations

from pathlib import Path

import pytest

import rules.prefilter as prefilter
from filings.reader import read_path
from rules.engine import RuleSet, scan_filing
from rules.loader import load_rules
from tests.conftest import SAMPLES, SEED

TEXT = "Warrants to purchase shares; a finder's fee was paid.\nThe PLACEMENT  AGENT was engaged."


def test_triggers_match_whole_words_case_insensitively() -> None:
    found = prefilter.Prefilter(["warrants", "placement agent", "finder's fee", "agent"]).hits(TEXT)
    names = sorted({(["warrants", "placement agent", "finder's fee", "agent"][t], end) for t, end in found})
    assert ("warrants", 8) in names
    assert ("placement agent", TEXT.index("AGENT") + 5) in names
    assert ("finder's fee", TEXT.index("fee") + 3) in names


@pytest.mark.parametrize("hyperscan", [True, False])
def test_a_trigger_finds_its_plural_but_not_a_longer_word(hyperscan: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # Batch 14's list-style 8-K: "Convertible Promissory Notes" met no trigger "convertible promissory note".
    if not hyperscan:
        monkeypatch.setattr(prefilter, "hyperscan", None)
    triggers = prefilter.Prefilter(["convertible promissory note", "unit"])
    assert [t for t, _ in triggers.hits("Convertible Promissory Notes (the Notes)")] == [0]
    assert list(triggers.hits("a united front; convertible promissory notebook")) == []


def test_the_re2_fallback_finds_what_hyperscan_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    triggers = ["warrants", "placement agent", "finder's fee", "agent"]
    with_default = sorted(prefilter.Prefilter(triggers).hits(TEXT))
    monkeypatch.setattr(prefilter, "hyperscan", None)
    assert sorted(prefilter.Prefilter(triggers).hits(TEXT)) == with_default


def test_scans_are_the_same_without_hyperscan(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [SEED, SAMPLES / "001_old_text_8k_convertible_1999.txt", SAMPLES / "002_modern_8k_pipe_2024.txt"]
    expected = [[(e.type, e.fields) for e in scan_filing(read_path(p), RuleSet(load_rules()))] for p in paths]
    monkeypatch.setattr(prefilter, "hyperscan", None)
    fallback = RuleSet(load_rules())
    assert [[(e.type, e.fields) for e in scan_filing(read_path(p), fallback)] for p in paths] == expected


def test_scans_in_several_threads_at_once_find_what_one_thread_finds(ruleset: RuleSet) -> None:
    # The daemon's workers scan in threads; Hyperscan's scratch space must not be shared between them.
    from concurrent.futures import ThreadPoolExecutor

    paths = [SEED, SAMPLES / "001_old_text_8k_convertible_1999.txt", SAMPLES / "002_modern_8k_pipe_2024.txt"] * 8

    def events(path: object) -> list[dict[str, object]]:
        return [e.to_json() for e in scan_filing(read_path(path), ruleset)]  # type: ignore[arg-type]

    alone = [events(p) for p in paths]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(events, paths))
    assert together == alone


@pytest.mark.skipif(prefilter.hyperscan is None, reason="Hyperscan has wheels for Linux only")
def test_a_compiled_trigger_database_is_kept_and_a_corrupt_one_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILING_MONITOR_CACHE", str(tmp_path))
    text = "The Company sold 10 shares in a Private Placement."
    first = list(prefilter.Prefilter(["sold", "private placement"]).hits(text))
    [cached] = list(tmp_path.glob("triggers-*.hsdb"))
    assert list(prefilter.Prefilter(["sold", "private placement"]).hits(text)) == first  # loaded, same hits
    cached.write_bytes(b"not a database")
    assert list(prefilter.Prefilter(["sold", "private placement"]).hits(text)) == first
    assert cached.read_bytes() != b"not a database"  # replaced by a good one


@pytest.mark.skipif(prefilter.hyperscan is None, reason="Hyperscan has wheels for Linux only")
def test_an_unwritable_cache_only_costs_the_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("FILING_MONITOR_CACHE", str(blocked / "cache"))
    assert list(prefilter.Prefilter(["sold"]).hits("we sold shares")) == [(0, 7)]

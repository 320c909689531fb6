"""The guard against rules that match too much: every rule over benign samples, in `rules test`, at
the daemon's start and at every reload; and `rules test` shows every error of every file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from monitor.cli.main import main
from monitor.daemon.rulebook import RuleBook
from rules.errors import RuleError
from rules.sources import DEFAULT_PACKS
from tests.rules.test_loader import TWO_RULES

# Matches any sentence holding a letter: would alert on every filing.
EVERYTHING = """\
id = "everything"
event = "share_sale"
triggers = ["the"]
regex = ['[a-z]']
set = { offering = "other" }

[[example]]
text = "the Company sold shares"
expect = { offering = "other" }
"""

NARROW = EVERYTHING.replace("regex = ['[a-z]']", "regex = ['moonbeam units']").replace(
    "the Company sold shares", "the Company sold moonbeam units"
)


def user_pack(tmp_path: Path, rule: str) -> Path:
    folder = tmp_path / "my-rules"
    folder.mkdir(exist_ok=True)
    (folder / "rule.toml").write_text(rule)
    return folder


def test_rules_test_fails_a_rule_that_fires_on_benign_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rules", "test", str(DEFAULT_PACKS), str(user_pack(tmp_path, EVERYTHING))])
    out = capsys.readouterr().out
    assert code == 1
    assert "rule 'everything' raised a share_sale event on benign text" in out and "rules/benign/any.txt:3" in out
    assert "1 rules raised events on them" in out


def test_a_users_own_benign_samples_count_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = user_pack(tmp_path, NARROW)
    assert main(["rules", "test", str(folder)]) == 0
    (folder / "benign").mkdir()
    (folder / "benign" / "moonbeam.txt").write_text(
        "# filed: 2026-01-05\nThe moonbeam units of the pilot plant were sold for scrap.\n"
    )
    capsys.readouterr()
    assert main(["rules", "test", str(folder)]) == 1
    assert "benign/moonbeam.txt:2" in capsys.readouterr().out


def test_the_daemon_refuses_such_a_rule_at_start_and_on_reload(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = user_pack(tmp_path, NARROW)
    book = RuleBook([DEFAULT_PACKS, folder])
    outcomes: list[str] = []
    book.on_reload = outcomes.append  # what the daemon's metrics count
    version = book.current.version
    (folder / "rule.toml").write_text(EVERYTHING)
    with caplog.at_level(logging.ERROR):
        assert book.reload_if_changed() is False
    assert book.current.version == version and outcomes == ["refused"]
    assert "rule change refused" in caplog.text and "rule.toml:1: rule 'everything' raised" in caplog.text
    with pytest.raises(RuleError, match="raised a share_sale event on benign text"):
        RuleBook([DEFAULT_PACKS, folder])


def test_rules_test_reports_every_error_of_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "a.toml").write_text(TWO_RULES.replace('id = "first"\n', 'id = "first"\ncolour = 1\n'))
    (folder / "b.toml").write_text(NARROW.replace("regex = ['moonbeam units']", "patterns = ['{no_such_field}']"))
    code = main(["rules", "test", str(folder)])
    err = capsys.readouterr().err
    assert code == 2
    assert "a.toml:3: unknown key 'colour'" in err
    assert "a.toml:15: unknown key 'severity'" in err
    assert "b.toml:4: bad pattern '{no_such_field}'" in err
    # The second rule's bad pattern is told beside its unknown key, not in a later round.
    assert "a.toml:16: bad pattern 'warrants at {exercise_price:widgets}'" in err
    assert "4 rule errors" in err

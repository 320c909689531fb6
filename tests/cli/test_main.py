"""The scan command as users and outside checks drive it (contract §1-2)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.cli.main import build_parser, main
from tests.conftest import ROOT, SAMPLES, SEED, shared_path


def scan_json(paths: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    code = main(["scan", *paths, "--json"])
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_seed_reports_exactly_the_deal(capsys: pytest.CaptureFixture[str]) -> None:
    code, [line], _ = scan_json([str(SEED)], capsys)
    assert code == 0
    assert line["source"] == str(SEED)
    assert line["accession"] is None
    events = line["events"]
    assert isinstance(events, list)
    by_type = {e["type"]: e for e in events}
    assert sorted(by_type) == ["finder_fee", "share_sale", "warrant"]
    assert len(events) == 3
    sale = by_type["share_sale"]["fields"]
    assert (sale["shares"], sale["price_per_share"], sale["gross_proceeds"]) == (520324, 15.375, 8000000.0)
    assert sale["investors"] == ["Strong River Investments, Inc.", "Montrose Investments Ltd."]
    assert by_type["warrant"]["fields"] == {"warrant_shares": 104000, "exercise_price": 21.0, "term_years": 5}


def test_evidence_offsets_point_into_the_extracted_text(capsys: pytest.CaptureFixture[str]) -> None:
    from filings.reader import read_path

    _, lines, _ = scan_json([str(SAMPLES / "002_modern_8k_pipe_2024.txt")], capsys)
    text = read_path(SAMPLES / "002_modern_8k_pipe_2024.txt").text
    events = lines[0]["events"]
    assert isinstance(events, list)
    for event in events:
        assert text[event["start"] : event["end"]] == event["evidence"]


def test_bad_files_get_an_error_line_and_the_good_one_its_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "binary.bin").write_bytes(b"\x00\xff" * 1000)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "truncated.txt").write_bytes(b"<SEC-HEADER>\n</SEC-HEADER>\n<DOCUMENT>\n<TYPE>8-K\n<TEXT>\nsold")
    (tmp_path / "deep.htm").write_bytes(b"<html><body>" + b"<div>" * 20000 + b"x" + b"</div>" * 20000)
    (tmp_path / "bomb.xml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<edgarSubmission><offeringData>&b;</offeringData></edgarSubmission>"
    )
    names = ["binary.bin", "empty.txt", "truncated.txt", "deep.htm", "bomb.xml", "missing.txt"]
    paths = [str(tmp_path / name) for name in names]
    code, lines, err = scan_json([*paths[:3], str(SEED), *paths[3:]], capsys)
    assert code == 1
    assert [line["source"] for line in lines] == [*paths[:3], str(SEED), *paths[3:]]
    errors = {Path(str(line["source"])).name: line.get("error") for line in lines}
    assert all(errors[name] for name in ("binary.bin", "empty.txt", "truncated.txt", "bomb.xml", "missing.txt"))
    assert errors["deep.htm"] is None
    seed_events = lines[3]["events"]
    assert isinstance(seed_events, list) and len(seed_events) == 3
    assert "Traceback" not in err


def test_folder_is_scanned_sorted(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = scan_json([str(SAMPLES)], capsys)
    assert code == 0
    sources = [str(line["source"]) for line in lines]
    assert sources == sorted(sources)
    assert len(sources) == len([p for p in SAMPLES.rglob("*") if p.suffix in {".txt", ".htm", ".xml"}])  # folders too


def test_table_output_names_the_events(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "share_sale" in out and "520,324" in out


def test_corpus_meets_the_quality_bar(tmp_path: Path) -> None:
    corpus = shared_path("corpus")
    output = tmp_path / "out.jsonl"
    with output.open("w") as handle:
        subprocess.run(
            [sys.executable, "-m", "monitor", "scan", str(corpus / "filings"), "--json"],
            stdout=handle,
            check=True,
            cwd=ROOT,
        )
    score = subprocess.run(
        [sys.executable, str(corpus / "score.py"), str(corpus / "expected.jsonl"), str(output), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    figures = dict(part.split("=") for part in score.stdout.split() if "=" in part)
    assert float(figures["f1"]) >= 0.95, score.stdout
    assert float(figures["field_recall"]) >= 0.90, score.stdout
    assert float(figures["field_precision"]) >= 0.97, score.stdout


def test_unknown_command_usage_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["frobnicate"])
    assert raised.value.code == 2


RULE = """\
id = "only-warrants"
event = "warrant"
triggers = ["warrants"]
patterns = ["warrants {_4} to purchase [a total of] {warrant_shares} shares"]
not = ["exercised", "exchanged", "outstanding", "converted"]

[[example]]
text = "five-year warrants to purchase a total of 104,000 shares of common stock"
expect = { warrant_shares = %s }
"""


def test_only_rules_scans_with_the_given_rules_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.toml").write_text(RULE % "104000")
    code = main(["scan", str(SEED), "--only-rules", str(tmp_path), "--json"])
    [line] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [(e["type"], e["rule"]) for e in line["events"]] == [("warrant", "only-warrants")]


def test_rules_adds_to_the_shipped_packs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.toml").write_text(RULE % "104000")
    code = main(["scan", str(SEED), "--rules", str(tmp_path), "--json"])
    [line] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [e["type"] for e in line["events"]] == ["share_sale", "warrant", "finder_fee"]
    assert "only-warrants" in line["events"][1]["rules"]


def test_rules_test_prints_a_failing_example_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.toml").write_text(RULE % "999")
    assert main(["rules", "test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "only-warrants" in out and "999" in out and "1 failed" in out


def test_missing_rules_path_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(SEED), "--rules", str(tmp_path / "nope")]) == 2
    assert "no such rule file" in capsys.readouterr().err


def test_rules_test_notes_files_without_near_misses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.toml").write_text(RULE % "104000")
    assert main(["rules", "test", str(tmp_path)]) == 0
    assert "no near-miss example" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["run"], ["backfill", "--from", "2026-01-02"], ["events", "list"]])
def test_a_missing_config_is_exit_2_naming_the_file(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.toml"
    assert main([*command, "--config", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "no such config file" in err
    assert "Traceback" not in err


def test_the_config_option_goes_before_the_command_or_after_it(tmp_path: Path) -> None:
    # Issue 23: `filing-monitor --config x status` failed with "invalid choice".
    parser = build_parser()
    assert parser.parse_args(["--config", "before.toml", "status"]).config == Path("before.toml")
    assert parser.parse_args(["status", "--config", "after.toml"]).config == Path("after.toml")
    assert parser.parse_args(["--config", "before.toml", "status", "--config", "after.toml"]).config == Path(
        "after.toml"
    )
    assert parser.parse_args(["status"]).config is None
    missing = tmp_path / "none.toml"
    assert main(["--config", str(missing), "config", "check"]) == 2


def test_every_option_and_argument_of_every_command_has_help_text() -> None:
    # Issue 23: `rules test PATH`, `backfill --from` and `routes test --event` showed no help.
    def undocumented(parser: argparse.ArgumentParser, name: str) -> Iterator[str]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    yield from undocumented(sub, f"{name} {sub_name}")
            elif action.help is None:
                yield f"{name} {'/'.join(action.option_strings) or action.dest}"

    assert list(undocumented(build_parser(), "filing-monitor")) == []

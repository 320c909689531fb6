"""Event types declared in TOML: the built-in ones from rules/catalogue.toml, a pack's own beside them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from monitor.cli.main import main
from rules.catalogue import CATALOGUE, markdown_table, titled_fields
from rules.errors import RuleError
from rules.loader import load_rules, load_sources
from rules.sources import RuleSources
from rules.testing import benign_hits, benign_samples

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "tests" / "fixtures" / "packs" / "reverse-split"
BUILT_IN = ("share_sale", "warrant", "finder_fee", "convertible_note", "preferred_stock", "atm_program")


def test_the_built_in_types_are_declared_in_the_shipped_catalogue_file() -> None:
    assert CATALOGUE.builtin() == BUILT_IN
    assert CATALOGUE["finder_fee"].key_field == "role"
    assert CATALOGUE["warrant"].title_of("term_years") == "Term"


def test_a_packs_new_type_passes_rules_test_with_its_own_benign_samples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "test", str(PACK)]) == 0
    out = capsys.readouterr().out
    assert "3 examples: 3 passed, 0 failed" in out
    assert "0 rules raised events" in out


def test_benign_samples_guard_their_own_types() -> None:
    # The shipped share_sale samples hold "effected a 1-for-10 reverse stock split": no share sale,
    # but exactly what the pack's type reports. Only the pack's own samples may refuse its rule.
    rules = load_rules([PACK])
    samples = benign_samples([PACK])
    assert any("reverse stock split" in s.text and "reverse_split" not in s.types for s in samples)
    assert benign_hits(rules, samples) == []
    own = [s for s in samples if "reverse_split" in s.types]
    assert len(own) == 2 and all(s.path.endswith("benign/reverse_split.txt") for s in own)


def test_the_new_types_fields_show_with_their_titles() -> None:
    load_rules([PACK])
    assert titled_fields("reverse_split", {"ratio": "1-for-20", "effective_date": "2025-03-03"}) == (
        "Ratio: 1-for-20; Effective date: 2025-03-03"
    )
    assert CATALOGUE["reverse_split"].headline_fields() == ("ratio", "effective_date")


def write(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "pack.toml"
    path.write_text(text)
    return path


RULE_FOR = """\
[[rule]]
id = "delisting"
event = "{event}"
triggers = ["delisting"]
patterns = ["notice of delisting"]

[[rule.example]]
text = "The Company received a notice of delisting."
expect = {{}}
"""


def test_a_rule_for_an_undeclared_type_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "p", RULE_FOR.format(event="delisting_notice"))
    with pytest.raises(RuleError, match="unknown event type 'delisting_notice'") as raised:
        load_rules([path])
    assert raised.value.line == 3


@pytest.mark.parametrize(
    ("declaration", "line", "message"),
    [
        (
            '[[event]]\nname = "share_sale"\ntitle = "Mine"\nfields.x = { kind = "count" }\n',
            2,
            "already declared built-in",
        ),
        (
            '[[event]]\nname = "split"\ntitle = "Split"\nfields.ratio = { kind = "fraction" }\n',
            4,
            "unknown kind 'fraction'",
        ),
        ('[[event]]\nname = "split"\nfields.ratio = { kind = "ratio" }\n', 1, "needs a title"),
        ('[[event]]\nname = "Split!"\ntitle = "S"\nfields.r = { kind = "ratio" }\n', 2, "lower-case letters"),
        (
            '[[event]]\nname = "rights"\ntitle = "Rights"\nfields.n = { kind = "count" }\nnew_shares = { sold = "m" }\n',
            5,
            "new_shares.sold names a count field",
        ),
        (
            '[[event]]\nname = "rights"\ntitle = "Rights"\nfields.p = { kind = "money" }\nlisted_by = "p"\n',
            5,
            "listed_by 'p' is not a count field of rights",
        ),
    ],
)
def test_a_bad_declaration_is_an_error_at_its_line(tmp_path: Path, declaration: str, line: int, message: str) -> None:
    path = write(tmp_path / "p", declaration)
    with pytest.raises(RuleError) as raised:
        load_rules([path])
    assert message in str(raised.value) and raised.value.line == line and str(path) in str(raised.value)


SUPPLEMENT = """\
[[rule]]
id = "more-warrant-terms"
event = "warrant"
supplement = true
triggers = ["warrants"]
patterns = ["warrants {_8} exercise price of {exercise_price}"]

[[rule.example]]
text = "The warrants have an exercise price of $3.00."
expect = { exercise_price = 3.0 }
"""


def test_a_supplement_without_its_base_says_why_it_finds_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "p", SUPPLEMENT)
    alone = load_sources(RuleSources((path,), shipped=False))
    assert alone.notes and "can find nothing on its own" in alone.notes[0] and "more-warrant-terms" in alone.notes[0]
    assert load_sources(RuleSources((path,))).notes == []  # beside the shipped warrant rules it adds


def test_a_user_rule_replaces_the_shipped_rule_of_its_id_and_two_user_rules_may_not_share_one(tmp_path: Path) -> None:
    text = SUPPLEMENT.replace('id = "more-warrant-terms"', 'id = "warrants-to-purchase"')
    path = write(tmp_path / "p", text)
    loaded = load_sources(RuleSources((path,)))
    (rule,) = [r for r in loaded.rules if r.id == "warrants-to-purchase"]
    assert rule.path == str(path)
    assert loaded.overrides == [
        f"rule 'warrants-to-purchase' of {path} replaces the shipped rule of that id "
        f"({ROOT / 'rules' / 'packs' / 'warrant.toml'})"
    ]
    (tmp_path / "p" / "again.toml").write_text(text)
    with pytest.raises(RuleError, match="rule id 'warrants-to-purchase' is already used"):
        load_sources(RuleSources((tmp_path / "p",)))


def test_no_module_outside_the_catalogue_names_an_event_type() -> None:
    # As strings in code: a comment may well say "warrant".
    named = re.compile("|".join(rf"[\"']{name}[\"']" for name in BUILT_IN))
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("filings", "rules", "storage", "monitor")
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if named.search(line)
    ]
    assert offenders == []


def test_docs_list_every_built_in_type_as_the_catalogue_declares_it() -> None:
    docs = (ROOT / "docs" / "rules.md").read_text()
    assert markdown_table() in docs, "docs/rules.md is stale: paste rules.catalogue.markdown_table() into it"


SPLIT_TEXT = (
    "On February 20, 2025, the Board of Directors approved a 1-for-20 reverse stock split of the common "
    "stock, which will become effective at 5:00 p.m. Eastern Time on March 3, 2025."
)


def test_scan_with_a_pack_adds_its_type_to_the_shipped_ones_and_only_rules_uses_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    split = tmp_path / "split.txt"
    split.write_text(SPLIT_TEXT)
    seed = ROOT / "samples" / "000_5be251fb1d6ea1d0.txt"
    assert main(["scan", str(split), str(seed), "--rules", str(PACK), "--json"]) == 0
    found = [[e["type"] for e in json.loads(line)["events"]] for line in capsys.readouterr().out.splitlines()]
    assert found == [["reverse_split"], ["share_sale", "warrant", "finder_fee"]]
    assert main(["scan", str(split), str(seed), "--only-rules", str(PACK), "--json"]) == 0
    found = [[e["type"] for e in json.loads(line)["events"]] for line in capsys.readouterr().out.splitlines()]
    assert found == [["reverse_split"], []]


def test_scan_says_why_a_supplement_alone_finds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "p", SUPPLEMENT)
    seed = ROOT / "samples" / "000_5be251fb1d6ea1d0.txt"
    assert main(["scan", str(seed), "--only-rules", str(path), "--json"]) == 0
    err = capsys.readouterr().err
    assert "note: rule 'more-warrant-terms'" in err and "can find nothing on its own" in err

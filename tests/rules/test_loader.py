from __future__ import annotations

from pathlib import Path

import pytest

from filings.model import Document
from monitor.cli.main import main
from rules.engine import RuleSet
from rules.errors import RuleError
from rules.loader import load_rules
from rules.testing import run_examples

GOOD = """\
id = "tiny"
event = "share_sale"
triggers = ["sold"]
patterns = ["sold {shares} shares"]

[[example]]
text = "We sold 10 shares."
expect = { shares = 10 }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rule.toml"
    path.write_text(text)
    return path


def test_a_single_rule_file_loads(tmp_path: Path) -> None:
    [rule] = load_rules([write(tmp_path, GOOD)])
    assert rule.id == "tiny"


def test_toml_error_names_file_and_line(tmp_path: Path) -> None:
    lines = GOOD.splitlines()
    lines[4] = 'patterns = ["unclosed'
    path = write(tmp_path, "\n".join(lines))
    with pytest.raises(RuleError) as raised:
        load_rules([path])
    assert raised.value.line == 5
    assert str(raised.value).startswith(f"{path}:5: TOML syntax error")


def test_unknown_key_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('triggers = ["sold"]', 'triggers = ["sold"]\nseverity = "high"'))
    with pytest.raises(RuleError, match="unknown key 'severity'") as raised:
        load_rules([path])
    assert raised.value.line == 4


def test_every_mistake_of_a_file_is_told_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Issue 23: three rounds of `rules test` showed one pack's errors (missing keys, then the first
    # bad pattern of each rule, then the next), and the typo `trigger =` read as "missing key 'triggers'".
    path = write(
        tmp_path,
        '[[rule]]\nid = "one"\nevent = "warrant"\ntrigger = ["warrants"]\n'
        'patterns = ["to purchase {warrant_shares}", "exercise price of {nope}"]\n\n'
        '[[rule]]\nid = "two"\nevent = "warrant"\ntriggers = ["warrants"]\npatterns = ["at {bad", "a {nope2}"]\n',
    )
    assert main(["rules", "test", str(path)]) == 2
    told = capsys.readouterr().err
    for problem in (
        ":4: unknown key 'trigger' (did you mean 'triggers'?)",
        "missing key 'triggers'",
        ":5: bad pattern 'exercise price of {nope}'",
        ":11: bad pattern 'at {bad'",
        ":11: bad pattern 'a {nope2}'",
        "missing key 'example'",
    ):
        assert problem in told, (problem, told)


def test_bad_pattern_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("sold {shares} shares", "sold {shares:widgets} shares"))
    with pytest.raises(RuleError, match="unknown field type 'widgets'") as raised:
        load_rules([path])
    assert raised.value.line == 4


def test_rule_without_examples_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.split("[[example]]")[0])
    with pytest.raises(RuleError, match="example"):
        load_rules([path])


def test_cli_refuses_a_broken_rule_file_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = GOOD.splitlines()
    lines[4] = "patterns = = ["
    path = write(tmp_path, "\n".join(lines))
    assert main(["rules", "test", str(path)]) == 2
    error = capsys.readouterr().err
    assert f"{path}:5:" in error
    assert "Traceback" not in error


TWO_RULES = """\
[[rule]]
id = "first"
event = "warrant"
triggers = ["warrants"]
patterns = ["warrants to purchase {warrant_shares} shares"]
[[rule.example]]
text = "warrants to purchase 5 shares"
expect = { warrant_shares = 5 }

[[rule]]
id = "second"
event = "warrant"
triggers = ["warrants"]
severity = "high"
patterns = ["warrants at {exercise_price:widgets}"]
[[rule.example]]
text = "warrants at $1"
expect = { exercise_price = 1.0 }
"""


def test_errors_in_a_multi_rule_file_point_into_the_right_rule(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_RULES)
    with pytest.raises(RuleError, match="unknown key 'severity'") as raised:
        load_rules([path])
    assert raised.value.line == 14
    path.write_text(TWO_RULES.replace('severity = "high"\n', ""))
    with pytest.raises(RuleError, match="widgets") as raised:
        load_rules([path])
    assert raised.value.line == 14


REACH = """\
id = "reach"
event = "share_sale"
triggers = ["offering"]
patterns = ["offering {_8} {shares} shares"]
not_before = ["warrants to purchase"]
not_after = ["preferred stock"]
series = "common"

[[example]]
text = "We are offering 300,000 shares and warrants to purchase 150,000 shares."
expect = { shares = 300000 }

[[example]]
text = "We are offering warrants to purchase 150,000 shares."
expect = "no match"

[[example]]
text = "We are offering 8,000 shares of preferred stock."
expect = "no match"
"""


def test_not_before_reaches_only_the_words_before_an_amount(tmp_path: Path) -> None:
    [rule] = load_rules([write(tmp_path, REACH)])
    sentence = "We are offering 300,000 shares and warrants to purchase 150,000 shares."
    assert not rule.excluded(sentence)  # the sentence stays readable
    at = sentence.index("150,000")
    assert rule.excluded_around(sentence, at, at + 7)
    at = sentence.index("300,000")
    assert not rule.excluded_around(sentence, at, at + 7)
    assert all(result.passed for result in run_examples([rule]))


def test_not_after_reaches_to_the_end_of_the_counted_noun_not_into_the_next_item(tmp_path: Path) -> None:
    # MicroStrategy's 8-K of April 2025: "8,500,000 shares of the Company's 10.00% Series A Perpetual
    # Strife Preferred Stock" became a common stock sale, its "Preferred Stock" ten words on.
    [rule] = load_rules([write(tmp_path, REACH)])
    preferred = "We completed an offering of 8,500,000 shares of the Company's 10.00% Series A Perpetual Strife Preferred Stock."
    at = preferred.index("8,500,000")
    assert rule.excluded_around(preferred, at, at + 9)
    both = "We are offering 2,000,000 shares of common stock and 500 shares of Series A preferred stock."
    at = both.index("2,000,000")
    assert not rule.excluded_around(both, at, at + 9)


def test_a_rule_may_name_the_series_of_its_findings(tmp_path: Path, ruleset: RuleSet) -> None:
    [rule] = load_rules([write(tmp_path, REACH)])
    document = Document("8-K", 1, None, None, "We are offering 300,000 shares of stock.")
    [found] = list(RuleSet([rule]).partials(document, {0}))
    assert found.series == "common"


def test_an_exchange_for_cash_is_a_sale_not_an_exchange_of_securities(tmp_path: Path) -> None:
    (rule,) = [r for r in load_rules() if r.id == "convertible-notes-sold"]
    sold = (
        "On January 28, 2008, we issued $350,000 principal amount of 8% secured convertible notes in exchange for "
        "$350,000 in cash."
    )
    swapped = (
        "We issued $350,000 principal amount of convertible notes in exchange for 350 shares of Series B Preferred."
    )
    assert rule.excluded_by(sold) is None
    assert rule.excluded_by(swapped) == "exchange for"

"""Where rules apply: filing roles, and a pack's [defaults] shared by all its rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from filings.model import Document, Filing, Header
from filings.roles import roles_of
from rules.engine import RuleSet, scan_filing
from rules.errors import RuleError
from rules.loader import load_rules

SALE = (
    "On May 2, 2024, the Company entered into a securities purchase agreement with certain investors "
    "pursuant to which the Company sold 2,000,000 shares of common stock at a price of $2.50 per share, "
    "for gross proceeds of $5,000,000."
)
QUARTERLY_COVER = "FORM 10-Q\nQUARTERLY REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934\n"


def read(text: str, form: str) -> Filing:
    filing = Filing("x", Header(form=form, filed="2024-05-06"), [Document(form, 1, None, None, text)])
    filing.form = form
    filing.roles = roles_of(filing, form)
    return filing


def test_the_shipped_packs_stay_quiet_on_a_periodic_report_recalling_a_sale(ruleset: RuleSet) -> None:
    assert [e.type for e in scan_filing(read(SALE, "8-K"), ruleset)] == ["share_sale"]
    assert scan_filing(read(QUARTERLY_COVER + SALE, "10-Q"), ruleset) == []


RULES = """\
[defaults]
not_roles = ["periodic_report"]

[[rule]]
id = "sold-shares"
event = "share_sale"
triggers = ["sold"]
patterns = ["sold {shares} shares"]

[[rule.example]]
text = "the Company sold 2,000,000 shares of common stock"
expect = { shares = 2000000 }

[[rule]]
id = "sold-shares-anywhere"
event = "share_sale"
not_roles = []
triggers = ["sold"]
patterns = ["sold {shares} shares"]

[[rule.example]]
text = "the Company sold 2,000,000 shares of common stock"
expect = { shares = 2000000 }
"""


def test_a_packs_defaults_apply_to_each_rule_unless_the_rule_sets_the_key(tmp_path: Path) -> None:
    path = tmp_path / "pack.toml"
    path.write_text(RULES)
    first, second = load_rules([path])
    assert first.rule.not_roles == ["periodic_report"] and second.rule.not_roles == []
    assert not first.applies_to_roles(frozenset({"periodic_report"})) and second.applies_to_roles(
        frozenset({"periodic_report"})
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[defaults]\npatterns = ["x"]\n', 2, "[defaults] 'patterns': only"),
        (
            '[defaults]\nnot_roles = ["annual_report"]\n' + RULES.split("\n", 3)[3],
            2,
            "unknown filing role 'annual_report'",
        ),
    ],
)
def test_bad_defaults_or_roles_are_errors_at_their_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "pack.toml"
    path.write_text(text)
    with pytest.raises(RuleError) as raised:
        load_rules([path])
    assert message in str(raised.value) and raised.value.line == line, str(raised.value)


def test_a_rule_scoped_away_from_a_section_stays_quiet_there_only(ruleset: RuleSet) -> None:
    unit = (
        "Each whole warrant entitles the holder to purchase one share of common stock at a price of $11.50 per share."
    )
    offering = "PROSPECTUS SUMMARY\nEach unit consists of one share and one-half of one warrant. " + unit + "\n"
    described = "DESCRIPTION OF CAPITAL STOCK\nWarrants\n" + unit + "\n"
    assert [e.fields for e in scan_filing(read(offering, "424B4"), ruleset) if e.type == "warrant"] == [
        {"exercise_price": 11.5}
    ]
    assert [e for e in scan_filing(read(described, "424B5"), ruleset) if e.type == "warrant"] == []


def test_an_unknown_section_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rule.toml"
    path.write_text(RULES.replace('not_roles = ["periodic_report"]', 'not_sections = ["appendix"]'))
    with pytest.raises(RuleError) as raised:
        load_rules([path])
    assert "unknown section 'appendix'" in str(raised.value) and raised.value.line == 2

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


SOLD_SHARES = """\
[[rule]]
id = "sold-shares"
event = "share_sale"
triggers = ["sold"]
patterns = ["sold {shares} shares"]

[[rule.example]]
text = "the Company sold 2,000,000 shares of common stock"
expect = { shares = 2000000 }
"""
RULES = (
    """\
[defaults]
not_roles = ["periodic_report"]

"""
    + SOLD_SHARES
    + """
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
)


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
    refused = _refused(tmp_path, text)
    assert message in str(refused) and refused.line == line, str(refused)


def _refused(tmp_path: Path, text: str) -> RuleError:
    """The error loading a rule file of `text` raises."""
    path = tmp_path / "pack.toml"
    path.write_text(text)
    with pytest.raises(RuleError) as raised:
        load_rules([path])
    return raised.value


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
    refused = _refused(tmp_path, RULES.replace('not_roles = ["periodic_report"]', 'not_sections = ["appendix"]'))
    assert "unknown section 'appendix'" in str(refused) and refused.line == 2


ATM_RULE = """\
[[rule]]
id = "atm"
event = "atm_program"
triggers = ["up to"]
patterns = ['offer and sell up to {max_amount} of our common stock']
require = ["distribution agreement"]
require_in = "REACH"

[[rule.example]]
text = "Under the Distribution Agreement we may offer and sell up to $5.0 million of our common stock."
expect = { max_amount = 5000000.0 }
"""
AGREEMENT = "We have entered into the Equity Distribution Agreement with the Sales Agents."
AMOUNT = "Pursuant to this prospectus, we may offer and sell up to $50.0 million of our common stock."


def _maximums(tmp_path: Path, reach: str, text: str) -> list[object]:
    path = tmp_path / "atm.toml"
    path.write_text(ATM_RULE.replace("REACH", reach))
    return [event.fields.get("max_amount") for event in scan_filing(read(text, "424B5"), RuleSet(load_rules([path])))]


def test_required_words_may_be_read_in_the_paragraph_before_the_sentence(tmp_path: Path) -> None:
    # eval b17_06: a plan of distribution names its agreement first and its maximum two sentences on.
    assert _maximums(tmp_path, "paragraph", f"{AGREEMENT} Sales will be made at market prices. {AMOUNT}") == [
        50_000_000.0
    ]
    assert _maximums(tmp_path, "paragraph", f"{AGREEMENT}\n{AMOUNT}") == []  # another paragraph: another topic
    assert _maximums(tmp_path, "sentence", f"{AGREEMENT} {AMOUNT}") == []  # the default: the sentence alone


def test_a_sale_verb_of_the_sentence_before_does_not_satisfy_a_rule_that_requires_it_in_its_own(
    ruleset: RuleSet,
) -> None:
    # corpus-wide neg_amazon_junglee_merger: "sold" in the sentence before made an option on
    # preferred stock a sale, when every rule's required words were read in the whole paragraph.
    text = (
        "In January 1997, the Company sold 750,000 shares of its common stock for cash at $0.30 per share to the"
        " related party. The Company also granted the related party an option to purchase 750,000 shares of"
        " Series B preferred stock at an exercise price of $3.00 per share."
    )
    assert [event for event in scan_filing(read(text, "8-K"), ruleset) if event.type == "preferred_stock"] == []


def test_required_words_may_be_read_anywhere_in_the_document(tmp_path: Path) -> None:
    text = f"{AMOUNT}\nSales will be made at market prices.\n{AGREEMENT}"
    assert _maximums(tmp_path, "document", text) == [50_000_000.0]
    assert _maximums(tmp_path, "paragraph", text) == []
    assert _maximums(tmp_path, "document", AMOUNT) == []


def test_a_placement_agent_named_without_a_word_of_its_pay_is_no_fee(ruleset: RuleSet) -> None:
    # eval b27_14: "Aegis Capital Corp. acted as exclusive placement agent for the offering" and no
    # fee, commission or discount anywhere: by the labels' convention, no finder's fee is reported.
    sale = "On February 13, 2025, the Company sold 2,518,182 ordinary shares at $1.10 per share."
    agent = "Aegis Capital Corp. acted as exclusive placement agent for the offering."
    fees = "The gross proceeds were $3.1 million, before deducting the placement agent's fees."
    assert "finder_fee" not in {event.type for event in scan_filing(read(f"{sale}\n{agent}", "8-K"), ruleset)}
    assert "finder_fee" in {event.type for event in scan_filing(read(f"{sale}\n{fees}\n{agent}", "8-K"), ruleset)}


def test_a_reach_other_than_sentence_paragraph_or_document_is_an_error_at_its_line(tmp_path: Path) -> None:
    refused = _refused(tmp_path, ATM_RULE.replace("REACH", "filing"))
    assert "require_in" in str(refused) and refused.line == 7, str(refused)


PRIVATE_PLACEMENT_RULE = (
    SOLD_SHARES
    + """
[[rule]]
id = "private-placement"
event = "share_sale"
supplement = true
not_forms = ["424B*"]
triggers = ["private placement"]
patterns = ["in a private placement"]
set = { offering = "private_placement" }

[[rule.example]]
text = "the shares were sold in a private placement"
expect = { offering = "private_placement" }
"""
)


def test_a_rule_never_applies_in_the_forms_it_refuses(tmp_path: Path) -> None:
    # eval b20_01: a 424B4's registered sale was reported as a private placement because the
    # prospectus also named the concurrent private placement of warrants.
    path = tmp_path / "pp.toml"
    path.write_text(PRIVATE_PLACEMENT_RULE)
    ruleset = RuleSet(load_rules([path]))
    text = "We sold 2,000,000 shares. The warrants were sold in a private placement."
    offering = {
        form: [e.fields.get("offering") for e in scan_filing(read(text, form), ruleset)] for form in ("424B4", "8-K")
    }
    assert offering == {"424B4": [None], "8-K": ["private_placement"]}

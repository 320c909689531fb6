"""The form a cover names and the kind of filing it is, on covers written the way EDGAR filings are."""

from __future__ import annotations

import pytest

from filings.model import Document, Filing, Header
from filings.roles import form_of, roles_of


def filing(text: str, form: str | None = None) -> Filing:
    return Filing("x", Header(form=form), [Document("TEXT", 1, None, None, text)])


QUARTERLY = (
    "UNITED STATES SECURITIES AND EXCHANGE COMMISSION\nWashington, D.C. 20549\nFORM 10-Q\n"
    "QUARTERLY REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934\n"
    "During the quarter we sold 1,000,000 shares under our at-the-market program for $4.1 million."
)
RESALE = (
    "FORM S-1\nREGISTRATION STATEMENT UNDER THE SECURITIES ACT OF 1933\nPROSPECTUS\n"
    "This prospectus relates to the resale of up to 3,000,000 shares of common stock by the selling "
    "stockholders named herein, issued in a private placement on March 1, 2024. We are not selling any "
    "shares under this prospectus and will not receive any of the proceeds from the sale of the shares."
)
SHELF = (
    "FORM S-3\nREGISTRATION STATEMENT UNDER THE SECURITIES ACT OF 1933\nPROSPECTUS\n$200,000,000\n"
    "Common Stock, Preferred Stock, Warrants, Units\nWe may offer and sell from time to time, in one or more "
    "offerings, any combination of the securities described in this prospectus. We will provide the specific "
    "terms of these offerings in one or more prospectus supplements. Our Annual Report on Form 10-K is "
    "incorporated by reference."
)
SHELF_WITH_ATM = SHELF + (
    " This registration statement also contains a sales agreement prospectus covering the offer and sale "
    "of up to $50,000,000 of our common stock under a sales agreement with an agent."
)
PROXY = "SCHEDULE 14A INFORMATION\nProxy Statement Pursuant to Section 14(a) of the Securities Exchange Act of 1934"


@pytest.mark.parametrize(
    ("text", "form", "roles"),
    [
        (QUARTERLY, "10-Q", {"periodic_report"}),
        (RESALE, "S-1", {"resale_prospectus"}),
        (SHELF, "S-3", {"shelf_prospectus"}),
        (SHELF_WITH_ATM, "S-3", set()),  # an offering is on the cover: not a bare shelf
        (PROXY, "DEF 14A", {"proxy_statement"}),
        ("Filed Pursuant to Rule 424(b)(5)\nPROSPECTUS SUPPLEMENT\n2,000,000 Shares", "424B5", set()),
    ],
    ids=["10-Q", "resale", "shelf", "shelf with ATM", "proxy", "424B5"],
)
def test_a_headerless_cover_gives_its_form_and_roles(text: str, form: str, roles: set[str]) -> None:
    read = filing(text)
    assert form_of(read) == form
    assert roles_of(read, form_of(read)) == roles


def test_a_form_referred_to_is_not_the_filings_own() -> None:
    text = "This agreement is filed as an exhibit to our Annual Report on Form 10-K. The Company sold shares."
    assert form_of(filing(text)) is None


def test_the_headers_form_wins_and_an_8k_is_never_a_prospectus() -> None:
    read = filing(RESALE, form="8-K")
    assert form_of(read) == "8-K" and roles_of(read, "8-K") == frozenset()


AGREEMENT = (
    'SECURITIES PURCHASE AGREEMENT\nThis Agreement is made by Northwind Devices, Inc. (the "Company") and the '
    "purchasers named below.\nWHEREAS, the Company desires to issue and sell shares of its common stock;\n"
    "NOW, THEREFORE, the parties agree as follows:\n1. Purchase and Sale."
)


def test_a_contract_read_on_its_own_is_an_agreement() -> None:
    assert roles_of(filing(AGREEMENT), None) == {"agreement"}
    assert roles_of(filing(AGREEMENT, form="8-K"), "8-K") == frozenset()  # an 8-K that quotes one is not
    assert roles_of(filing("WHEREAS the Board met, the Company sold shares."), None) == frozenset()


def test_a_financial_statement_note_as_edgars_viewer_shows_it_is_a_periodic_report() -> None:
    note = (
        "Series A Convertible Preferred Stock\n9 Months Ended\nSep. 30, 2024\nEquity [Abstract]\n"
        "Note 12 - Series A Convertible Preferred Stock\nOn August 8, 2024, the Company agreed to issue and sell "
        "8,000 shares of its Series A Convertible Preferred Stock for an aggregate purchase price of $8,000,000."
    )
    assert roles_of(filing(note), None) == {"periodic_report"}
    # An 8-K that names a period in its text is no such note.
    assert roles_of(filing("Item 2.02 Results. Revenue for the 9 months ended September 30 rose."), None) == set()


def test_a_note_page_without_its_xbrl_heading_or_opening_on_its_number_is_a_periodic_report() -> None:
    dated = (
        "Subsequent Events\n6 Months Ended\nJun. 30, 2018\nSubsequent Events\n(13) Subsequent Events\n"
        "On July 10, 2018, the Company sold 1,241,382 shares of common stock at $2.05 per share."
    )
    numbered = "NOTE 3 \u2014 STOCK OFFERINGS\nOn June 15, 2011, the Company closed its offering of 25,000,000 units."
    assert roles_of(filing(dated), None) == {"periodic_report"}
    assert roles_of(filing(numbered), None) == {"periodic_report"}
    # A current report whose release compares periods, or cites a note, is no note page.
    release = "Item 2.02. For the 6 months ended June 30, 2018, revenue rose; see Note 3 - Revenue."
    assert roles_of(filing(release), None) == set()


def test_a_numbered_note_heading_in_a_text_about_its_financial_statements_is_a_periodic_report() -> None:
    # A 10-Q's notes copied from the middle: the heading "Note 3 \u2014 Initial Public Offering" comes
    # after another note's closing words, not at the top.
    middle = (
        "Management does not believe that any other recently issued accounting pronouncements would have a "
        "material effect on the Company's unaudited condensed financial statements.\n"
        "Note 3 \u2014 Initial Public Offering\nPursuant to the IPO, the Company issued 17,500,000 units at $10.00 per unit."
    )
    assert roles_of(filing(middle), None) == {"periodic_report"}
    # A current report that cites a note of its financial statements is none.
    cited = (
        "Item 8.01. The Company sold 1,000,000 shares; see Note 3 - Equity of the consolidated financial statements."
    )
    assert roles_of(filing(cited), None) == set()


def test_a_numbered_note_titled_as_only_financial_statements_title_their_notes_is_a_periodic_report() -> None:
    # A SPAC's 10-Q note copied from mid-page, its heading broken over lines ("Note\n4-Private\nPlacement
    # Warrants") after a table's bar, and no word of its financial statements.
    middle = (
        "the date on which the Company sends the notice of redemption to the warrant holders. |\nNote\n4-Private\n"
        "Placement Warrants\nSimultaneously with the consummation of the IPO, the Company consummated the Private "
        "Placement of an aggregate of 16,300,000 Private Placement Warrants."
    )
    assert roles_of(filing(" ".join(middle.split())), None) == {"periodic_report"}
    # A current report citing such a note of another filing stays one.
    cited = "Item 8.01. The Company sold 1,000,000 shares (see Note 6 in our annual report)."
    assert roles_of(filing(cited), None) == set()


def test_a_text_that_calls_itself_this_proxy_statement_is_one() -> None:
    background = (
        "BACKGROUND\nWe are a blank check company, which we refer to throughout this proxy statement as the "
        "Company. On November 24, 2020, we consummated our IPO of 11,500,000 units at $10.00 per unit."
    )
    assert roles_of(filing(background), None) == {"proxy_statement"}


def test_a_prospectus_that_says_it_registers_shares_for_resale_is_a_resale_prospectus() -> None:
    # An equity line's resale prospectus: it names the investor, not "selling stockholders", and
    # tells of the shares the company sold it, which a scan took for a new sale.
    text = (
        "THE LINCOLN PARK TRANSACTION\nOn September 21, 2020, we entered into the Purchase Agreement with Lincoln "
        "Park. We have filed the registration statement of which this prospectus is a part to register for resale "
        "under the Securities Act the shares that have been or may be issued to Lincoln Park."
    )
    assert roles_of(filing(text), None) == {"resale_prospectus"}
    assert roles_of(filing("We registered for resale the shares of our last private placement."), None) == set()


def test_an_underwriting_that_buys_only_from_the_selling_holders_is_a_secondary() -> None:
    bought = (
        "the underwriter has agreed to purchase from the selling shareholders, all 7,000,000 shares of common stock"
    )
    assert roles_of(filing(f"UNDERWRITING\nSubject to the terms of the underwriting agreement, {bought}."), None) == {
        "resale_prospectus"
    }
    both = "the underwriters have severally agreed to purchase from us and the selling stockholders 5,000,000 shares."
    assert roles_of(filing(f"UNDERWRITING\n{both}"), None) == set()


def test_a_supplement_relating_to_the_selling_stockholders_resale_is_a_resale_prospectus() -> None:
    # Its "RECENT FINANCING" recounts the private placement that made the shares: no new sale.
    text = (
        "This prospectus supplement supplements the prospectus of Acme Corporation relating to the resale by the "
        "selling stockholders listed therein of up to a total of 32,104,723 shares of common stock.\nRECENT FINANCING\n"
        "On May 17, 2006, we issued 2,725 shares of our Series B preferred stock for total proceeds of $2,725,000."
    )
    assert roles_of(filing(text), None) == {"resale_prospectus"}
    resale_of_none = "We sold 100 shares. This supplement relates to the resale of our ATM shares."
    assert roles_of(filing(resale_of_none), None) == set()  # no selling holders named


def test_a_primary_offering_beside_selling_stockholders_is_no_resale() -> None:
    # eval b27_12: an IPO of the company's shares and some holders' was read as a resale prospectus,
    # and every rule stayed out of it.
    text = (
        "The Company is offering 3,000,000 shares of common stock and certain selling stockholders are offering "
        "in aggregate 750,000 shares of common stock. The Company will not receive any proceeds from any sale of "
        "shares by the selling stockholders."
    )
    assert roles_of(filing(text), None) == set()


def test_a_secondary_offering_that_names_the_company_is_a_resale() -> None:
    # eval b27_03: the selling stockholder's bookrunners were reported as the company's underwriters.
    text = (
        "Sun Country Airlines today announced a proposed secondary public offering of 6,346,105 shares of its "
        "common stock by the Selling Stockholder. Sun Country Airlines is not selling any shares and will not "
        "receive any proceeds from the proposed offering."
    )
    assert roles_of(filing(text), None) == {"resale_prospectus"}

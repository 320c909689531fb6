"""What kind of filing this is, beyond its form type: the roles rules are scoped by.

A rule set for financings must stay quiet on filings that only recall past deals: a periodic
report, a proxy statement, a resale prospectus (selling stockholders sell shares a past placement
created), a shelf base prospectus (no offering yet). The SEC header's form says some of it; the
cover of the main document says the rest, and for documents read without a header (an exhibit, an
HTML document) it also gives the form itself."""

from __future__ import annotations

import re

import re2

from filings.model import Filing

COVER_CHARS = 16_000  # a cover page and the summary's first lines; far enough, and cheap
PERIODIC_REPORT = "periodic_report"
PROXY_STATEMENT = "proxy_statement"
RESALE_PROSPECTUS = "resale_prospectus"
SHELF_PROSPECTUS = "shelf_prospectus"
AGREEMENT = "agreement"  # a contract read on its own (an exhibit without its filing): recitals, then terms
ROLES = (PERIODIC_REPORT, PROXY_STATEMENT, RESALE_PROSPECTUS, SHELF_PROSPECTUS, AGREEMENT)

_FLAGS = re.I
_CASELESS = re2.Options()
_CASELESS.case_sensitive = False
# The form a cover names: "FORM 10-Q", "FORM 8-K", "SCHEDULE 14A", "Filed Pursuant to Rule 424(b)(5)".
_COVER_FORMS = (
    (re.compile(r"\bFORM\s+10-?Q(?:SB)?\b", _FLAGS), "10-Q"),
    (re.compile(r"\bFORM\s+10-?K(?:SB|405)?\b", _FLAGS), "10-K"),
    (re.compile(r"\bSCHEDULE\s+14A\b", _FLAGS), "DEF 14A"),
    (re.compile(r"\bFORM\s+8-K\b", _FLAGS), "8-K"),
    (re.compile(r"\bRule\s+424\s*\(\s*b\s*\)\s*\(\s*\d\s*\)", _FLAGS), "424B{0}"),
    (re.compile(r"\bFORM\s+S-1\b", _FLAGS), "S-1"),
    (re.compile(r"\bFORM\s+S-3\b", _FLAGS), "S-3"),
    (re.compile(r"\bFORM\s+F-1\b", _FLAGS), "F-1"),
    (re.compile(r"\bFORM\s+F-3\b", _FLAGS), "F-3"),
)
# All of them in one pass over the cover (a case-insensitive pattern is searched character by
# character, so nine passes cost nine times one); each form's pattern is a group of its own.
_ANY_COVER_FORM = re2.compile(
    "|".join(f"({pattern.pattern})" for pattern, _ in _COVER_FORMS), _CASELESS
)  # RE2: a case-insensitive alternation is much faster there than in Python's re
# "our Annual Report on Form 10-K", "attached to Form 8-K": a form referred to, not this one ("Filed
# pursuant to Rule 424(b)(5)" is this one's).
_REFERENCE = re.compile(r"\b(?:on|to|in|of|under|with|by)\s+$", _FLAGS)
_PERIODIC_FORMS = re.compile(r"^(?:10-?Q|10-?K|20-F|40-F|N-CSR)", _FLAGS)
_PROXY_FORMS = re.compile(r"^(?:DEF|PRE|DEFA|DEFM|PREM)\s?14[AC]", _FLAGS)
_PERIODIC_COVER = re.compile(r"(?:QUARTERLY|ANNUAL)\s+REPORT\s+PURSUANT\s+TO\s+SECTION\s+13", _FLAGS)
# A note of a 10-Q/10-K as EDGAR's financial report viewer shows it (an R page): its period
# ("9 Months Ended") over an XBRL heading ("[Abstract]", "[Text Block]") or "Notes to ...".
_REPORT_NOTE_PERIOD = re.compile(r"\b\d{1,2}\s+Months\s+Ended\b", _FLAGS)
_REPORT_NOTE_HEADING = re.compile(
    r"\[(?:Abstract|Text\s+Block)\]|\bNotes\s+to\s+(?:the\s+)?(?:Consolidated\s+)?Financial", _FLAGS
)
REPORT_NOTE_CHARS = 600
# The viewer's period line over its date ("6 Months Ended | Jun. 30, 2018"), where the page gives no
# XBRL heading; or a page that opens on a numbered note ("NOTE 3 - STOCK OFFERINGS").
_REPORT_NOTE_DATED = re.compile(
    r"\b\d{1,2}\s+Months\s+Ended\W{0,12}(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.?\s+\d{1,2},\s+\d{4}\b",
    _FLAGS,
)
_OPENS_ON_A_NOTE = re.compile(r"^\W{0,8}NOTE\s+\d{1,2}\s*[-\u2013\u2014:.]", re.IGNORECASE)
# A text without a form that heads a numbered note ("Note 3 \u2014 Initial Public Offering") and
# speaks of its financial statements ("the Company's unaudited condensed financial statements") is a
# periodic report's notes, wherever the page begins.
# Lines are joined by then: a heading is a numbered note that begins a sentence and names a title.
_NOTE_HEADING_LINE = re.compile(r"(?:^|(?<=[.:|]\s))(?:Note|NOTE)\s+\d{1,2}\s*[-\u2013\u2014:.]\s*[A-Z]")
# Or a numbered note whose title only financial statements give their notes: "Note 4-Private
# Placement Warrants", "NOTE 6 \u2014 RELATED PARTY TRANSACTIONS".
_STATEMENT_NOTE_TITLE = re.compile(
    r"(?:^|(?<=[.:|]\s))(?:Note|NOTE)\s+\d{1,2}\s*[-\u2013\u2014:.]\s*(?:Private\s+Placement|Initial\s+Public\s+Offering|"
    r"Public\s+Offering|Related\s+Part(?:y|ies)|Commitments|Stockholders|Shareholders|Subsequent\s+Events?|Income\s+Tax|"
    r"Fair\s+Value|Warrant\s+Liabilit|Summary\s+of\s+Significant|Organization|Description\s+of\s+Organization)",
    _FLAGS,
)
_STATEMENTS = re.compile(r"\b(?:condensed|consolidated|interim)\s+(?:consolidated\s+)?financial\s+statements\b", _FLAGS)
_PROXY_COVER = re.compile(
    r"PROXY\s+STATEMENT\s+PURSUANT\s+TO\s+SECTION\s+14\s*\(\s*a\s*\)|\bthis\s+proxy\s+statement\b", _FLAGS
)
_PROSPECTUS_FORMS = re.compile(r"^(?:S-1|S-3|F-1|F-3|424B)", _FLAGS)
_SELLING_HOLDERS = re.compile(r"\bselling\s+(?:stock|share|security|note|unit)holders?\b", _FLAGS)
# The resale cover's own words: the company gets nothing from the sale (at most a warrant's exercise price).
_NO_PROCEEDS = re.compile(
    r"\b(?:we|the\s+company|the\s+registrant)\b[^.]{0,80}?\b(?:will|shall|do|does)\s+not\s+receive\s+any\s+"
    r"(?:of\s+the\s+)?(?:net\s+)?proceeds"
    # A secondary offering's press release names the company: "Sun Country Airlines is not selling any
    # shares and will not receive any proceeds from the proposed offering."
    r"|\b(?:is|are)\s+not\s+selling\s+any\s+(?:shares|securities|common\s+stock)\b",
    _FLAGS,
)
# A primary offering beside the holders' ("The Company is offering 3,000,000 shares of common stock and
# certain selling stockholders are offering 750,000 shares"): the holders' share of the proceeds is
# not the company's, but the company's own sale is news.
_PRIMARY_TOO = re.compile(
    r"\b(?:we|the\s+company)\s+(?:is|are)\s+(?:offering|selling)\s+(?:an\s+aggregate\s+of\s+)?\d[\d,]*\s+"
    r"(?:shares|ordinary\s+shares|common\s+shares|units|american\s+depositary\s+shares|ads)\b",
    _FLAGS,
)
# Or its own words about the registration: "the registration statement of which this prospectus is a
# part ... to register for resale ... the shares" (an equity line's or a PIPE's resale prospectus).
_REGISTERED_FOR_RESALE = re.compile(
    r"\bthis\s+prospectus\b[^.]{0,160}\bregister(?:s|ed|ing)?\s+(?:for\s+resale|the\s+resale)\b|"
    r"\bregister(?:s|ed|ing)?\s+(?:for\s+resale|the\s+resale)\b[^.]{0,160}\bthis\s+prospectus\b",
    _FLAGS,
)
# Or that it is about the holders' resale: "relating to the resale by the selling stockholders".
_ABOUT_RESALE = re.compile(r"\b(?:relat(?:es|ing)\s+to|cover(?:s|ing)?)\s+the\s+(?:offer\s+and\s+)?resale\b", _FLAGS)
# A secondary offering's underwriting section: the underwriters buy from the selling holders, not
# from the company ("from us and the selling stockholders" is a sale of both, and no match).
_BOUGHT_FROM_SELLERS = re.compile(
    r"\bagreed\s+to\s+purchase\s+from\s+the\s+selling\s+(?:stock|share|security)holders\b", _FLAGS
)
# A base prospectus: securities offered later, "from time to time", in supplements not yet written.
_SHELF = re.compile(
    r"\bfrom\s+time\s+to\s+time\b[^.]{0,200}\b(?:one\s+or\s+more\s+offerings|offer\s+and\s+sell)", _FLAGS
)
_RECITALS = re.compile(r"\bWHEREAS\b|\bRECITALS\b")
_OPERATIVE_CLAUSE = re.compile(r"\bNOW,?\s+THEREFORE\b|\bagree\s+as\s+follows\b", _FLAGS)
_SUPPLEMENT_WILL = re.compile(r"\bprospectus\s+supplements?\b", _FLAGS)
# What an actual offering's cover names: its agent, its underwriters, its price.
_AN_OFFERING = re.compile(
    r"\b(?:sales\s+agreement|at[\s-]+the[\s-]+market|placement\s+agent|underwriting\s+agreement|"
    r"purchase\s+agreement|public\s+offering\s+price\s+(?:is|of)\s+\$|per\s+share\s+\$|"
    r"price\s+to\s+(?:the\s+)?public)",
    _FLAGS,
)


def form_of(filing: Filing) -> str | None:
    """The form type: the header's, else the one the main document's cover names."""
    if filing.header.form:
        return filing.header.form
    cover = _cover(filing)
    for found in _ANY_COVER_FORM.finditer(cover):  # in text order: the first that is no reference
        number = found.lastindex or 1
        form = _COVER_FORMS[number - 1][1]
        if form.startswith("424") or not _REFERENCE.search(cover, max(0, found.start() - 12), found.start()):
            return form.format(re.findall(r"\d", found.group(number))[-1]) if "{0}" in form else form
    return None


def roles_of(filing: Filing, form: str | None) -> frozenset[str]:
    cover = _cover(filing)
    roles = set()
    if (
        (form and _PERIODIC_FORMS.match(form))
        or _PERIODIC_COVER.search(cover)
        or _a_report_note(cover)
        or (form is None and _notes_of_statements(cover))
    ):
        roles.add(PERIODIC_REPORT)
    if (form and _PROXY_FORMS.match(form)) or _PROXY_COVER.search(cover):
        roles.add(PROXY_STATEMENT)
    if form is None or _PROSPECTUS_FORMS.match(form):
        if (
            (
                _SELLING_HOLDERS.search(cover)
                and (_NO_PROCEEDS.search(cover) or _ABOUT_RESALE.search(cover))
                and not _PRIMARY_TOO.search(cover)
            )
            or _REGISTERED_FOR_RESALE.search(cover)
            or _BOUGHT_FROM_SELLERS.search(cover)
        ):
            roles.add(RESALE_PROSPECTUS)
        elif _SHELF.search(cover) and _SUPPLEMENT_WILL.search(cover) and not _AN_OFFERING.search(cover):
            roles.add(SHELF_PROSPECTUS)
    if form is None and _RECITALS.search(cover) and _OPERATIVE_CLAUSE.search(cover):
        roles.add(AGREEMENT)
    return frozenset(roles)


def _a_report_note(cover: str) -> bool:
    top = cover[:REPORT_NOTE_CHARS]
    if _REPORT_NOTE_PERIOD.search(top) and _REPORT_NOTE_HEADING.search(top):
        return True
    return bool(_REPORT_NOTE_DATED.search(top) or _OPENS_ON_A_NOTE.match(top))


def _notes_of_statements(cover: str) -> bool:
    return bool(_NOTE_HEADING_LINE.search(cover) and _STATEMENTS.search(cover)) or bool(
        _STATEMENT_NOTE_TITLE.search(cover)
    )


def _cover(filing: Filing) -> str:
    return filing.documents[0].text[:COVER_CHARS] if filing.documents else ""

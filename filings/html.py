"""HTML documents -> readable plain text, through lexbor (selectolax).

Block elements end a line and table cells are separated by " | ", so that a prospectus' cover
table reads "Public offering price | $11.00 | $75,020,000". The markers are put into the markup
before parsing because walking the tree node by node in Python would cost more than the parse;
they are written as character references so that the markup stays one byte a character, and they
are ASCII control characters no filing's text holds (any the markup carries are dropped first), so
that the text of an ASCII filing stays one byte a character too: Python's string functions and the
regexes read it twice as fast as text widened by a private-use marker.

Large documents are parsed in pieces cut at closing block tags: a DOM costs about six times its
markup (a 4 MB prospectus parsed whole held 23 MB of it; two scanned side by side, twice that), and the text comes
out the same. Inside a table a piece ends only with a row, so that no row's cells are parted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

from filings.text import join_broken_paragraphs, normalise_characters

_LINE = "\x02"
_CELL = "\x03"
_LINE_REFERENCE = "&#x2;"
_CELL_REFERENCE = "&#x3;"
CHUNK_CHARS = 500_000
_CHUNK_CUT = re.compile(r"</(?:(tr|table)|p|div|li|h[1-6])\s*>", re.I)
_TABLE_TAG = re.compile(r"<(/?)table\b", re.I)
# Text may not stand between <tr> and <td> (the HTML5 parser would move it out of the table), so
# the line marker of a row goes inside its first cell and the cell marker inside each other cell.
# (The first letter is tested alone first: most tags are no block, and a character class turns them
# away at half the cost of trying each alternative.)
_BLOCK_START = re.compile(
    r"<(?=[pdlhtcbuos])(?=(?:p|div|li|h[1-6]|table|center|pre|blockquote|hr|dt|dd|ul|ol|title|section)[\s>/])", re.I
)
# Cells and rows whose attributes do not hide them (display:none), which keep their attributes.
_CELL_START = re.compile(r"<t[dh]\b(?![^>]*display)[^>]*>", re.I)
_ROW_START = re.compile(r"<tr\b(?![^>]*display)[^>]*>\s*<t[dh]\b(?![^>]*display)[^>]*>", re.I)
_HIDING_CELL_START = re.compile(r"<t[dh]\b(?=[^>]*display)[^>]*>", re.I)
_ANY_CELL_START = re.compile(r"<t[dh]\b[^>]*>", re.I)
_ANY_ROW_START = re.compile(r"<tr\b[^>]*>\s*<t[dh]\b[^>]*>", re.I)


def _may_hide(markup: str) -> bool:
    """Whether a table cell or row's own attributes may hide it ("display:none" in its style). Most
    filings say "display" only in a <div>'s style (inline XBRL's hidden header), and the cell
    patterns without a look-ahead at every cell cost a third as much."""
    for word in ("display", "DISPLAY", "Display"):
        at = markup.find(word)
        while at != -1:
            opening = markup.rfind("<", 0, at)
            if markup[opening + 1 : opening + 3].lower() in ("td", "th", "tr") and markup.find(">", opening, at) == -1:
                return True
            at = markup.find(word, at + len(word))
    return False


_HIDDEN = 'ix\\:header, [style*="display:none" i], [style*="display: none" i]'


def html_text(markup: str) -> str:
    texts = (_piece_text(piece) for piece in _pieces(markup))
    return join_broken_paragraphs("\n".join(text for text in texts if text))


def _pieces(markup: str) -> Iterator[str]:
    start, in_table = 0, False
    while len(markup) - start > CHUNK_CHARS:
        end, ends_in_table = _cut(markup, start, in_table)
        if end is None:
            break
        yield _opened(markup[start:end], in_table)
        start, in_table = end, ends_in_table
    yield _opened(markup[start:], in_table)


def _opened(piece: str, in_table: bool) -> str:
    # A piece begun between two rows is parsed as a table's rest: outside a table the parser would
    # drop its <tr> tags, and a row hidden by its style would show.
    return "<table>" + piece if in_table else piece


def _cut(markup: str, start: int, in_table: bool) -> tuple[int | None, bool]:
    """Where the piece begun at `start` (inside a table or not) may end, CHUNK_CHARS on or later:
    after a row or a table, or after a block outside any table; and whether a table is open there."""
    scanned = start
    for cut in _CHUNK_CUT.finditer(markup, start + CHUNK_CHARS):
        for tag in _TABLE_TAG.finditer(markup, scanned, cut.start()):
            in_table = not tag.group(1)
        scanned = cut.start()
        if cut.group(1) or not in_table:
            return cut.end(), in_table and cut.group(1).lower() != "table"
    return None, in_table


def _piece_text(markup: str) -> str:
    # Every cell gets a cell marker, and a row's first cell a line marker too (a run of markers
    # holding a line marker is a line break). The replacements are constant strings (a visible
    # cell's attributes go: text does not need them), so that re.sub runs in C instead of
    # expanding a template in Python for each of thousands of cells.
    markup = _without_markers(markup)
    marked = _BLOCK_START.sub(_LINE_REFERENCE + "<", markup)
    if _may_hide(markup):
        marked = _HIDING_CELL_START.sub(r"\g<0>" + _CELL_REFERENCE, marked)  # rare: these keep their style
        marked = _ROW_START.sub("<tr><td>" + _LINE_REFERENCE, _CELL_START.sub("<td>" + _CELL_REFERENCE, marked))
    else:  # no style hides anything: the plainer patterns, without a look-ahead at every cell
        marked = _ANY_ROW_START.sub("<tr><td>" + _LINE_REFERENCE, _ANY_CELL_START.sub("<td>" + _CELL_REFERENCE, marked))
    tree = LexborHTMLParser(marked)
    tree.strip_tags(["script", "style", "head"])
    for hidden in tree.css(_HIDDEN):  # inline XBRL's hidden facts, and anything else not shown
        hidden.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    text = _resolved_markers(" ".join(normalise_characters(root.text(separator="")).split()))
    # A currency sign or a parenthesis has a cell of its own in EDGAR's tables: "$ | 11.00" is "$11.00".
    text = text.replace("$ | ", "$").replace("( | ", "(").replace(" | %", "%").replace(" | )", ")")
    return text.strip(" \n|")


def _resolved_markers(text: str) -> str:
    """A run of markers is a line break if it holds a line marker, else one cell separator; the
    spaces beside them go. (Split and joined with str methods: two regexes over the text cost twice
    as much, most of it in the matches of a table's thousands of cells.)"""
    for marker in (_LINE, _CELL):
        text = text.replace(" " + marker, marker).replace(marker + " ", marker)
    lines = []
    for line in text.split(_LINE):
        if _CELL in line:
            line = " | ".join(cell for cell in line.split(_CELL) if cell)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _without_markers(markup: str) -> str:
    """The markup without the marker characters: a stray control byte must not split a line."""
    for marker in (_LINE, _CELL):
        if marker in markup:
            markup = markup.replace(marker, "")
    return markup


def looks_like_html(head: str) -> bool:
    lowered = head[:4096].lower()
    return any(tag in lowered for tag in ("<html", "<!doctype html", "<body", "<p>", "<p ", "<div", "<table"))

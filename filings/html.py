"""HTML documents -> readable plain text, through lexbor (selectolax).

Block elements end a line and table cells are separated by " | ", so that a prospectus' cover
table reads "Public offering price | $11.00 | $75,020,000". The markers are put into the markup
before parsing because walking the tree node by node in Python would cost more than the parse;
they are written as character references so that the markup stays one byte a character.

Very large documents are parsed in pieces cut at closing block tags: a DOM of a million nodes
would cost gigabytes, and the text comes out the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

from filings.text import join_broken_paragraphs, normalise_characters

_LINE = "\ue000"
_CELL = "\ue001"
_LINE_REFERENCE = "&#xe000;"
_CELL_REFERENCE = "&#xe001;"
CHUNK_CHARS = 4_000_000
_CHUNK_CUT = re.compile(r"</(?:p|div|tr|table|li|h[1-6])\s*>", re.I)
# Text may not stand between <tr> and <td> (the HTML5 parser would move it out of the table), so
# the line marker of a row goes inside its first cell and the cell marker inside each other cell.
_BLOCK_START = re.compile(
    r"<(?=(?:p|div|li|h[1-6]|table|center|pre|blockquote|hr|dt|dd|ul|ol|title|section)[\s>/])", re.I
)
_ROW_OR_CELL = re.compile(r"<tr\b[^>]*>\s*<t[dh]\b[^>]*>|<t[dh]\b[^>]*>", re.I)
_MARKER_RUN = re.compile(f" ?[{_LINE}{_CELL}][{_LINE}{_CELL} ]*")
_HIDDEN = 'ix\\:header, [style*="display:none" i], [style*="display: none" i]'
_CURRENCY_CELL = re.compile(r"(\$|US\$|\() \| ")
_CLOSING_CELL = re.compile(r" \| ([%)])")


def _marker_run(match: re.Match[str]) -> str:
    """A run of markers is a line break if it holds one, else one cell separator."""
    return "\n" if _LINE in match.group() else " | "


def _mark(match: re.Match[str]) -> str:
    tag = match.group(0)
    return tag + (_LINE_REFERENCE if tag[:3].lower() == "<tr" else _CELL_REFERENCE)


def html_text(markup: str) -> str:
    texts = (_piece_text(piece) for piece in _pieces(markup))
    return join_broken_paragraphs("\n".join(text for text in texts if text))


def _pieces(markup: str) -> Iterator[str]:
    start = 0
    while len(markup) - start > CHUNK_CHARS:
        cut = _CHUNK_CUT.search(markup, start + CHUNK_CHARS)
        if cut is None:
            break
        yield markup[start : cut.end()]
        start = cut.end()
    yield markup[start:]


def _piece_text(markup: str) -> str:
    marked = _ROW_OR_CELL.sub(_mark, _BLOCK_START.sub(_LINE_REFERENCE + "<", markup))
    tree = LexborHTMLParser(marked)
    tree.strip_tags(["script", "style", "head"])
    for hidden in tree.css(_HIDDEN):  # inline XBRL's hidden facts, and anything else not shown
        hidden.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    text = " ".join(normalise_characters(root.text(separator="")).split())
    text = _MARKER_RUN.sub(_marker_run, text)
    text = _CLOSING_CELL.sub(r"\1", _CURRENCY_CELL.sub(r"\1", text))
    return text.strip(" \n|")


def looks_like_html(head: str) -> bool:
    lowered = head[:4096].lower()
    return any(tag in lowered for tag in ("<html", "<!doctype html", "<body", "<p>", "<p ", "<div", "<table"))

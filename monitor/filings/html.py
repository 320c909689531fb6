"""HTML documents -> readable plain text, through lexbor (selectolax).

Block elements end a line and table cells are separated by " | ", so that a prospectus' cover
table reads "Public offering price | $11.00 | $75,020,000". The markers are put into the markup
before parsing because walking the tree node by node in Python would cost more than the parse.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from monitor.filings.text import join_broken_paragraphs, normalise_characters

_LINE = "\ue000"
_CELL = "\ue001"
# Text may not stand between <tr> and <td> (the HTML5 parser would move it out of the table), so
# the line marker of a row goes inside its first cell and the cell marker inside each other cell.
_BLOCK_START = re.compile(
    r"<(?=(?:p|div|li|h[1-6]|table|center|pre|blockquote|hr|dt|dd|ul|ol|title|section)[\s>/])", re.I
)
_ROW_OR_CELL = re.compile(r"<tr\b[^>]*>\s*<t[dh]\b[^>]*>|<t[dh]\b[^>]*>", re.I)
_MARKER_RUN = re.compile(f" ?[{_LINE}{_CELL}][{_LINE}{_CELL} ]*")
_CURRENCY_CELL = re.compile(r"(\$|US\$|\() \| ")
_CLOSING_CELL = re.compile(r" \| ([%)])")


def _marker_run(match: re.Match[str]) -> str:
    """A run of markers is a line break if it holds one, else one cell separator."""
    return "\n" if _LINE in match.group() else " | "


def _mark(match: re.Match[str]) -> str:
    tag = match.group(0)
    return tag + (_LINE if tag[:3].lower() == "<tr" else _CELL)


def html_text(markup: str) -> str:
    marked = _ROW_OR_CELL.sub(_mark, _BLOCK_START.sub(_LINE + "<", markup))
    tree = LexborHTMLParser(marked)
    tree.strip_tags(["script", "style", "head", "ix:header"])
    root = tree.body or tree.root
    if root is None:
        return ""
    text = " ".join(normalise_characters(root.text(separator="")).split())
    text = _MARKER_RUN.sub(_marker_run, text)
    text = _CLOSING_CELL.sub(r"\1", _CURRENCY_CELL.sub(r"\1", text))
    return join_broken_paragraphs(text.strip(" \n|"))


def looks_like_html(head: str) -> bool:
    lowered = head[:4096].lower()
    return any(tag in lowered for tag in ("<html", "<!doctype html", "<body", "<p>", "<p ", "<div", "<table"))

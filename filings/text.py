"""Plain text as the rules read it: one character set, one space, one paragraph a line."""

from __future__ import annotations

import re

# Typographic quotes and dashes become ASCII (rules write "finder's"), exotic spaces become spaces,
# zero-width and direction marks are deleted. A few symbols beyond Latin-1 that filings sprinkle
# everywhere (list bullets, cover-page check boxes, a Greek question mark for a semicolon, fraction
# slashes) become Latin-1 look-alikes: one such character makes Python hold a whole prospectus two
# bytes a character, and every regex and string function over it runs slower (three quarters of
# the corpora's text was held so for a few thousand bullets).
_TRANSLATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201f": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u3000": " ",
        "\u200a": "",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
        "\u00ad": "",
        "\u200e": "",
        "\u200f": "",
        "\x00": "",
        "\uf020": " ",  # a word processor's symbol-font space
        "\u2022": "\u00b7",
        "\u25cf": "\u00b7",
        "\u25aa": "\u00b7",
        "\u25e6": "\u00b7",
        "\u037e": ";",
        "\u2044": "/",
        "\u2215": "/",
        "\u2610": "[ ]",
        "\u25a1": "[ ]",
        "\u2612": "[X]",
        "\u2611": "[X]",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u2122": "(TM)",
    }
)

_PAGE_LINE = re.compile(r"^\s*(?:<PAGE>\s*\d*|-?\s*\d{1,3}\s*-?|page\s+\d+(?:\s+of\s+\d+)?|[ivx]{1,5})\s*$", re.I)
# A table row has two column gaps, or one before a figure; one gap before words is an indented
# list ("4.1         Securities Purchase Agreement ..."), whose text flows on the next lines.
_TABLE_ROW = re.compile(r"\S(?: {3,}|\t+)\S.*\S(?: {3,}|\t+)\S|\S(?: {3,}|\t+)[$(\d]")
_RUN_OF_SPACES = re.compile(r"[ \t]{3,}")
# Only runs that are not already one plain space: re.sub keeps every match's pieces in a list, so
# matching each ordinary space would cost tens of bytes of memory per byte of text.
_SPACES = re.compile(r" *[\t\f\v\r][ \t\f\v\r]*| {2,}")
# Tables in 1990s text filings are marked up with a few SGML tags and use dot leaders.
_SGML_TABLE_TAG = re.compile(r"</?(?:TABLE|CAPTION|S|C|FN|PAGE|F\d{1,2})>", re.I)
_DOT_LEADER = re.compile(r"\s*\.{4,}\s*")


_REPLACEMENTS = {chr(code): value or "" for code, value in _TRANSLATION.items()}


def normalise_characters(text: str) -> str:
    # One str.replace per character present is many times faster than str.translate, whose
    # per-character lookups dominate on the megabytes of a prospectus.
    if text.isascii() and "\x00" not in text:
        return text
    for character, replacement in _REPLACEMENTS.items():
        if character in text:
            text = text.replace(character, replacement)
    return text


def decode(data: bytes) -> str:
    """EDGAR text is ASCII, Latin-1 or UTF-8 in practice; never fail on a stray byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


_NOT_CONTROL = bytes(byte for byte in range(256) if not (byte < 9 or 13 < byte < 32))


def looks_binary(data: bytes) -> bool:
    """True for content no filing's text would have: control bytes (NULs among them) past one in 20.
    A stray NUL, as real 8-Ks carry now and then, does not make a filing binary."""
    sample = data[:8192]
    if not sample:
        return False
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls > len(sample) // 20


def plain_text(raw: str) -> str:
    """Reflow a 1990s-style text document: paragraphs on one line each, tables row by row."""
    lines: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            lines.append(" ".join(paragraph))
            paragraph.clear()

    raw_lines = normalise_characters(raw).splitlines()
    if "\n|" in raw:
        raw_lines = _web_table_rows(raw_lines)
    for line in raw_lines:
        if _PAGE_LINE.match(line):
            continue
        if "<" in line:
            untagged = _SGML_TABLE_TAG.sub("", line)
            if not untagged.strip():  # a line of nothing but <TABLE>, <S>, <C> and the like
                flush()
                continue
            line = untagged
        if ".." in line:
            line = _DOT_LEADER.sub("   ", line)
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        gapped = "   " in stripped or "\t" in stripped  # most lines have no gap: skip the regexes
        if gapped and _TABLE_ROW.search(stripped):
            flush()
            lines.append(_RUN_OF_SPACES.sub(" | ", stripped))
            continue
        if " | " in stripped:  # a row already drawn with bars (a table copied from a page): keep it a row
            flush()
            lines.append(_SPACES.sub(" ", stripped))
            continue
        # splitlines() has cut at form feeds, vertical tabs and carriage returns: a tab is the odd space left.
        spaced = "  " in stripped or "\t" in stripped
        paragraph.append(_SPACES.sub(" ", stripped) if spaced else stripped)
    flush()
    return join_broken_paragraphs("\n".join(lines))


# A table's text as a web page shows it: each cell on a line of its own behind a bar, or a row's
# label on one line and its figures, between empty cells, on the next ("Public offering price / | /
# | | | $ | 2.7500 | | | $ | 40,011,986.36 | |").
_FIGURE_CELL = re.compile(r"[$(]?\s?(?:\d[\d,]*(?:\.\d+)?|\.\d+)\s?%?\)?|[$()%]")
_LABEL_CELL = re.compile(r"[A-Za-z(][^|]{0,118}")


def _web_table_rows(lines: list[str]) -> list[str]:
    """Lines with a label cell followed by lines of figure cells become one row of the label and its
    figures ("Public offering price | $2.7500 | $40,011,986.36"); every other line stays as it is."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        label = lines[index].strip().lstrip("|").strip()
        # Only a label looks ahead: a run of figure lines is walked once, not once per line.
        if _LABEL_CELL.fullmatch(label) and not _FIGURE_CELL.fullmatch(label):
            figures, end = _figure_cells_after(lines, index + 1)
            if len(figures) >= 2:
                out.append(" | ".join([label, *_glued(figures)]))
                index = end
                continue
        out.append(lines[index])
        index += 1
    return out


def _figure_cells_after(lines: list[str], index: int) -> tuple[list[str], int]:
    """The figure cells of the lines from `index` that hold only bars and figures, and where they end."""
    figures: list[str] = []
    while index < len(lines):
        stripped = lines[index].strip()
        if "|" not in stripped and not _FIGURE_CELL.fullmatch(stripped):
            break
        # A cell's bar may close its line ("$ |", "4.00 |") as well as open it.
        cells = [cell.strip() for cell in stripped.split("|")]
        if not all(not cell or _FIGURE_CELL.fullmatch(cell) for cell in cells):
            break
        figures.extend(cell for cell in cells if cell)
        index += 1
    return figures, index


def _glued(cells: list[str]) -> list[str]:
    """A currency sign, an opening parenthesis or a percent sign in a cell of its own joins its figure."""
    glued: list[str] = []
    for cell in cells:
        if glued and (glued[-1] in ("$", "(") or cell in ("%", ")")):
            glued[-1] += cell
        else:
            glued.append(cell)
    return glued


_PAGE_FURNITURE = re.compile(r"^(?:\d{1,3}|[A-Z]?-?\d{1,3}-?|S-\d{1,3}|[ivxl]{1,6}|table of contents|page \d+)$", re.I)


FURNITURE_CHARS = 40


def join_broken_paragraphs(text: str) -> str:
    """Rejoin a paragraph that a page break cut in two ("...certain of our / 177 / TABLE OF CONTENTS /
    executive officers, ..."): drop the page furniture between the halves and join them."""
    lines = text.split("\n")
    out: list[str] = []
    pending: list[str] = []  # page furniture seen since the last line of text
    for line in lines:
        # Furniture is a few characters ("177", "TABLE OF CONTENTS"); lines come with single spaces,
        # so a longer line is text, and the copy strip() would make of a paragraph is spared.
        if len(line) <= FURNITURE_CHARS and _PAGE_FURNITURE.match(line.strip()):
            pending.append(line)
            continue
        if out and line[:1].islower() and out[-1] and out[-1][-1] not in '.:;!?"|)':
            out[-1] = f"{out[-1]} {line}"
        else:
            out.extend(pending)
            out.append(line)
        pending = []
    out.extend(pending)
    return "\n".join(out)

from __future__ import annotations

import pytest

from filings.html import html_text
from filings.text import join_broken_paragraphs, normalise_characters, plain_text


def test_page_break_inside_a_paragraph_is_mended() -> None:
    text = "In June 2022, we entered into an agreement with certain of our\n177\nTABLE OF CONTENTS\nexecutive officers."
    assert join_broken_paragraphs(text) == (
        "In June 2022, we entered into an agreement with certain of our executive officers."
    )


def test_page_numbers_between_whole_paragraphs_stay() -> None:
    assert join_broken_paragraphs("First paragraph.\n12\nSecond one.") == "First paragraph.\n12\nSecond one."


def test_plain_text_table_rows_keep_their_columns() -> None:
    raw = "Public offering price        $11.00        $75,020,000\nSome flowing\ntext here.\n"
    assert plain_text(raw).splitlines() == ["Public offering price | $11.00 | $75,020,000", "Some flowing text here."]


def test_a_row_already_drawn_with_bars_stays_a_row() -> None:
    # A cover table copied from a page: reflowed into one paragraph, its rows ran together and the
    # underwriting discount's row was never read.
    raw = "| Per Note | Total\nPublic offering price(1) | $1,000 | $200,000,000\nUnderwriting discounts | $27.50 | $5,500,000\n"
    assert plain_text(raw).splitlines() == [
        "| Per Note | Total",
        "Public offering price(1) | $1,000 | $200,000,000",
        "Underwriting discounts | $27.50 | $5,500,000",
    ]


def test_html_table_cells_and_empty_spacer_cells() -> None:
    html = "<table><tr><td>Price</td><td></td><td>$</td><td>11.00</td></tr><tr><td>Total</td><td>$5</td></tr></table>"
    assert html_text(html) == "Price | $11.00\nTotal | $5"


def test_script_and_zero_width_characters_removed() -> None:
    assert html_text("<p>a\u200bb<script>var x = 1;</script> c</p>") == "ab c"


def test_a_stray_control_byte_in_the_markup_makes_no_line_or_cell() -> None:
    # The line and cell markers are control characters; one the markup itself holds is dropped.
    assert html_text("<p>A\x02b\x03c.</p><table><tr><td>X</td><td>Y</td></tr></table>") == "Abc.\nX | Y"


def test_bullets_check_boxes_and_marks_become_latin_1_look_alikes() -> None:
    # One character past Latin-1 makes Python hold a whole document two bytes a character (and every
    # regex over it slower): the few that filings sprinkle everywhere are replaced.
    text = normalise_characters("\u2022 Item\u200e one \u2610 no \u2612 yes; 1\u20442; Strategy\u2122 \u2265 5")
    assert text == "\u00b7 Item one [ ] no [X] yes; 1/2; Strategy(TM) >= 5"
    assert max(text) <= "\xff"


def test_a_bulleted_item_still_starts_a_sentence() -> None:
    from rules.sentences import Sentences

    text = html_text("<p>We sold 10 shares. \u2022 We issued 5 warrants.</p>")
    first = Sentences(text).around(0)
    assert text[first[0] : first[1]].strip() == "We sold 10 shares."


def test_a_web_pages_table_with_each_cell_on_a_line_of_its_own_reads_as_rows() -> None:
    # eval b12_08: a prospectus cover copied from a web page; its offering price row was lost in a
    # paragraph of bars, and the offering went unreported.
    raw = (
        "Public offering price\n|\n| | | $ | 2.7500 | | | | | $ | 40,011,986.36 | | |\n"
        "Underwriting discounts and commissions(1)\n|\n| | | $ | 0.1650 | | | $ | 2,400,719.18 | |\n"
        "|Net tangible book value per share\n|\n|$\n|0.44\n"
        "Each unit consists of one share.\n|\n| | |\n"
    )
    assert plain_text(raw).splitlines()[:3] == [
        "Public offering price | $2.7500 | $40,011,986.36",
        "Underwriting discounts and commissions(1) | $0.1650 | $2,400,719.18",
        "Net tangible book value per share | $0.44",
    ]


def test_a_web_tables_cells_may_close_their_lines_with_the_bar() -> None:
    # eval b18_03: an underwriting section's table, each cell a line ending in its bar ("$ |",
    # "4.00 |"); read as one paragraph, the offering price and the discount went unreported.
    raw = (
        "Offering price\n|\n|\n|\n|\n$ |\n4.00 |\n|\n|\n|\n|\n$ |\n50,000,000 |\n|\n|\n"
        "Underwriting discounts and commissions\n|\n|\n$ |\n0.12 |\n|\n$ |\n1,500,000 |\n|\n"
        "The expenses of the offering are borne by us.\n"
    )
    assert plain_text(raw).splitlines() == [
        "Offering price | $4.00 | $50,000,000",
        "Underwriting discounts and commissions | $0.12 | $1,500,000",
        "The expenses of the offering are borne by us.",
    ]


def test_old_sgml_tables_read_as_rows() -> None:
    raw = (
        "<TABLE>\n<CAPTION>\n                     PER SHARE        TOTAL\n<S>                  <C>              <C>\n"
        "Public offering price.........  $10.00     $20,000,000\n"
        "Underwriting discount..........  $0.70      $1,400,000\n</TABLE>\n"
    )
    assert plain_text(raw).splitlines() == [
        "PER SHARE TOTAL",
        "Public offering price | $10.00 | $20,000,000",
        "Underwriting discount | $0.70 | $1,400,000",
    ]


def test_runs_of_white_space_become_one_space() -> None:
    assert plain_text("a  b\tc d \t e\f f") == "a b c d e f"


def test_large_html_is_read_in_pieces_with_the_same_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import filings.html as html

    markup = (
        "<html><body>" + "".join(f"<p>Paragraph {n} sold {n} shares.</p>\n" for n in range(3000)) + "</body></html>"
    )
    whole = html_text(markup)
    monkeypatch.setattr(html, "CHUNK_CHARS", 5_000)
    assert len(list(html._pieces(markup))) > 10
    assert html_text(markup) == whole


def test_a_large_table_read_in_pieces_keeps_its_rows_and_hides_its_hidden_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import filings.html as html

    # Cells closing a block (a cut may fall there), and rows hidden by their style (inline XBRL's
    # duplicates): a piece may not end inside a row, and one begun mid-table is still a table.
    rows = "".join(
        f"<tr><td>Item {n}</div></td><td>{n},000</td></tr>\n"
        f'<tr style="display: none"><td>Hidden {n}</td><td>{n}</td></tr>\n'
        for n in range(400)
    )
    markup = f"<html><body><p>Before.</p><table>{rows}</table><p>After.</p></body></html>"
    whole = html_text(markup)
    monkeypatch.setattr(html, "CHUNK_CHARS", 2_000)
    assert len(list(html._pieces(markup))) > 10
    assert html_text(markup) == whole
    assert "Item 399 | 399,000" in whole and "Hidden" not in whole


def test_hidden_inline_xbrl_facts_are_not_text() -> None:
    markup = (
        '<html><body><div style="display: none"><ix:header><ix:hidden>'
        '<ix:nonNumeric name="dei:AmendmentFlag">false</ix:nonNumeric>0001173313</ix:hidden></ix:header></div>'
        "<p>The Company sold 500 shares.</p></body></html>"
    )
    assert html_text(markup) == "The Company sold 500 shares."


def test_a_hidden_cell_is_not_text_and_a_hidden_div_leaves_cells_alone() -> None:
    # The cheaper cell patterns are used unless a cell or row's own style may hide it.
    hidden_cell = (
        '<html><body><table><tr><td>Price</td><td style="display:none">$9.99</td><td>$4.00</td></tr>'
        "</table></body></html>"
    )
    assert html_text(hidden_cell) == "Price | $4.00"
    hidden_div = (
        '<html><body><div style="DISPLAY: none">x</div><table><tr><td>Price</td><td>$4.00</td></tr>'
        "</table></body></html>"
    )
    assert html_text(hidden_div) == "Price | $4.00"

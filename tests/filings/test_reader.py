from __future__ import annotations

from pathlib import Path

import pytest

from filings.errors import FilingError
from filings.reader import read_path
from monitor.extraction import scan_bytes
from rules.engine import RuleSet
from tests.conftest import SAMPLES, SEED, shared_path


def test_sgml_header_gives_accession_form_company_cik_and_date() -> None:
    filing = read_path(SAMPLES / "002_modern_8k_pipe_2024.txt")
    header = filing.header
    assert header.accession == "0001999999-24-000042"
    assert header.form == "8-K"
    assert header.company == "BLUE CEDAR THERAPEUTICS INC"
    assert header.cik == "1999999"  # leading zeros dropped
    assert header.filed == "2024-11-18"
    assert header.accepted == "2024-11-18T16:30:12"
    assert header.items == ("1.01", "3.02", "9.01")


def test_uuencoded_graphics_are_skipped_and_exhibits_kept() -> None:
    filing = read_path(SAMPLES / "002_modern_8k_pipe_2024.txt")
    assert [d.type for d in filing.documents] == ["8-K", "EX-99.1"]
    assert "begin 644" not in filing.text


def test_document_offsets_index_the_filing_text() -> None:
    filing = read_path(SAMPLES / "002_modern_8k_pipe_2024.txt")
    for document in filing.documents:
        assert filing.text[document.offset : document.offset + len(document.text)] == document.text


def test_old_8k_items_come_from_the_body_and_paragraphs_are_reflowed() -> None:
    filing = read_path(SEED)
    assert filing.header.items == ("5", "7")
    assert filing.header.accession is None
    assert "issued and sold to the investors a total of 520,324 shares" in filing.text


def test_html_entities_decoded_and_style_dropped() -> None:
    text = read_path(SAMPLES / "002_modern_8k_pipe_2024.txt").documents[0].text
    assert "4,000,000 shares" in text  # &#160; became a space
    assert '"Company"' in text  # typographic quotes became ASCII
    assert "margin" not in text


def test_cover_table_rows_read_as_cells(corpus: Path) -> None:
    text = read_path(corpus / "fin_ensysce_424b5_2025.txt").text
    assert "Offering price | $3.49 | $3.4899 | $1,100,006" in text


def test_form_d_amounts_and_recipients() -> None:
    filing = read_path(SAMPLES / "003_form_d_primary_doc.xml")
    assert filing.form_d is not None
    assert filing.form_d.total_sold == 4250000.0
    assert filing.form_d.sales_commissions == 297500.0
    assert filing.form_d.recipients[0].broker_dealer == "Summit Ridge Capital Markets LLC"
    assert filing.header.form == "D"
    assert filing.header.cik == "1888888"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02\x03binary\x00junk" * 100, "binary"),
        (b"<SEC-DOCUMENT>\n<SEC-HEADER>\nACCESSION NUMBER: 1\n", "truncated"),
        (b"<SEC-HEADER>\n</SEC-HEADER>\n<DOCUMENT>\n<TYPE>8-K\n<TEXT>\nhalf a filing", "truncated"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b"<edgarSubmission><offeringData>&lol2;</offeringData></edgarSubmission>",
            "XML refused",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
            b"<edgarSubmission><offeringData>&ext;</offeringData></edgarSubmission>",
            "XML refused",
        ),
        (b"<?xml version='1.0'?><edgarSubmission><offeringData>", "malformed XML"),
    ],
)
def test_bad_input_is_a_filing_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(FilingError, match=message):
        read_path(path)


def test_missing_file_is_a_filing_error(tmp_path: Path) -> None:
    with pytest.raises(FilingError, match="no such file"):
        read_path(tmp_path / "absent.txt")


def test_deeply_nested_html_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.htm"
    path.write_bytes(b"<html><body>" + b"<div>" * 20000 + b"We sold 10 widgets." + b"</div>" * 20000)
    assert "We sold 10 widgets." in read_path(path).text


def test_undecodable_bytes_do_not_fail(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 Holdings sold 1,000 shares of common stock.\n".encode("latin-1"))
    assert "Café Holdings" in read_path(path).text


def test_corpus_submission_header(corpus: Path) -> None:
    header = read_path(shared_path("corpus", "filings", "fin_ensysce_424b5_2025.txt")).header
    assert (header.accession, header.form, header.cik, header.filed) == (
        "0001641172-25-001566",
        "424B5",
        "1716947",
        "2025-03-31",
    )


def test_form_d_of_a_business_combination_reports_no_sale(tmp_path: Path) -> None:
    from rules.engine import RuleSet, scan_filing
    from rules.loader import load_rules

    xml = (SAMPLES / "003_form_d_primary_doc.xml").read_text()
    xml = xml.replace("<isBusinessCombinationTransaction>false", "<isBusinessCombinationTransaction>true").replace(
        "<totalAmountSold>4250000", "<totalAmountSold>0"
    )
    path = tmp_path / "merger_d.xml"
    path.write_text(xml)
    assert scan_filing(read_path(path), RuleSet(load_rules())) == []


def test_a_stray_nul_byte_in_a_real_8k_does_not_make_it_binary(ruleset: RuleSet) -> None:
    body = SEED.read_bytes()
    middle = body.index(b"Pursuant to the Agreement")
    with_nul = body[:middle] + b"\x00" + body[middle:]
    clean, dirty = scan_bytes(body, "seed", ruleset), scan_bytes(with_nul, "seed", ruleset)
    assert dirty.error is None
    assert [(e.type, e.fields) for e in dirty.events] == [(e.type, e.fields) for e in clean.events]
    assert len(dirty.events) == 3


FORM_D = SAMPLES / "003_form_d_primary_doc.xml"


@pytest.mark.parametrize(
    "shape",
    ["after a 6 KB comment", "in a submission's <XML> wrapper", "wrapped, with a BOM and a DOCTYPE"],
)
def test_a_form_d_is_read_whatever_stands_before_its_root(tmp_path: Path, shape: str) -> None:
    xml = FORM_D.read_bytes()
    declaration, _, rest = xml.partition(b"?>")
    if shape == "after a 6 KB comment":
        body = declaration + b"?>\n<!-- " + b"generated by a filing agent " * 230 + b"-->\n" + rest
    elif shape == "in a submission's <XML> wrapper":
        body = b"<XML>\n" + xml + b"\n</XML>\n"
    else:
        body = (
            b"\xef\xbb\xbf<XML>\n"
            + declaration
            + b"?>\n<!DOCTYPE edgarSubmission [ <!ELEMENT x ANY> ]>"
            + rest
            + b"</XML>"
        )
    path = tmp_path / "primary_doc.xml"
    path.write_bytes(body)
    filing = read_path(path)
    assert filing.form_d is not None and filing.form_d.total_sold == 4250000.0
    assert filing.header.form == "D"


def test_a_document_without_a_text_tag_is_read_after_its_tag_lines(tmp_path: Path) -> None:
    # Collections of 8-Ks keep EDGAR's <DOCUMENT> but their own lines inside ("FILE:", "TEXT:"):
    # read as nothing before, every positive of such a collection went unreported.
    path = tmp_path / "collection.txt"
    path.write_text(
        "<DOCUMENT>\nFILE:AA/AA-8K-20090324110641.txt.gz\nTIME:20090324110641\nTEXT:\n"
        "On March 24, 2009, Acme Inc. sold 172,500,000 shares of common stock.\n</DOCUMENT>\n"
        "<DOCUMENT>\n<TYPE>EX-99\n<SEQUENCE>2\nThe press release of Acme Inc.\n</DOCUMENT>\n"
    )
    filing = read_path(path)
    first, second = filing.documents[:2]
    assert "sold 172,500,000 shares" in first.text
    assert second.type == "EX-99" and second.text == "The press release of Acme Inc."


def test_a_collections_wrapper_lines_give_form_date_and_items(tmp_path: Path) -> None:
    # Without them an 8-K of such a collection had no filing date: a recounted deal of years before
    # could not be told from news, and the rules for current reports did not apply.
    path = tmp_path / "AA-8K-20090324110641.txt"
    path.write_text(
        "<DOCUMENT>\nFILE:AA/AA-8K-20090324110641.txt.gz\nTIME:20090324110641\n"
        "EVENTS:\tOther Events\tFinancial Statements and Exhibits\nTEXT:\nAcme Inc. sold shares.\n</DOCUMENT>\n"
    )
    header = read_path(path).header
    assert (header.form, header.filed, header.accepted) == ("8-K", "2009-03-24", "2009-03-24T11:06:41")
    assert header.items == ("8.01", "9.01")

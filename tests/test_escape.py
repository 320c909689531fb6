"""Text a filer wrote reaches a terminal, a log line or a Rich table as plain text, on one line."""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from datetime import UTC, date, datetime

from rich.console import Console

from filings.model import Header
from monitor.cli.alerts import print_alerts
from monitor.cli.tables import print_stored_table, print_table
from monitor.escape import for_slack, for_terminal
from monitor.extraction import ScanResult
from monitor.logs import TerminalSafe
from monitor.notify.console import ConsoleNotifier
from monitor.notify.sample import seed_alert
from rules.events import Event
from storage.repository import FilingWithEvents
from storage.tables import AlertRow, EventRow, FilingRow

# Clear the screen, retitle the window, an OSC 8 hyperlink, a bell, a right-to-left override, Rich markup.
HOSTILE = "ACME\x1b[2J\x1b]0;pwned\x07 \x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ \u202eevil [/x] [link=http://evil.example]here[/link]"
FORGED_LINE = "ACME\nALERT FAKE CORP (8-K, 0000000000-00-000000): share_sale"


def test_for_terminal_leaves_no_control_character_and_no_line_break() -> None:
    shown = for_terminal(HOSTILE + FORGED_LINE)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert "\u202e" not in shown and "\\u202e" in shown and "\\x1b[2J" in shown
    assert for_terminal("A & B, Inc. — 7.5% notes") == "A & B, Inc. — 7.5% notes"


def test_for_slack_escapes_mrkdwns_control_characters_and_leaves_figures_alone() -> None:
    assert for_slack("<!here> A&B") == "&lt;!here&gt; A&amp;B"
    assert for_slack("$15.375 a share, 7.5% notes, U.S. holders, Inc. Series A-1") == (
        "$15.375 a share, 7.5% notes, U.S. holders, Inc. Series A-1"
    )


def test_a_filers_formatting_marks_and_bare_urls_format_and_link_nothing() -> None:
    shown = for_slack("*FREE* _money_ ~gone~ `code` at https://evil.example/login or www.evil.example")
    assert not set("*_~`") & set(shown)
    assert "://" not in shown and "evil.example" not in shown
    assert "FREE" in shown and "evil" in shown  # still readable


def rendered(print_to: object) -> str:
    stream = io.StringIO()
    console = Console(file=stream, width=300, force_terminal=True, color_system=None)
    print_to(console)  # type: ignore[operator]
    return stream.getvalue()


def test_scan_table_shows_markup_and_escapes_as_text() -> None:
    event = Event("share_sale", "shares-sold", {"investors": [HOSTILE]}, HOSTILE, 0, 10, "8-K", checks=[HOSTILE])
    results = [
        ScanResult("a.txt", Header(company=HOSTILE), [event]),
        ScanResult("b.txt", error=f"cannot read: {HOSTILE}"),
    ]
    out = rendered(lambda console: print_table(results, console))
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\x07" not in out
    assert "[/x]" in out and "[link=http://evil.example]" in out


def test_events_and_alerts_tables_survive_markup_stored_from_a_filing() -> None:
    filing = FilingRow(id=1, accession="0000000001-26-000001", company=HOSTILE, form="8-K", url="u", status="done")
    filing.filed = date(2026, 11, 24)
    event = EventRow(
        filing_id=1, type="share_sale", rule="r", fields={"investors": [HOSTILE]}, evidence=HOSTILE,
        start_offset=0, end_offset=1, rules_version="v",
    )  # fmt: skip
    alert = AlertRow(
        id=1, filing_id=1, destination="slack:#x", status="failed", error=HOSTILE, created_at=datetime.now(UTC)
    )
    for out in (
        rendered(lambda console: print_stored_table([FilingWithEvents(filing, [event])], console)),
        rendered(lambda console: print_alerts(([(alert, filing)], {}), console, as_json=False)),
    ):
        assert "\x1b]" not in out and "\x07" not in out and "[/x]" in out


async def test_the_console_alert_is_one_line_without_escape_sequences() -> None:
    stream = io.StringIO()
    await ConsoleNotifier(stream).send([replace(seed_alert(), company=HOSTILE + FORGED_LINE)])
    (line,) = stream.getvalue().splitlines()
    assert line.startswith("ALERT ACME\\x1b[2J") and "\x1b" not in line


def test_log_lines_quote_filers_without_control_characters() -> None:
    record = logging.LogRecord("t", logging.WARNING, "f", 1, "stored %s", (FORGED_LINE + "\x1b[2J",), None)
    assert TerminalSafe().filter(record)
    assert record.getMessage() == "stored ACME ALERT FAKE CORP (8-K, 0000000000-00-000000): share_sale\\x1b[2J"

"""backfill's progress: log lines print whole above the bar (never glued to bar fragments), and the
bar knows its days from the start and gives an ETA."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from fakes.edgar import FakeEdgar
from fakes.filings import load_samples
from monitor.cli.backfill import backfill
from monitor.logs import configure_logging
from monitor.settings import load_settings
from tests.conftest import SAMPLES, serving
from tests.daemon.conftest import renumbered_copies, write_config

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
_BAR = "━"


@pytest.fixture
def info_logs() -> Iterator[None]:
    root = logging.getLogger()
    kept, level = root.handlers[:], root.level
    configure_logging("INFO")
    yield
    root.handlers[:], root.level = kept, level


async def test_backfill_logs_print_whole_above_a_bar_with_days_totals_and_eta(tmp_path: Path, info_logs: None) -> None:
    sample_filings = load_samples(SAMPLES)
    days = [date(2026, 11, 2), date(2026, 11, 3)]
    fake = FakeEdgar(rate_limit=None)
    fake.publish(*[f for n, d in enumerate(days) for f in renumbered_copies(sample_filings, 6, d, first=100 * n)])
    fake.publish_index(*days)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160, color_system=None)
    async with serving(fake.app()) as base_url:
        settings = load_settings(write_config(tmp_path, base_url, f"sqlite:///{tmp_path / 'm.db'}"))
        report = await backfill(settings, days[0], days[-1], False, console)
    assert report.new == 12
    lines = [line for line in _ANSI.sub("\n", screen.getvalue()).splitlines() if line.strip()]
    logged = [line for line in lines if "monitor." in line]
    assert sum("stored 00" in line for line in logged) == 12  # every filing's log line, each whole
    assert all(_BAR not in line for line in logged), [line for line in logged if _BAR in line]
    bars = [line for line in lines if _BAR in line]
    assert any(re.search(r"days .*2/2", line) for line in bars), bars[-4:]
    assert any(re.search(r"filings .*12/12", line) for line in bars), bars[-4:]
    assert all("ETA" in line for line in bars)

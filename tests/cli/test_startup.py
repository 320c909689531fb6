"""`--version` and `--help` answer at once: they import nothing heavy (issue 23). The time itself is
measured in the benchmark; what is pinned here is what they may load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

HEAVY = ("sqlalchemy", "sqlmodel", "aiohttp", "apscheduler", "slack_sdk", "alembic", "re2", "selectolax", "rich")
OURS_HEAVY = ("rules.engine", "storage.repository", "monitor.daemon", "monitor.notify", "filings.reader")

PROBE = """
import contextlib, io, json, sys
from monitor.cli.main import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(*argv: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=ROOT, check=False)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["scan", "--help"], ["run", "--help"], ["events", "--help"]]
)
def test_version_and_help_import_nothing_heavy(argv: list[str]) -> None:
    modules = loaded_by(*argv)
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(OURS_HEAVY))
    assert heavy == [], heavy


def test_scan_loads_the_rules_but_not_the_database() -> None:
    modules = loaded_by("scan", str(ROOT / "samples"), "--json")
    assert "rules.engine" in modules
    assert not any(m.split(".")[0] in ("sqlalchemy", "sqlmodel", "alembic", "slack_sdk") for m in modules)


def test_config_check_loads_no_notifier(tmp_path: Path) -> None:
    # config check took 0.66 s, half of it importing the notifiers (and through them the outbox's
    # tables) that only `routes test` uses.
    config = tmp_path / "config.toml"
    config.write_text('[edgar]\nuser_agent = "Tests tests@example.org"\n')
    modules = loaded_by("config", "check", "--config", str(config))
    assert "rules.loader" in modules
    assert not any(m.startswith(("monitor.notify", "slack_sdk", "storage.outbox", "aiohttp")) for m in modules)

"""The layers run one way (filings -> rules -> storage -> application -> commands), and importing a
lower layer loads only what it needs. docs/architecture.md draws the same map."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("filings", "rules", "deals", "storage", "monitor")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def copy_of_the_project(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_layers() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "upward_import"),
    [
        ("rules/engine.py", "import monitor.settings"),  # the engine reaching into the application
        ("filings/model.py", "import rules.catalogue"),  # the bottom layer reaching up
        ("storage/states.py", "import monitor.errors"),
        ("monitor/edgar/feed.py", "import monitor.daemon.queue"),  # EDGAR's client calling into the daemon
        ("monitor/notify/blocks.py", "import monitor.cli.tables"),  # Slack blocks borrowing the CLI's printing
    ],
)
def test_an_import_from_a_lower_layer_into_a_higher_one_breaks_the_contract(
    tmp_path: Path, module: str, upward_import: str
) -> None:
    root = copy_of_the_project(tmp_path)
    path = root / module
    path.write_text(path.read_text() + f"\n{upward_import}  # noqa\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def modules_loaded_by(statement: str) -> set[str]:
    probe = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in result.stdout.split()}


def test_the_rules_engine_loads_no_html_parser_database_or_http_client() -> None:
    loaded = modules_loaded_by("import rules.engine")
    assert not loaded & {"selectolax", "lxml", "bs4", "sqlalchemy", "sqlmodel", "alembic", "aiohttp", "monitor"}


def test_the_feed_parser_loads_no_database() -> None:
    loaded = modules_loaded_by("import monitor.edgar.feed")
    assert not loaded & {"sqlalchemy", "sqlmodel", "alembic", "aiohttp", "storage", "rules"}


def test_states_and_the_catalogue_are_plain_python() -> None:
    loaded = modules_loaded_by("import storage.states, rules.catalogue, filings.model")
    assert not loaded & {"sqlalchemy", "pydantic", "re2", "hyperscan", "selectolax", "aiohttp"}


def test_the_edgar_client_loads_no_migrations_orm_slack_or_html_parser() -> None:
    loaded = modules_loaded_by("import monitor.edgar.client")
    assert not loaded & {"alembic", "sqlmodel", "slack_sdk", "selectolax", "apscheduler"}


def test_the_daemon_loads_no_terminal_table_library_nor_migrations() -> None:
    # The daemon escapes filers' text through monitor.escape, as the commands do; only the commands'
    # tables need rich, and only a due migration Alembic (memory, issue 23).
    loaded = modules_loaded_by("import monitor.daemon.scheduler")
    assert not loaded & {"rich", "alembic"}

"""The deployment files name commands, paths and ports that exist: the Dockerfile, the compose file
and its config, the systemd unit. Nothing is built here; systemd-analyze and docker compose check
the files where they are installed."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from monitor.cli.main import build_parser
from monitor.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
UNIT = DEPLOY / "filing-monitor.service"
CONTAINER_CONFIG = "/etc/filing-monitor/config.toml"


def _is_a_command(arguments: list[str]) -> bool:
    """Whether `filing-monitor ARGUMENTS` parses (with --help: each subcommand answers it and exits 0)."""
    try:
        build_parser().parse_args([*arguments, "--help"])
    except SystemExit as leaving:
        return leaving.code == 0
    return False


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", text)
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in (raw.strip() for raw in joined.splitlines())
        if line and not line.startswith("#")
    ]


def test_the_dockerfile_copies_what_exists_and_runs_a_real_command_as_a_user() -> None:
    steps = _instructions(DOCKERFILE.read_text())
    copies = [arguments.split() for step, arguments in steps if step == "COPY" and "--from" not in arguments]
    sources = [source for parts in copies for source in parts[:-1]]
    assert sources and all((ROOT / source).exists() for source in sources), sources
    assert set(sources) >= {"pyproject.toml", "filings", "rules", "storage", "monitor"}  # every package
    entry = next(arguments for step, arguments in steps if step == "ENTRYPOINT")
    command = next(arguments for step, arguments in steps if step == "CMD")
    assert (
        entry == '["filing-monitor"]'
        and "filing-monitor" in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    )
    assert _is_a_command(json.loads(command))
    users = [arguments for step, arguments in steps if step == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert f"FILING_MONITOR_CONFIG={CONTAINER_CONFIG}" in DOCKERFILE.read_text()
    assert any(step == "EXPOSE" and arguments == "9108" for step, arguments in steps)
    assert "/healthz" in next(arguments for step, arguments in steps if step == "HEALTHCHECK")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".git" in ignored and ".venv" in ignored  # the build context stays small


@pytest.mark.parametrize("config", ["container/config.toml", "compose/config.toml"])
def test_the_shipped_container_configs_load_and_serve_metrics_where_a_scraper_reaches_them(config: str) -> None:
    settings = load_settings(DEPLOY / config)
    assert settings.metrics.enabled and settings.metrics.address == "0.0.0.0" and settings.metrics.port == 9108
    folder = settings.filing_store_folder()
    assert folder is not None and folder.is_relative_to("/var/lib/filing-monitor")  # the data volume
    assert settings.database_url().startswith(("sqlite+aiosqlite:////var/lib/filing-monitor/", "postgresql"))


def test_the_compose_file_runs_two_instances_on_one_postgresql_with_files_that_exist() -> None:
    text = COMPOSE.read_text()
    mounts = re.findall(r"- (\./[^:\s]+):([^:\s]+)", text)
    assert mounts and all((DEPLOY / source).exists() for source, _ in mounts), mounts
    assert ("./compose/config.toml", CONTAINER_CONFIG) in mounts
    assert re.search(r"context: \.\.\n\s+dockerfile: Dockerfile", text) and DOCKERFILE.exists()
    assert len(re.findall(r"^  monitor-\w+:\n\s+<<: \*monitor", text, re.M)) == 2
    assert "image: postgres:" in text and "condition: service_healthy" in text
    shared = load_settings(DEPLOY / "compose/config.toml")
    assert "@postgres:5432/" in shared.storage.url  # the compose service's name
    assert shared.edgar.max_requests_per_second * 2 <= 10  # two processes on one IP keep the SEC's limit


def test_docker_compose_accepts_the_compose_file() -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("docker compose is not installed here: the file's structure is checked by the test above")
    checked = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text())
    return parser


def test_the_systemd_unit_runs_real_commands_hardened_and_reloads_rules_on_sighup() -> None:
    service = _unit()["Service"]
    for key in ("ExecStartPre", "ExecStart"):
        program, *arguments = shlex.split(service[key])
        assert Path(program).name == "filing-monitor" and _is_a_command(arguments), service[key]
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"  # the daemon reloads its rules on SIGHUP
    assert service["RestartPreventExitStatus"] == "2"  # the CLI's exit code for a config mistake
    assert service["User"] != "root" and service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["CapabilityBoundingSet"] == "" and service["StateDirectory"] == "filing-monitor"
    assert "FILING_MONITOR_CONFIG=/etc/filing-monitor/config.toml" in UNIT.read_text()


def test_systemd_analyze_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here: the unit's commands are checked by the test above")
    installed = Path(sys.executable).parent / "filing-monitor"  # the venv's, as /opt/filing-monitor/bin holds it
    assert installed.exists(), "the project is installed in the running interpreter's environment"
    unit = tmp_path / "filing-monitor.service"
    unit.write_text(UNIT.read_text().replace("/opt/filing-monitor/bin/filing-monitor", str(installed)))
    checked = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and "Unknown" not in checked.stderr, checked.stderr

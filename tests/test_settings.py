"""Config files: what a user writes, and the one-line errors a mistake gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import ConfigError
from monitor.settings import load_settings
from tests.conftest import ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_the_example_config_loads_with_the_contract_defaults() -> None:
    settings = load_settings(ROOT / "config.example.toml")
    assert settings.edgar.forms == ["8-K", "8-K/A", "D", "424B5"]
    assert settings.edgar.max_requests_per_second == 10
    assert settings.slack.token_env == "SLACK_BOT_TOKEN"
    assert settings.database_url() == f"sqlite+aiosqlite:///{ROOT / 'filing-monitor.db'}"


def test_a_relative_sqlite_path_sits_beside_the_config_and_postgres_urls_use_asyncpg(tmp_path: Path) -> None:
    agent = 'user_agent = "Me me@example.com"'
    sqlite = load_settings(write(tmp_path, f'[edgar]\n{agent}\n[storage]\nurl = "sqlite:///data/m.db"\n'))
    assert sqlite.database_url() == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'm.db'}"
    pg = load_settings(write(tmp_path, f'[edgar]\n{agent}\n[storage]\nurl = "postgresql://u:secret@db/fm"\n'))
    assert pg.database_url() == "postgresql+asyncpg://u:secret@db/fm"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[edgar]\nuser_agent = "filing-monitor"\n', ":2: [edgar] user_agent: must name you and give a contact e-mail"),
        ('[edgar]\nuser_agent = "A a@b.co"\npoll_secs = 5\n', ":3: [edgar] poll_secs: unknown key"),
        (
            '[edgar]\nuser_agent = "A a@b.co"\npoll_seconds = -1\n',
            ":3: [edgar] poll_seconds: Input should be greater than 0",
        ),
        ('[edgar]\nuser_agent = "A a@b.co"\nforms = []\n', ":3: [edgar] forms: List should have at least 1 item"),
        ('[edgar\nuser_agent = "A a@b.co"\n', "(at line 1, column 7)"),
        ('[storage]\nurl = "x"\n', ": missing [edgar] section"),
        (
            '[edgar]\nuser_agent = "A a@b.co"\n[storage]\nurl = "mysql://db/x"\n',
            "[storage] url: unsupported database 'mysql'",
        ),
    ],
    ids=["no contact", "typo", "negative", "no forms", "bad toml", "no edgar", "mysql"],
)
def test_each_mistake_is_one_line_naming_the_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_settings(path).database_url()
    message = str(raised.value)
    assert expected in message
    assert str(path) in message and "\n" not in message


AGENT = '[edgar]\nuser_agent = "A a@b.co"\ntimeout_seconds = 5\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[edgar]\nforms = ["8-K"]\n', ":1: [edgar] user_agent: required, and not set"),
        (AGENT + '[logging]\nlevel = "LOUD"\n', ":5: [logging] level: must be one of DEBUG, INFO"),
        (AGENT + '[storage]\nurl = "postgresql+asyncpg://u@db:abc/fm"\n', ":5: [storage] url: the port 'abc' is not"),
        (AGENT + '[storage]\nurl = "postgresql://u:pa@ss@db/fm"\n', ":5: [storage] url: a '@' in the user name"),
        (AGENT + '[storage]\nurl = "postgresql://u:pa/ss@db/fm"\n', ":5: [storage] url: a '@' or '/' in the password"),
        ('[edgar]\nuser_agent = "A a@b.co"\nbase_url = "not a url"\n', ":3: [edgar] base_url: must be an http://"),
        (AGENT + '[slack]\nbase_url = "slack.com/api"\n', ":5: [slack] base_url: must be an http://"),
        (AGENT + "[edgr]\nforms = []\n", ":4: [edgr]: unknown section"),
        (AGENT + "[slack]\ntimeout_seconds = 0\n", ":5: [slack] timeout_seconds: Input should be greater than 0"),
        (AGENT + '[[routes]]\nchannel = "#a"\n[[routes]]\nchannel = "#b"\nforms = [3]\n', ":8: [[routes]] #2 forms:"),
    ],
    ids=["no agent", "level", "port", "at in password", "slash in password", "edgar url", "slack url", "section typo",
         "key in its own section", "route item"],
)  # fmt: skip
def test_every_bad_value_names_its_own_line_and_no_secret(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(write(tmp_path, text))
    assert expected in str(raised.value)
    assert "pa@ss" not in str(raised.value) and "pa/ss" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_libpq_sslmode_is_passed_to_asyncpg_as_ssl(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, AGENT + '[storage]\nurl = "postgresql://u@db/fm?sslmode=require"\n'))
    assert settings.database_url() == "postgresql+asyncpg://u@db/fm?ssl=require"


def test_an_unset_request_rate_defaults_to_9_a_second(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[edgar]\nuser_agent = "A a@b.co"\n'))
    assert settings.edgar.max_requests_per_second == 9


def test_rules_add_to_the_shipped_packs_and_a_pack_is_turned_off_by_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, '[edgar]\nuser_agent = "A a@b.co"\n[rules]\npaths = ["mine"]\ndisable = ["warrant"]\n')
    sources = load_settings(path).rule_sources()
    assert sources.shipped and sources.paths == (tmp_path / "mine",) and sources.disabled == {"warrant"}
    assert "warrant.toml" not in [p.name for p in sources.shipped_files()]
    bad = write(tmp_path, '[edgar]\nuser_agent = "A a@b.co"\n[rules]\ndisable = ["warrants"]\n')
    with pytest.raises(ConfigError, match=r":4: \[rules\] disable: no shipped pack is called 'warrants' \(packs: "):
        load_settings(bad)


def test_a_route_may_name_an_event_type_the_users_pack_declares(tmp_path: Path) -> None:
    pack = ROOT / "tests" / "fixtures" / "packs" / "reverse-split"
    text = f'[edgar]\nuser_agent = "A a@b.co"\n[rules]\npaths = ["{pack}"]\n[[routes]]\nchannel = "#s"\ntypes = ["reverse_split"]\n'
    assert load_settings(write(tmp_path, text)).routes[0].types == ["reverse_split"]
    without = text.replace(f'paths = ["{pack}"]', "paths = []")
    with pytest.raises(ConfigError, match="unknown event type 'reverse_split'"):
        load_settings(write(tmp_path, without))

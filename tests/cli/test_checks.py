"""`config check` and `routes test`: dry runs with exact output, run as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli.checks import postgres_refusal
from monitor.cli.main import build_parser, main
from tests.conftest import fresh_database

EDGAR = '[edgar]\nuser_agent = "Harbor Research desk@harbor-research.test"\n'
ROUTES = """
[slack]
channel = "#financings"

[[routes]]
channel = "#big-deals"
types = ["share_sale"]
min_amount = 5000000

[[routes]]
channel = "#watchlist"
tickers = ["ACME"]

[[webhooks]]
name = "desk"
url_env = "DESK_WEBHOOK_URL"

[[routes]]
webhook = "desk"
types = ["convertible_note"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    out, err = capsys.readouterr()
    return code, out, err


def test_config_check_passes_a_good_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, EDGAR)
    assert run(capsys, "config", "check", "--config", str(config)) == (
        0,
        f"{config}: OK (84 rules, 0 routes, storage sqlite, filing store filings)\n",
        "",
    )


def test_config_check_names_every_mistake_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(
        tmp_path,
        EDGAR + 'poll_seconds = -1\n[daemon]\nworkers = 0\n[slack]\nchanel = "#x"\n',
    )
    code, out, err = run(capsys, "config", "check", "--config", str(config))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"{config}:3: [edgar] poll_seconds: Input should be greater than 0",
        f"{config}:5: [daemon] workers: Input should be greater than or equal to 1",
        f"{config}:7: [slack] chanel: unknown key (a typo? see config.example.toml)",
    ]


def test_config_check_names_a_broken_rule_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "my-rules").mkdir()
    (tmp_path / "my-rules" / "bad.toml").write_text('id = "x"\nevent = "share_sale"\ntriggers = ["sold"]\n')
    config = write(tmp_path, EDGAR + '[rules]\npaths = ["my-rules"]\n')
    code, _, err = run(capsys, "config", "check", "--config", str(config))
    assert code == 2 and "bad.toml" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (  # a big sale: its own channel takes it, so the default channel does not
            ["--form", "8-K", "--event", "share_sale:gross_proceeds=6000000"],
            "console: every alert\nslack:#big-deals: route 1\n",
        ),
        (  # a small one: the default channel
            ["--form", "8-K", "--event", "share_sale:gross_proceeds=$1,000,000"],
            "console: every alert\nslack:#financings: the default channel\n",
        ),
        (  # the filer on the watch list, by its ticker
            ["--cik", "0001234567", "--ticker", "ACME", "--event", "warrant"],
            "console: every alert\nslack:#watchlist: route 2\n",
        ),
        (  # "$6,000,000" is one value: its commas do not start new fields (it read as $6)
            ["--form", "8-K", "--event", "share_sale:gross_proceeds=$6,000,000,shares=100"],
            "console: every alert\nslack:#big-deals: route 1\n",
        ),
    ],
    ids=["big", "small", "ticker", "commas"],
)
def test_routes_test_says_where_an_alert_goes(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    expected: str,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    config = write(tmp_path, EDGAR + ROUTES)
    assert run(capsys, "routes", "test", "--config", str(config), *arguments)[:2] == (0, expected)


def test_routes_test_names_a_route_whose_destination_is_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    config = write(tmp_path, EDGAR + ROUTES)
    code, out, _ = run(
        capsys, "routes", "test", "--config", str(config), "--event", "share_sale:gross_proceeds=6000000"
    )
    assert code == 0
    assert out == (
        "console: every alert\n"
        "not sent: slack:#big-deals: route 1 (its destination is off)\n"
        "not sent: slack:#financings: the default channel (off: no Slack token or webhook)\n"
    )


def test_the_config_is_found_without_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(tmp_path, EDGAR)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "config", "check")[0] == 0  # ./config.toml
    other = tmp_path / "elsewhere.toml"
    other.write_text("not toml [")
    monkeypatch.setenv("FILING_MONITOR_CONFIG", str(other))
    code, _, err = run(capsys, "config", "check")
    assert code == 2 and "elsewhere.toml" in err
    assert config.exists()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out.startswith("filing-monitor ")


@pytest.mark.parametrize("arguments", [["-v", "config", "check"], ["config", "check", "-v"], ["config", "-v", "check"]])
def test_verbose_is_taken_before_or_after_the_command(arguments: list[str]) -> None:
    assert build_parser().parse_args(arguments).verbose is True


@pytest.mark.parametrize("number", ["inf", "nan"])
def test_config_check_refuses_infinite_intervals_and_sizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], number: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[edgar]\nuser_agent = "Tests tests@example.com"\npoll_seconds = {number}\nmax_body_mb = {number}\n'
    )
    assert main(["config", "check", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "poll_seconds" in err and "max_body_mb" in err


def test_config_check_of_a_device_says_so_without_reading_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", "--config", "/dev/zero"]) == 2
    assert "/dev/zero: cannot read: not a regular file" in capsys.readouterr().err


def test_an_impossible_limit_or_id_is_a_usage_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["events", "list", "--limit", "99999999999999999999"], ["alerts", "retry", "99999999999999999999"]):
        with pytest.raises(SystemExit) as ended:
            main(argv)
        assert ended.value.code == 2
        assert "is not between 1 and 1,000,000,000" in capsys.readouterr().err


def test_replay_refuses_a_range_that_ends_before_it_starts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, EDGAR)
    argv = ["rules", "replay", "--config", str(config), "--since", "2025-02-01", "--until", "2025-01-01"]
    assert main(argv) == 2
    assert "--since 2025-02-01 is after --until 2025-01-01" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("warrant:shares=100", "warrant has no field 'shares' (did you mean 'warrant_shares'?)"),
        ("sharesale:shares=100", "unknown event type 'sharesale' (did you mean 'share_sale'?)"),
    ],
)
def test_routes_test_refuses_an_event_no_rule_could_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], event: str, message: str
) -> None:
    # Issue 23: `--event warrant:shares=100` tested a route against a field warrants do not have.
    config = write(tmp_path, EDGAR + ROUTES)
    code, out, err = run(capsys, "routes", "test", "--config", str(config), "--event", event)
    assert (code, out) == (2, "")
    assert message in err and "known: " in err


def test_config_check_warns_of_what_will_not_work_but_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 23: the example's placeholder agent and a database folder that does not exist passed as OK.
    text = (
        '[edgar]\nuser_agent = "Example Research ops@example.com"\n[storage]\nurl = "sqlite:///no/such/folder/m.db"\n'
    )
    code, out, err = run(capsys, "config", "check", "--config", str(write(tmp_path, text)))
    assert code == 0 and ": OK (" in out
    assert "warning: [edgar] user_agent 'Example Research ops@example.com' is the example's" in err
    assert f"warning: [storage] url: the folder {tmp_path / 'no' / 'such' / 'folder'} does not exist" in err
    assert not (tmp_path / "no").exists()  # seen without creating anything


def test_config_check_tells_a_routes_unknown_type_beside_the_other_mistakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 23: `types = ["sharesale"]` appeared only once the other mistakes were fixed.
    text = (
        '[edgar]\nuser_agent = "nobody"\n[slack]\nchannel = "#x"\n[[routes]]\nchannel = "#y"\ntypes = ["sharesale"]\n'
    )
    config = write(tmp_path, text)
    code, out, err = run(capsys, "config", "check", "--config", str(config))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith(f"{config}:2: [edgar] user_agent: must name you")
    assert lines[1].startswith(
        f"{config}:7: [[routes]] types: unknown event type 'sharesale' (did you mean 'share_sale'?)"
    )


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("postgresql+asyncpg://postgres@127.0.0.1:1/test", "PostgreSQL at 127.0.0.1:1 does not answer"),
        (
            "postgresql+asyncpg://postgres@127.0.0.1:5432/no_such_database_here",
            'PostgreSQL at 127.0.0.1:5432 refused: database "no_such_database_here" does not exist',
        ),
    ],
)
def test_config_check_warns_of_a_postgresql_server_that_will_not_take_us(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, warned: str
) -> None:
    # Issue 23: a database the check can see will not open passed as OK. (The second case needs the
    # PostgreSQL of the project's machines; where none answers, it warns of that instead.)
    text = f'[edgar]\nuser_agent = "Tests tests@example.com"\n[storage]\nurl = "{url}"\n'
    code, out, err = run(capsys, "config", "check", "--config", str(write(tmp_path, text)))
    assert code == 0 and ": OK (" in out
    assert f"warning: [storage] url: {warned}" in err or ("5432" in url and "does not answer" in err)


async def test_config_check_says_nothing_of_a_postgresql_that_answers(tmp_path: Path) -> None:
    async with fresh_database("postgresql", tmp_path) as url:
        assert await postgres_refusal(url) is None

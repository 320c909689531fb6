"""The one TOML locator the config and the rule files share: every error, each at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from monitor.errors import ConfigError
from monitor.settings import load_settings
from rules.tomlfile import TomlFile, TomlFileError

CONFIG = """\
[edgar]
user_agent = "Example ops@example.com"
poll_seconds = -5

[slack]
chanel = "#typo"

[[routes]]
channel = "#a"

[[routes]]
channel = "#b"
min_amount = -1
"""


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    low: int = Field(ge=0)
    high: int = Field(ge=0)


def test_every_error_of_a_config_is_found_each_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert raised.value.problems == [
        f"{path}:3: [edgar] poll_seconds: Input should be greater than 0",
        f"{path}:6: [slack] chanel: unknown key (a typo? see config.example.toml)",
        f"{path}:13: [[routes]] #2 min_amount: Input should be greater than or equal to 0",
    ]
    assert str(raised.value) == f"{raised.value.problems[0]} (and 2 more)"


def test_a_table_in_an_array_points_at_its_own_keys_and_a_missing_key_at_its_header(tmp_path: Path) -> None:
    source = TomlFile.parse(tmp_path / "x.toml", "[[rule]]\nlow = 1\nhigh = 2\n\n[[rule]]\nlow = -1\n")
    with pytest.raises(ValidationError) as raised:
        Limits.model_validate(source.data["rule"][1])
    problems = source.problems(raised.value, ("rule", 1))
    assert [(p.line, p.where, p.message) for p in problems] == [
        (6, "[[rule]] #2 low", "Input should be greater than or equal to 0"),
        (5, "[[rule]] #2 high", "required, and not set"),
    ]
    assert source.block_of(("rule", 1)) == (5, 7)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a = 1\nb = = 2\n", 2, "TOML syntax error: Invalid value (at line 2, column 5)"),
        ("[t]\na = 1\n[t]\n", 3, "TOML syntax error: Cannot declare ('t',) twice (at line 3, column 3)"),
    ],
)
def test_a_syntax_error_names_its_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    with pytest.raises(TomlFileError) as raised:
        TomlFile.parse(tmp_path / "x.toml", text)
    assert (raised.value.line, raised.value.message) == (line, message)


def test_an_unreadable_file_says_why_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe")
    with pytest.raises(TomlFileError, match=r"bin\.toml: not UTF-8 text"):
        TomlFile.read(tmp_path / "bin.toml")
    with pytest.raises(TomlFileError, match="is a folder"):
        TomlFile.read(tmp_path)

"""Global options work before or after the subcommand, through one mechanism (GlobalOptionsGroup)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.cli.global_options import hoist_global_options


def hoisted(*args: str) -> list[str]:
    with click.Context(cli) as ctx:
        return hoist_global_options(cli, ctx, list(args))


@pytest.mark.parametrize(("given", "expected"), [
    (["checkin", "--io", "text"], ["--io", "text", "checkin"]),
    (["checkin", "--io=text", "--resume", "-v"], ["--io=text", "-v", "checkin", "--resume"]),
    (["dialogs", "check", "--config", "c.toml", "x.yaml"], ["--config", "c.toml", "dialogs", "check", "x.yaml"]),
    (["--io", "text", "checkin"], ["--io", "text", "checkin"]),
    # an option the subcommand declares itself stays with it; so does an option's value and all after `--`
    (["simulate", "s.yaml", "--engine", "vosk", "--out", "--io"], ["simulate", "s.yaml", "--engine", "vosk",
                                                                   "--out", "--io"]),
    (["simulate", "--", "--io", "text"], ["simulate", "--", "--io", "text"]),
])
def test_group_options_after_a_subcommand_move_in_front_of_it(given: list[str], expected: list[str]) -> None:
    assert hoisted(*given) == expected


@pytest.mark.parametrize("order", ["before", "after"])
def test_checkin_takes_io_and_data_dir_on_either_side(tmp_path: Path, order: str) -> None:
    options = ["--io", "text", "--data-dir", str(tmp_path / "data")]
    args = [*options, "checkin"] if order == "before" else ["checkin", *options]
    result = CliRunner().invoke(cli, args, input="yes\nno\n")  # Alex agrees, Sam declines: nothing recorded
    assert result.exit_code == 0, result.output
    assert "No check-in without both partners' agreement" in result.output
    assert "do you agree" in result.output  # typed prompts: --io text took effect
    assert (tmp_path / "data").is_dir()


def test_a_missing_value_after_the_subcommand_is_one_clear_error() -> None:
    result = CliRunner().invoke(cli, ["checkin", "--io"])
    assert result.exit_code == 2
    assert "Option '--io' requires an argument" in result.output

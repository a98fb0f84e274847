"""Issue 13 #8: `dialogs check` catches what would break the machine at run time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assistant import paths
from assistant.cli import cli
from assistant.dialog.library import REQUIRED_FILES, DialogLibrary, check
from assistant.dialog.schema import DialogError


@pytest.fixture
def dialogs(tmp_path: Path) -> Path:
    target = tmp_path / "dialogs"
    shutil.copytree(paths.dialogs_dir(), target, ignore=shutil.ignore_patterns("scenarios"))
    return target


def edit_checkin(dialogs: Path, change) -> None:  # noqa: ANN001 - a small test helper
    path = dialogs / "checkin.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["steps"])
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def dialogs_check(dialogs: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["dialogs", "check", str(dialogs)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_the_shipped_dialogs_pass(dialogs: Path) -> None:
    assert check(dialogs) == []


def test_an_unclosed_placeholder_is_named_with_file_step_and_field(dialogs: Path) -> None:
    edit_checkin(dialogs, lambda steps: steps[0]["say"].__setitem__(0, "Welcome, {partner_a and friends."))
    code, output = dialogs_check(dialogs)
    assert code == 1 and "checkin.yaml: step 'grounding': say: variant 1:" in output
    with pytest.raises(DialogError):  # and the machine is never built from it
        DialogLibrary.load(dialogs)


def test_a_step_leading_to_itself_is_an_endless_loop(dialogs: Path) -> None:
    edit_checkin(dialogs, lambda steps: steps[1].__setitem__("next", steps[1]["id"]))
    code, output = dialogs_check(dialogs)
    assert code == 1 and "step 'appreciations': next: the step leads to itself" in output


def test_unreachable_and_endless_paths(dialogs: Path) -> None:
    def loop(steps: list[dict]) -> None:
        steps[0]["next"] = steps[2]["id"]  # step 1 is skipped: never reached
        steps[-1]["next"] = steps[-2]["id"]  # the last two steps go round for ever
        steps[-2]["next"] = steps[-1]["id"]

    edit_checkin(dialogs, loop)
    problems = check(dialogs)
    assert any("never reached from the first step" in p and "'appreciations'" in p for p in problems)
    assert any("never reaches the end" in p for p in problems)


def test_wrong_types_in_commands(dialogs: Path) -> None:
    (dialogs / "commands.yaml").write_text("intents: 5\n", encoding="utf-8")
    code, output = dialogs_check(dialogs)
    assert code == 1 and "commands.yaml: intents" in output


def test_an_empty_folder_lists_every_required_file(tmp_path: Path) -> None:
    code, output = dialogs_check(tmp_path)
    assert code == 1
    for name in REQUIRED_FILES:
        assert f"{tmp_path / name}: missing" in output

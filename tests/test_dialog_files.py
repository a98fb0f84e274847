"""Dialog files: the shipped ones validate; malformed ones are rejected naming file, step and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.dialog.library import DialogLibrary, check, slot_names
from assistant.dialog.schema import DialogError, load_script

GOOD_STEP = """
script: mini
title: Mini
steps:
  - id: ask
    listen: yes_no
    say: ["Is it fair?"]
"""


def write(tmp_path: Path, text: str, name: str = "mini.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_dialogs_load_and_cover_the_checkin_method() -> None:
    library = DialogLibrary.load()
    steps = [step.id for step in library.scripts["checkin"].steps]
    assert steps[:2] == ["grounding", "appreciations"]
    for needed in ("commitments_review", "commitment_repair", "triggers", "boundaries", "progress_safe",
                   "progress_close", "needs", "next_commitments", "closing"):
        assert needed in steps


def test_every_slot_used_in_checkin_is_one_the_activity_provides() -> None:
    library = DialogLibrary.load()
    provided = {"partner", "other", "partner_a", "partner_b", "commitment", "wins", "heard", "say", "Say"}
    for step in library.scripts["checkin"].steps:
        for variant in step.say:
            assert slot_names(variant) <= provided, (step.id, variant)


def test_malformed_step_names_file_step_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_STEP.replace("listen: yes_no", "listen: maybe"))
    with pytest.raises(DialogError) as caught:
        load_script(path)
    message = str(caught.value)
    assert str(path) in message and "step 'ask'" in message and "listen" in message


def test_step_without_say_is_reported(tmp_path: Path) -> None:
    text = GOOD_STEP + """    branches: {"no": nowhere}
  - id: second
    listen: free
"""
    problems = check(write(tmp_path, text))
    assert any("step 'second'" in p and "say" in p for p in problems), problems


def test_branch_to_unknown_step_is_rejected(tmp_path: Path) -> None:
    problems = check(write(tmp_path, GOOD_STEP + '    branches: {"no": nowhere}\n'))
    assert len(problems) == 1 and "nowhere" in problems[0] and str(tmp_path) in problems[0]


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    problems = check(write(tmp_path, "script: x\nsteps: [\n"))
    assert problems and "line" in problems[0] and "mini.yaml" in problems[0]


def test_cli_check_exits_non_zero_and_lists_every_problem(tmp_path: Path) -> None:
    write(tmp_path, GOOD_STEP.replace("listen: yes_no", "listen: maybe"), "a.yaml")
    write(tmp_path, GOOD_STEP.replace("say: [\"Is it fair?\"]", "say: []"), "b.yaml")
    result = CliRunner().invoke(cli, ["dialogs", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "a.yaml" in result.output and "b.yaml" in result.output


def test_cli_check_passes_on_shipped_dialogs() -> None:
    result = CliRunner().invoke(cli, ["dialogs", "check"])
    assert result.exit_code == 0, result.output

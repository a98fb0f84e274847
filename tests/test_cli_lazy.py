"""Subcommands are imported when named (assistant/cli/lazy.py): the map is complete and `report` imports little."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from assistant.cli import cli
from assistant.cli.lazy import COMMANDS, LazyGroup


def _eager() -> dict[str, set[str]]:
    """Each module's commands, registered eagerly into a bare group (the agreement group first, as before)."""
    found: dict[str, set[str]] = {}
    modules = dict.fromkeys(module for modules in COMMANDS.values() for module in modules)
    for module in modules:
        group = click.Group()
        group.add_command(click.Group("agreement"))
        importlib.import_module(f"assistant.cli.{module}").register(group)
        added = set(group.commands) - ({"agreement"} if module != "agreement_cmds" else set())
        for name in added:
            found.setdefault(name, set()).add(module)
    return found


def test_the_map_names_every_command_each_module_registers() -> None:
    eager = _eager()
    assert set(eager) == set(COMMANDS)
    for name, modules in eager.items():
        assert modules <= set(COMMANDS[name]), name
    assert "review" in click.Group.get_command(_loaded("agreement"), click.Context(cli), "agreement").commands


def _loaded(*names: str) -> LazyGroup:
    group = LazyGroup(name="assistant")
    for name in names:
        group.load(name)
    return group


def test_agreement_review_is_there_whichever_command_was_loaded_first() -> None:
    group = _loaded("appreciation", "agreement")  # activity_cmds imported before agreement_cmds
    agreement = group.commands["agreement"]
    assert isinstance(agreement, click.Group)
    assert "review" in agreement.commands


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)


def test_report_imports_only_its_own_command_module(tmp_path: Path) -> None:
    probe = ("import json, sys\nfrom assistant.cli import main\nsys.argv = ['assistant', '--data-dir', sys.argv[1], "
             "'report', '--today', '2026-01-05']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith('assistant.cli.'))), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "data")], capture_output=True, text=True,
                          check=True, env={"ASSISTANT_CONFIG": str(tmp_path / "none.toml"), "PATH": "/usr/bin"})
    assert "How you two are doing" in done.stdout
    imported = json.loads(done.stderr.strip().splitlines()[-1])
    assert "assistant.cli.report_cmds" in imported
    assert not {"assistant.cli.run_cmds", "assistant.cli.dialog_cmds", "assistant.cli.speech_cmds"} & set(imported)

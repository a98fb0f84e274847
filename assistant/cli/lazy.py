"""Subcommands imported when named: `assistant report` imports the report's module, not all eleven.

Click's documented pattern for lazily loaded subcommands (`get_command`/`list_commands` of a `Group`), over
`GlobalOptionsGroup`. `--help` lists every command, so it imports them all, as before.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

import click

from assistant.cli.global_options import GlobalOptionsGroup

_LOGGER = logging.getLogger(__name__)
_PACKAGE = "assistant.cli"

COMMANDS: dict[str, tuple[str, ...]] = {
    "listen": ("speech_cmds",), "models": ("speech_cmds",),
    "export": ("store_cmds",), "forget": ("store_cmds",),
    "report": ("report_cmds",),
    "checkin": ("dialog_cmds",), "demo": ("dialog_cmds",), "dialogs": ("dialog_cmds",), "simulate": ("dialog_cmds",),
    "devices": ("audio_cmds",), "say": ("audio_cmds",),
    "run": ("run_cmds",),
    "recordings": ("recording_cmds",),
    "agreement": ("agreement_cmds", "activity_cmds"),  # activity_cmds adds `agreement review`
    "timeout": ("timeout_cmds",),
    "reopen-checkins": ("safety_cmds",), "resources": ("safety_cmds",),
    "appreciation": ("activity_cmds",), "commitments": ("activity_cmds",), "setup": ("activity_cmds",),
}
"""Each command -> the modules (in `assistant.cli`) whose `register(group)` completes it, in that order."""


class LazyGroup(GlobalOptionsGroup):
    """The `assistant` group: a command's modules are imported and registered the first time it is named."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ready: set[str] = set()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self._ready:
            self.load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def load(self, cmd_name: str) -> None:
        """Import and register the modules of `cmd_name` (registering again is harmless: same objects)."""
        for module in COMMANDS[cmd_name]:
            importlib.import_module(f"{_PACKAGE}.{module}").register(self)
        self._ready.add(cmd_name)

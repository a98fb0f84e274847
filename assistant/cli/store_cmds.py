"""`assistant export FILE`, `assistant forget [--yes]`; opening the store and writing outputs for read commands."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli import AppContext, pass_app

if TYPE_CHECKING:  # the store is imported by the commands: `--help` stays light
    from assistant.store import Store

_LOGGER = logging.getLogger(__name__)


def _directory(app: AppContext) -> Path:
    from assistant import paths  # platformdirs: not needed for `--help`

    return paths.data_dir(app.settings.data_dir)


def _open(app: AppContext, read_only: bool = False) -> Store:
    """Open the store; `read_only` for commands that only read: they also work on a full or read-only disk."""
    from assistant.store import Store, StoreError

    try:
        opener = Store.open_for_reading if read_only else Store.open
        store = opener(_directory(app), keep_transcripts=app.settings.dialog.keep_transcripts)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    for notice in store.notices:
        click.echo(notice, err=True)
    return store


def write_output(file: Path, data: bytes) -> None:
    """Replace FILE atomically, 0600; never a device, link or folder (refused in one line)."""
    from assistant.store.journal import atomic_write
    from assistant.store.private import check_output

    path = file.expanduser()
    try:
        check_output(path)
        atomic_write(path, data)
    except OSError as exc:
        raise click.ClickException(f"Could not write {file}: {exc.strerror or exc}") from None


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@pass_app
def export_cmd(app: AppContext, file: Path) -> None:
    """Write everything stored to FILE as one JSON document ('-' for standard output)."""
    with _open(app, read_only=True) as store:
        document = store.export()
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if str(file) == "-":
        click.echo(text, nl=False)
        return
    write_output(file, text.encode("utf-8"))
    click.echo(f"Wrote {len(document['records'])} records to {file}. It holds everything you have shared, "
               "so keep it somewhere private.")


@click.command("forget")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@pass_app
def forget_cmd(app: AppContext, yes: bool) -> None:
    """Delete everything the assistant has stored (history, agreement, backups). Cannot be undone."""
    from assistant.store import StoreError, forget_directory
    from assistant.store.forget import store_files

    directory = _directory(app)
    if not store_files(directory):
        click.echo(f"Nothing is stored in {directory}.")
        return
    if not yes and not click.confirm(f"This permanently deletes everything the assistant has stored in "
                                     f"{directory}: check-ins, commitments, time outs, appreciations, the "
                                     "agreement and all backups. Continue?"):
        click.echo("Nothing was deleted; everything is kept as it was.")
        return
    try:
        removed = forget_directory(directory)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Done: everything is deleted ({removed} files). The assistant will start fresh next time.")


def register(group: click.Group) -> None:
    """Add this module's commands to the `assistant` group."""
    for command in (export_cmd, forget_cmd):
        group.add_command(command)

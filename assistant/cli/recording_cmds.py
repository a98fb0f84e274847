"""`assistant recordings on|off`: both partners' say on keeping their own recordings of commitments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from assistant.cli import AppContext, pass_app

if TYPE_CHECKING:
    from assistant.dialog.library import DialogLibrary


@click.group("recordings")
def recordings_group() -> None:
    """Your own recordings of commitments the recogniser could not word (kept only if you both agree)."""


def _library() -> DialogLibrary:
    from assistant.dialog.library import DialogLibrary

    return DialogLibrary.load().for_typing()


@recordings_group.command("on")
@pass_app
def on_cmd(app: AppContext) -> None:
    """Ask each of you by name; recordings are kept only when both say yes."""
    from assistant import paths
    from assistant.cli.store_cmds import _open
    from assistant.clock import RealClock
    from assistant.store.records import RecordingConsent

    library = _library()
    click.echo(library.render("recordings.explain", data_dir=str(paths.data_dir(app.settings.data_dir))).text)
    agreed = True
    for partner in app.settings.partners:
        try:
            answer = click.prompt(library.render("recordings.ask_partner", partner=partner).text, default="",
                                  show_default=False)
        except click.Abort:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            agreed = False
            break
    with _open(app) as store:
        store.append(RecordingConsent(at=RealClock().now().isoformat(), partners=app.settings.partners,
                                      agreed=agreed))
    click.echo(library.render("recordings.agreed" if agreed else "recordings.declined").text)


@recordings_group.command("off")
@pass_app
def off_cmd(app: AppContext) -> None:
    """Turn recordings off (one of you is enough) and erase those kept."""
    from assistant import paths
    from assistant.cli.store_cmds import _open
    from assistant.clock import RealClock
    from assistant.recordings import CommitmentRecordings
    from assistant.store.records import RecordingConsent

    with _open(app) as store:
        store.append(RecordingConsent(at=RealClock().now().isoformat(), partners=app.settings.partners,
                                      agreed=False))
    erased = CommitmentRecordings(paths.data_dir(app.settings.data_dir)).erase()
    click.echo(_library().render("recordings.turned_off", count=erased).text)


def register(group: click.Group) -> None:
    """Add `recordings` to the `assistant` group."""
    group.add_command(recordings_group)

"""`assistant appreciation`, `assistant agreement review` (added to the agreement group) and
`assistant commitments`: start an activity now, or read back what you committed to."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from assistant.cli import AppContext, pass_app

if TYPE_CHECKING:
    from assistant.live import LivePipeline


def consent_given(app: AppContext, live: LivePipeline) -> bool:
    """The first-run gate for anything that records: the partners' names first (the setup, while the settings
    file names nobody), then both partners agree once (assistant.consent)."""
    from assistant import paths
    from assistant.consent import ensure_consent

    if not named(app, live):
        return False
    return ensure_consent(live.store, live.library, live.clock, app.settings.partners,
                          paths.data_dir(app.settings.data_dir), live.conversation.say, live.conversation.hear,
                          country=app.settings.safety.country).agreed


def setup(app: AppContext, live: LivePipeline) -> bool:
    """Run the first-run setup in this pipeline; the new settings apply at once. False: stopped."""
    from assistant import paths
    from assistant.activities.timeout import TimeOutFlow
    from assistant.first_run import run_setup

    result = run_setup(live.conversation, live.library, app.config_path or paths.config_file(), app.settings)
    if result.settings is None:
        return False
    app.settings = live.settings = result.settings
    live.conversation.time_out = TimeOutFlow(result.settings, live.library, live.store)
    return True


def named(app: AppContext, live: LivePipeline) -> bool:
    """On a first run (the settings file names no partners) the setup runs before anything is recorded, so the
    couple are never silently the defaults. True: named (now or before); False: the setup stopped for safety."""
    from assistant import paths
    from assistant.first_run import needs_setup

    if not needs_setup(app.config_path or paths.config_file()):
        return True
    return setup(app, live)


@click.command("setup")
@pass_app
def setup_cmd(app: AppContext) -> None:
    """Your names, the appreciation time and the check-in day (spoken, or typed with --io text)."""
    from assistant.live import live_pipeline

    with live_pipeline(app.settings, app.io) as live:
        if setup(app, live):
            click.echo(f"Saved. Hello, {app.settings.partners[0]} and {app.settings.partners[1]}.")


def run_activity(app: AppContext, name: str) -> str | None:
    """Run activity `name` now on the microphone and speaker (or --io text), after the first-run consent;
    returns its final state (None when consent was not given)."""
    from assistant.activities.registry import SessionContext
    from assistant.audio.devices import AudioDeviceError
    from assistant.live import live_pipeline
    from assistant.schedule.rules import local_zone
    from assistant.sessions import new_session, run_session

    try:
        with live_pipeline(app.settings, app.io) as live:
            if not consent_given(app, live):
                click.echo("Nothing was recorded: both partners' agreement comes first.")
                return None
            context = SessionContext(live.store, live.library, app.settings, live.clock,
                                     local_zone(app.settings.schedule.timezone))
            return run_session(live.conversation, new_session(name, context))
    except AudioDeviceError as exc:
        raise click.ClickException(f"{exc}\nTry --io text to type instead of speaking.") from exc


@click.command("appreciation")
@pass_app
def appreciation_cmd(app: AppContext) -> None:
    """Start today's appreciation now (each of you names one thing the other did)."""
    final = run_activity(app, "appreciation")
    if final is not None:
        click.echo(f"Appreciation {final}.")


@click.command("commitments")
@pass_app
def commitments_cmd(app: AppContext) -> None:
    """What you committed to at your last check-in (only words you confirmed are shown)."""
    from assistant.cli.store_cmds import _open
    from assistant.dialog.library import DialogLibrary
    from assistant.readback import commitment_lines

    library = DialogLibrary.load()
    with _open(app, read_only=True) as store:
        for line in commitment_lines(library, store):
            click.echo(line.text)


@click.command("review")
@pass_app
def review_cmd(app: AppContext) -> None:
    """The monthly agreement review, now: each item read aloud; a change needs both partners' yes."""
    final = run_activity(app, "agreement_review")
    if final is not None:
        click.echo(f"Agreement review {final}.")


def register(group: click.Group) -> None:
    """Add `appreciation` and `commitments`, and `review` to the `agreement` group."""
    group.add_command(appreciation_cmd)
    group.add_command(commitments_cmd)
    group.add_command(setup_cmd)
    agreement = group.commands.get("agreement")
    if isinstance(agreement, click.Group):
        agreement.add_command(review_cmd)

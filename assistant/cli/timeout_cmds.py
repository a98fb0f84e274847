"""`assistant timeout`: start a time out now (breathe, cool off, come back), on the speaker or --io text."""

from __future__ import annotations

import click

from assistant.cli import AppContext, pass_app


@click.command("timeout")
@click.option("--virtual-clock", is_flag=True, hidden=True,
              help="Run the cool-off on a virtual clock (tests and demos: 20 minutes pass at once).")
@pass_app
def timeout_cmd(app: AppContext, virtual_clock: bool) -> None:
    """Start a time out immediately: a calm pause, guided breathing, a cool-off and a check-back."""
    from assistant.activities.timeout import TimeOutFlow
    from assistant.audio.devices import AudioDeviceError
    from assistant.cli.activity_cmds import consent_given
    from assistant.clock import VirtualClock
    from assistant.live import live_pipeline
    from assistant.sessions import paused_session

    try:
        with live_pipeline(app.settings, app.io, clock=VirtualClock() if virtual_clock else None) as live:
            if not consent_given(app, live):  # a time out is recorded; first time here, both must agree
                click.echo("Nothing was recorded. You can still step away, breathe slowly, and come back within "
                           "a day.")
                return
            paused = paused_session(live.store, "checkin")
            flow = TimeOutFlow(app.settings, live.library, live.store)
            result = flow.run(live.conversation, "checkin" if paused else "", paused.step if paused else "")
    except AudioDeviceError as exc:
        raise click.ClickException(f"{exc}\nTry --io text to type instead of speaking.") from exc
    click.echo(f"Time out ended: {result.outcome}.")


def register(group: click.Group) -> None:
    """Add this module's commands to the `assistant` group."""
    group.add_command(timeout_cmd)

"""Commands for dialogs and conversations: dialogs check, simulate, demo, checkin."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli import AppContext, pass_app


@click.group("dialogs")
def dialogs_group() -> None:
    """Dialog scripts in dialogs/."""


@dialogs_group.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def dialogs_check(path: Path | None) -> None:
    """Validate dialog files (default: all of dialogs/); every problem with file, step and field."""
    from assistant import paths
    from assistant.dialog.library import check

    target = path or paths.dialogs_dir()
    problems = check(target)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{target}: OK")


@click.command("simulate")
@click.argument("scenario_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where transcript.jsonl, assistant.wav, partners.wav and the store go.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Use this store instead of OUT/store (e.g. to simulate several weeks).")
@click.option("--quiet", is_flag=True, help="Do not print the conversation.")
@click.option("--engine", type=click.Choice(["auto", "vosk", "pocketsphinx", "wyoming"]),
              help="Speech-to-text engine for this run (default: the settings').")
@pass_app
def simulate_cmd(app: AppContext, scenario_path: Path, out_dir: Path, store_dir: Path | None, quiet: bool,
                 engine: str | None) -> None:
    """Run a scenario headless through the real speech engines."""
    _run_scenario(app, scenario_path, out_dir, store_dir, echo=not quiet, engine=engine)


@click.command("demo")
@click.option("--out", "out_dir", default="demo-output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@pass_app
def demo_cmd(app: AppContext, out_dir: Path) -> None:
    """A full spoken check-in between two synthetic partners (no microphone needed)."""
    from assistant import paths

    _run_scenario(app, paths.dialogs_dir() / "scenarios" / "demo.yaml", out_dir, None, echo=True)
    click.echo(f"\nListen to it: {out_dir / 'assistant.wav'} (assistant) and {out_dir / 'partners.wav'} "
               f"(partners); read it: {out_dir / 'transcript.jsonl'}.")


@click.command("checkin")
@click.option("--resume", is_flag=True, help="Continue the paused check-in at its exact step.")
@click.option("--after-safety", is_flag=True,
              help="You both ask to continue today, after a safety message was given earlier.")
@pass_app
def checkin_cmd(app: AppContext, resume: bool, after_safety: bool) -> None:
    """Start (or resume) the weekly check-in now, on the microphone and speaker (or --io text)."""
    from assistant.audio.devices import AudioDeviceError
    from assistant.cli.activity_cmds import consent_given
    from assistant.live import live_pipeline
    from assistant.sessions import new_checkin, run_session

    try:
        with live_pipeline(app.settings, app.io) as live:
            if not consent_given(app, live):
                click.echo("No check-in without both partners' agreement; nothing was recorded.")
                return
            session = new_checkin(live.store, live.library, app.settings, live.clock, resume=resume,
                                  after_safety=after_safety)
            if resume and session.resume_at is None:
                click.echo(live.library.render("common.nothing_to_resume").text)
                return
            from assistant import paths
            from assistant.recordings import wire_recordings

            wire_recordings(live.conversation, session.activity, paths.data_dir(app.settings.data_dir), live.store,
                            app.settings.partners)
            final = run_session(live.conversation, session)
    except AudioDeviceError as exc:
        raise click.ClickException(f"{exc}\nTry --io text to type instead of speaking.") from exc
    click.echo(f"Check-in {final}.")


def _run_scenario(app: AppContext, scenario_path: Path, out_dir: Path, store_dir: Path | None, echo: bool,
                  engine: str | None = None) -> None:
    from assistant.conversation import STALLED
    from assistant.simulate.runner import simulate
    from assistant.simulate.scenario import ScenarioError, load_scenario
    from assistant.stt.models import ModelError

    if engine == "wyoming" and not app.settings.speech.uri:  # before the runner opens its outputs
        raise click.ClickException('--engine wyoming needs [speech] uri = "tcp://host:port" in the settings file')
    try:
        scenario = load_scenario(scenario_path)
        result = simulate(scenario, out_dir, app.settings, base_dir=scenario_path.parent, store_dir=store_dir,
                          echo=echo, engine=engine)
    except (ScenarioError, ModelError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Scenario ended: {result.final_state}. Output in {out_dir}/")
    if result.final_state == STALLED:
        raise click.ClickException(f"the scenario used its budget of {scenario.max_turns} turns without ending "
                                   "(stalled); the session was paused where it stood")
    if result.unused_turns:
        raise click.ClickException(f"{result.unused_turns} scenario turn(s) were never used "
                                   f"(the conversation ended in state {result.final_state!r} first)")


def register(group: click.Group) -> None:
    group.add_command(dialogs_group)
    group.add_command(simulate_cmd)
    group.add_command(demo_cmd)
    group.add_command(checkin_cmd)

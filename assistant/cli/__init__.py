"""The `assistant` command: one click group; each family of subcommands lives in its own module."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.lazy import LazyGroup

if TYPE_CHECKING:
    from assistant.config import Settings

@dataclass
class AppContext:
    """What every subcommand receives."""

    settings: Settings
    io: str
    """"audio" (microphone and speaker) or "text" (typed input, printed output)."""
    config_path: Path | None = None
    """--config, when given (first-run setup writes there; default: the user's settings file)."""


pass_app = click.make_pass_decorator(AppContext)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Settings TOML file.")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Where the private store lives.")
@click.option("--engine", type=click.Choice(["auto", "vosk", "pocketsphinx", "wyoming"]), help="Speech-to-text engine.")
@click.option("--voice-engine", type=click.Choice(["pyttsx3", "wyoming"]), help="Text-to-speech engine.")
@click.option("--model", "model_path", type=click.Path(), help="Path of a vosk model directory.")
@click.option("--io", "io_mode", type=click.Choice(["audio", "text"]), default="audio", show_default=True,
              help="text: typed input and printed output, for accessibility and debugging.")
@click.option("-v", "--verbose", is_flag=True, help="Log diagnostics (never conversation content).")
@click.version_option(package_name="couples-companion")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, data_dir: str | None, engine: str | None,
        voice_engine: str | None, model_path: str | None, io_mode: str, verbose: bool) -> None:
    """Offline voice companion for couples rebuilding trust.

    The options below may also follow the subcommand: `assistant checkin --io text`.
    """
    from assistant.config import ConfigError, load_settings  # msgspec, tomllib: not needed for `--help`

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    overrides: dict[str, object] = {}
    if data_dir:
        overrides["data_dir"] = data_dir
    if engine:
        overrides["speech.engine"] = engine
    if voice_engine:
        overrides["voice.engine"] = voice_engine
    if model_path:
        overrides["speech.model_path"] = model_path
    try:
        settings = load_settings(config_path, overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    ctx.obj = AppContext(settings=settings, io=io_mode, config_path=config_path)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="assistant")
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last guard: one line + a private log, never a traceback
        from assistant.cli.crash import report_crash
        from assistant.paths import data_dir

        sys.exit(report_crash(exc, data_dir(_data_dir_option(sys.argv))))


def _data_dir_option(argv: list[str]) -> str | None:
    """--data-dir from the command line (the settings may be what failed)."""
    for index, arg in enumerate(argv):
        if arg == "--data-dir" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--data-dir="):
            return arg.split("=", 1)[1]
    return None

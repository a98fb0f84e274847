"""Speech subcommands: `listen` and `models` (speech-to-text), `say` and `devices` (added by their owner)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli import AppContext, pass_app

if TYPE_CHECKING:  # numpy, yaml: imported by the commands that use them, so `--help` stays light
    from assistant.intents import IntentMatcher
    from assistant.stt.base import Utterance


def _utterance_json(utterance: Utterance, matcher: IntentMatcher) -> str:
    return json.dumps({"text": utterance.text, "intent": matcher.match(utterance.text),
                       "confidence": utterance.confidence, "start": utterance.start, "end": utterance.end},
                      ensure_ascii=False)


@click.command()
@click.option("--wav", "wav_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="WAV file to transcribe (any PCM rate/width/channels).")
@click.option("--engine", type=click.Choice(["auto", "vosk", "pocketsphinx", "wyoming"]), help="Override the engine.")
@click.option("--phrases", help='Comma-separated phrases to restrict recognition to, e.g. "yes,no,time out".')
@pass_app
def listen(app: AppContext, wav_path: Path, engine: str | None, phrases: str | None) -> None:
    """Print one JSON object per utterance heard in a WAV file."""
    from assistant.audio.base import FRAME_BYTES
    from assistant.audio.convert import AudioFormatError, read_wav
    from assistant.intents import IntentError, IntentMatcher
    from assistant.stt.factory import create_recognizer
    from assistant.stt.jsgf import PhraseError
    from assistant.stt.models import ModelError

    try:
        pcm = read_wav(wav_path)
    except AudioFormatError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        matcher = IntentMatcher.load()
        recognizer = create_recognizer(app.settings, engine)
        recognizer.set_phrases([p.strip() for p in phrases.split(",") if p.strip()] if phrases else None)
    except (IntentError, ModelError, PhraseError) as exc:
        raise click.ClickException(str(exc)) from exc
    for offset in range(0, len(pcm), FRAME_BYTES):
        utterance = recognizer.accept(pcm[offset:offset + FRAME_BYTES])
        if utterance is not None:
            click.echo(_utterance_json(utterance, matcher))
    utterance = recognizer.flush()
    if utterance is not None:
        click.echo(_utterance_json(utterance, matcher))


@click.group()
def models() -> None:
    """Speech models: list what is installed, download the vosk model."""


@models.command("list")
@pass_app
def models_list(app: AppContext) -> None:
    """Show the engines and the vosk model that would be used."""
    from assistant.stt.factory import describe_engines

    for line in describe_engines(app.settings):
        click.echo(line)


@models.command("download")
@click.argument("name", required=False)
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path), help="Directory to install into.")
@click.option("--sha256", help="Expected sha256 of the zip (known for the default model).")
def models_download(name: str | None, dest: Path | None, sha256: str | None) -> None:
    """Download, verify and unpack a vosk model (default: the small English one)."""
    from assistant.stt.models import DEFAULT_MODEL, ModelError, download

    try:
        path = download(name or DEFAULT_MODEL, dest=dest, sha256=sha256)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"installed: {path}")


def register(group: click.Group) -> None:
    """Add this module's commands to the `assistant` group."""
    group.add_command(listen)
    group.add_command(models)

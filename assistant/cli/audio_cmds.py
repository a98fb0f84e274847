"""`assistant say` and `assistant devices`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli import AppContext, pass_app

if TYPE_CHECKING:  # numpy, sounddevice, settings: imported by the commands, so `--help` stays light
    from assistant.audio.sinks import SpeakerSink

_LOGGER = logging.getLogger(__name__)


@click.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the speech to this WAV file (16 kHz mono) instead of playing it.")
@pass_app
def say(app: AppContext, text: tuple[str, ...], out_path: Path | None) -> None:
    """Speak TEXT with the configured voice through the configured speaker.

    Without a usable output device (and no --out), or with --io text, the text is printed instead
    with a warning on stderr and the exit code is 0: the words still reach the user. A failing speech
    engine with --out is an error (exit code 1), since no file could be written.
    """
    from assistant.audio.base import Clip
    from assistant.audio.convert import write_wav
    from assistant.audio.devices import AudioDeviceError
    from assistant.audio.sinks import SpeakerSink, TextSink
    from assistant.tts.base import TTSError
    from assistant.tts.factory import create_synthesizer

    line = " ".join(text).strip()
    if not line:
        raise click.UsageError("TEXT is empty.")
    speaker: SpeakerSink | None = None
    if out_path is None:
        if app.io == "text":
            TextSink().play(Clip(b"", line))
            return
        try:
            speaker = SpeakerSink(app.settings.audio.output_device, latency_s=app.settings.audio.output_latency_s)
        except AudioDeviceError as exc:
            click.echo(f"Warning: cannot play speech: {exc}\nPrinting the text instead.", err=True)
            TextSink().play(Clip(b"", line))
            return
    worker = create_synthesizer(app.settings.voice)
    try:
        clip = worker.synthesize(line)
    except TTSError as exc:
        if out_path is not None:
            raise click.ClickException(f"Text-to-speech failed: {exc}") from exc
        click.echo(f"Warning: text-to-speech failed: {exc}\nPrinting the text instead.", err=True)
        TextSink().play(Clip(b"", line))
        return
    finally:
        worker.close()
    if out_path is not None:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        write_wav(out_path, clip.pcm)
        click.echo(f"Wrote {clip.duration:.2f} s of speech to {out_path}")
        return
    assert speaker is not None
    try:
        playback = speaker.play(clip)
        playback.wait()
        if playback.error:
            click.echo(f"Warning: playback failed: {playback.error}", err=True)
            TextSink().play(clip)
    except KeyboardInterrupt:
        playback.stop()
        raise
    finally:
        speaker.close()


@click.command()
@pass_app
def devices(app: AppContext) -> None:
    """List audio input (microphone) and output (speaker) devices, and what configured speech services offer."""
    from assistant.audio.devices import device_problem, list_devices
    from assistant.wyoming_client import service_lines

    for line in service_lines(app.settings):
        click.echo(line)
    inputs, outputs = list_devices()
    problem = device_problem()
    if problem and not inputs and not outputs:
        click.echo(f"No audio devices found: {problem}.")
    for label, found in (("input", inputs), ("output", outputs)):
        if not found:
            click.echo(f"No audio {label} devices found.")
            continue
        click.echo(f"Audio {label} devices:")
        for dev in found:
            click.echo(f"  {dev.describe()}")


def register(group: click.Group) -> None:
    """Add this module's commands to the `assistant` group."""
    group.add_command(say)
    group.add_command(devices)

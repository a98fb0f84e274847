"""How a Conversation speaks: its `say_line`, `play_line` and `play_clip` over a speaker and an audio sink."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypedDict

from assistant.audio.base import AudioSink, Clip, Playback
from assistant.dialog.library import Line


class Speaker(Protocol):
    """What the loop needs of a speaker (assistant.tts.worker.FallbackSpeaker)."""

    def say(self, text: str, dialog_id: str = "") -> Playback: ...


class VoiceHooks(TypedDict):
    say_line: Callable[[Line], None]
    play_line: Callable[[Line], Playback]
    play_clip: Callable[[Clip], float]


def voice_hooks(speaker: Speaker, sink: AudioSink) -> VoiceHooks:
    """`say_line`, `play_line` and `play_clip` for a Conversation speaking through `speaker` into `sink`."""

    def play_clip(clip: Clip) -> float:
        playback = sink.play(clip)
        playback.wait()
        return playback.played_seconds

    def say_line(line: Line) -> None:
        speaker.say(line.text, line.dialog_id).wait()

    return {"say_line": say_line, "play_line": lambda line: speaker.say(line.text, line.dialog_id),
            "play_clip": play_clip}

"""The live pipeline on this machine: microphone and speaker (or typed text), the store, the engines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from assistant import paths, pipeline
from assistant.audio.sinks import SpeakerSink
from assistant.clock import Clock, RealClock
from assistant.config import Settings
from assistant.conversation import Conversation, voice_hooks
from assistant.dialog.library import DialogLibrary, Line
from assistant.store.store import Store


class Closable(Protocol):
    def close(self) -> None: ...


@dataclass
class LivePipeline:
    """Everything a live activity needs; `conversation` is ready to run a session."""

    settings: Settings
    clock: Clock
    library: DialogLibrary
    store: Store
    conversation: Conversation


@contextmanager
def live_pipeline(settings: Settings, io: str = "audio", clock: Clock | None = None) -> Iterator[LivePipeline]:
    """Open devices (or typed text), engines and the store; close them all on exit."""
    clock = clock or RealClock()
    library = DialogLibrary.load()
    store = Store.open(paths.data_dir(settings.data_dir), keep_transcripts=settings.dialog.keep_transcripts)
    closers: list[Closable] = [store]
    try:
        if io == "text":
            from assistant.typed_io import TypedListener

            conversation = pipeline.conversation(TypedListener(clock), _print, clock, settings, library, store)
        else:
            conversation = _audio_conversation(settings, clock, library, store, closers)
        yield LivePipeline(settings, clock, library, store, conversation)
    finally:
        for closer in reversed(closers):
            closer.close()


def _audio_conversation(settings: Settings, clock: Clock, library: DialogLibrary, store: Store,
                        closers: list[Closable]) -> Conversation:
    """Microphone -> front end -> recogniser, and TTS -> speaker whose played samples feed the front end's
    echo canceller (full duplex when it is on); the terminal shows what is said, heard and the level."""
    from assistant.audio.microphone import MicrophoneSource
    from assistant.display import Display
    from assistant.listener import Listener
    from assistant.tts.factory import fallback_speaker

    display = Display(keep_transcripts=settings.dialog.keep_transcripts)
    source = MicrophoneSource(settings.audio.input_device)
    closers.append(source)
    source.on_level = display.listening
    hearer: list[Listener] = []
    front = pipeline.front_end(settings, pipeline.capture_clock(lambda: hearer[0] if hearer else None, clock))
    sink = SpeakerSink(settings.audio.output_device, on_played=front.played)
    speaker = fallback_speaker(settings.voice, sink, library)
    closers.append(speaker)
    hearer.append(pipeline.listener(source, settings, clock, front=front))
    return pipeline.conversation(hearer[0], clock=clock, settings=settings, library=library, store=store,
                                 display=display, **voice_hooks(speaker, sink))


def _print(line: Line) -> None:
    print(f"assistant: {line.text}", flush=True)

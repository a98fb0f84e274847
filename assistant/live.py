"""The live pipeline on this machine: microphone and speaker (or typed text), the store, the engines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from assistant.stt.base import Recognizer


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
def live_pipeline(settings: Settings, io: str = "audio", clock: Clock | None = None,
                  recognizer: Callable[[], Recognizer] | None = None) -> Iterator[LivePipeline]:
    """Open devices (or typed text), engines and the store; close them all on exit. `recognizer`: where the
    speech engine comes from (`assistant run` keeps one across device retries); default: a new one."""
    clock = clock or RealClock()
    library = DialogLibrary.load()
    if io == "text":
        library.for_typing()  # "type resume check in", not "say"
    store = Store.open(paths.data_dir(settings.data_dir), keep_transcripts=settings.dialog.keep_transcripts)
    closers: list[Closable] = [store]
    try:
        if io == "text":
            from assistant.typed_io import TypedListener

            conversation = pipeline.conversation(TypedListener(clock), _print, clock, settings, library, store)
        else:
            from assistant.audio.microphone import MicrophoneSource
            from assistant.tts.factory import fallback_speaker

            source = MicrophoneSource(settings.audio.input_device)
            closers.append(source)
            sink = SpeakerSink(settings.audio.output_device)
            speaker = fallback_speaker(settings.voice, sink, library)
            closers.append(speaker)
            hearing = pipeline.listener(source, settings, clock, recognizer=recognizer() if recognizer else None)
            conversation = pipeline.conversation(hearing, clock=clock,
                                                 settings=settings, library=library, store=store,
                                                 **voice_hooks(speaker, sink))
        yield LivePipeline(settings, clock, library, store, conversation)
    finally:
        for closer in reversed(closers):
            closer.close()


def _print(line: Line) -> None:
    print(f"assistant: {line.text}", flush=True)

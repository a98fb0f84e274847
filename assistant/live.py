"""The live pipeline on this machine: microphone and speaker (or typed text), the store, the engines."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant import paths, pipeline
from assistant.audio.sinks import SpeakerSink
from assistant.clock import Clock, RealClock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.dialog.library import DialogLibrary, Line
from assistant.store.store import Store
from assistant.stt.base import Recognizer
from assistant.voice_hooks import voice_hooks

if TYPE_CHECKING:
    from assistant.audio.microphone import MicrophoneSource
    from assistant.frontend import FrontEnd
    from assistant.listener import Listener


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
            conversation = _audio_conversation(settings, clock, library, store, closers,
                                               recognizer() if recognizer else None)
        yield LivePipeline(settings, clock, library, store, conversation)
    finally:
        for closer in reversed(closers):
            closer.close()


@dataclass
class AudioEnds:
    """The live hearing and voice: microphone -> front end -> recogniser, and the speaker whose played samples
    feed the front end's echo canceller."""

    source: MicrophoneSource
    front: FrontEnd
    sink: SpeakerSink
    listener: Listener


def open_audio(settings: Settings, clock: Clock, closers: list[Closable],
               recognizer: Recognizer | None = None) -> AudioEnds:
    """Open the configured microphone and speaker and wire them through the process's one front end (full
    duplex when it cancels echo); what was opened is appended to `closers`. `recognizer`: default a new one."""
    from assistant.audio.microphone import MicrophoneSource

    source = MicrophoneSource(settings.audio.input_device)
    closers.append(source)
    hearer: list[Listener] = []
    front = pipeline.front_end(settings, pipeline.capture_clock(lambda: hearer[0] if hearer else None, clock))
    # Opening the output device keeps a core busy for 0.1-1.5 s (PortAudio probing the sound server): it runs
    # beside the recogniser's model load instead of before it (scripts/bench --only coldstart).
    with ThreadPoolExecutor(1, thread_name_prefix="open-speaker") as pool:
        opening = pool.submit(SpeakerSink, settings.audio.output_device, on_played=front.played,
                              latency_s=settings.audio.output_latency_s)
        try:
            hearer.append(pipeline.listener(source, settings, clock, recognizer=recognizer, front=front))
        except BaseException:
            with contextlib.suppress(Exception):
                opening.result().close()
            raise
        sink = opening.result()
    closers.append(sink)
    return AudioEnds(source, front, sink, hearer[0])


def _audio_conversation(settings: Settings, clock: Clock, library: DialogLibrary, store: Store,
                        closers: list[Closable], recognizer: Recognizer | None) -> Conversation:
    """The audio ends, TTS into the speaker, and the terminal showing what is said, heard and the level."""
    from assistant.display import Display
    from assistant.tts.factory import fallback_speaker

    ends = open_audio(settings, clock, closers, recognizer)
    display = Display(keep_transcripts=settings.dialog.keep_transcripts)
    ends.source.on_level = display.listening
    speaker = fallback_speaker(settings.voice, ends.sink, library)
    closers.append(speaker)
    return pipeline.conversation(ends.listener, clock=clock, settings=settings, library=library, store=store,
                                 display=display, **voice_hooks(speaker, ends.sink))


def _print(line: Line) -> None:
    print(f"assistant: {line.text}", flush=True)

"""The live pipeline on this machine: microphone and speaker (or typed text), the store, the engines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from assistant import paths
from assistant.audio.sinks import SpeakerSink
from assistant.clock import Clock, RealClock
from assistant.config import Settings
from assistant.conversation import Conversation, voice_hooks
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.store.store import Store
from assistant.timeout.activity import TimeOutFlow


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
    interpreter = Interpreter(IntentMatcher.load(), settings.speech.min_confidence)
    store = Store.open(paths.data_dir(settings.data_dir), keep_transcripts=settings.dialog.keep_transcripts)
    closers: list[object] = [store]
    try:
        if io == "text":
            from assistant.typed_io import TypedListener

            listener: object = TypedListener(clock)
            say_line = _print
            extras: dict[str, object] = {}
        else:
            from assistant.audio.microphone import MicrophoneSource
            from assistant.listener import Listener
            from assistant.stt.factory import create_recognizer
            from assistant.timeout.bargein import BargeInWatcher
            from assistant.tts.factory import create_synthesizer
            from assistant.tts.worker import FallbackSpeaker

            source = MicrophoneSource(settings.audio.input_device)
            closers.append(source)
            mic_listener = Listener(source, create_recognizer(settings), clock,
                                    silence_timeout_s=settings.speech.silence_timeout_s)
            listener = mic_listener
            sink = SpeakerSink(settings.audio.output_device)
            speaker = FallbackSpeaker(create_synthesizer(settings.voice), sink)
            closers.append(speaker)
            hooks = voice_hooks(speaker, sink)
            say_line = hooks.pop("say_line")
            extras = {**hooks, "barge_in": BargeInWatcher(mic_listener, interpreter.matcher)}
        conversation = Conversation(listener, interpreter, say_line, clock, **extras)  # type: ignore[arg-type]
        conversation.time_out = TimeOutFlow(settings, library, store)
        yield LivePipeline(settings, clock, library, store, conversation)
    finally:
        for closer in reversed(closers):
            closer.close()  # type: ignore[attr-defined]


def _print(line: Line) -> None:
    print(f"assistant: {line.text}", flush=True)

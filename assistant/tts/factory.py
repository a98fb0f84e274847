"""Voice engine selection: the pyttsx3 worker, or a Wyoming service with the worker behind it."""

from __future__ import annotations

from assistant.config import VoiceSettings
from assistant.tts.base import Synthesizer
from assistant.tts.worker import SpeechWorker


def create_synthesizer(settings: VoiceSettings, engine: str | None = None) -> Synthesizer:
    """`engine` (default: the configured one): "pyttsx3" or "wyoming" (needs `settings.uri`)."""
    choice = engine or settings.engine
    if choice == "pyttsx3":
        return SpeechWorker(settings)
    if choice != "wyoming" or not settings.uri:
        raise ValueError(f'voice engine {choice!r} needs [voice] uri = "tcp://host:port"'
                         if choice == "wyoming" else f"unknown voice engine {choice!r}; use pyttsx3 or wyoming")
    from assistant.tts.wyoming_engine import FallbackSynthesizer, WyomingSynthesizer
    from assistant.wyoming_client import Reprobe

    return FallbackSynthesizer(WyomingSynthesizer(settings.uri, settings.tts_timeout_s),
                               lambda: SpeechWorker(settings), Reprobe(settings.uri, settings.tts_timeout_s))

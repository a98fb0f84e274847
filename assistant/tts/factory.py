"""One place that builds the voice every entry point uses: the pyttsx3 worker (disk cache, warmed), or a
Wyoming service with that worker behind it."""

from __future__ import annotations

from pathlib import Path

from assistant.audio.base import AudioSink
from assistant.config import VoiceSettings
from assistant.tts.base import Synthesizer
from assistant.tts.cache import DiskClipCache
from assistant.tts.cache_policy import CachePolicy
from assistant.tts.speaker import FallbackSpeaker
from assistant.tts.worker import SpeechWorker


def speech_worker(settings: VoiceSettings, library: object | None = None, cache_dir: Path | None = None,
                  prerender: bool = True) -> SpeechWorker:
    """A SpeechWorker with the disk cache for `library`'s cacheable lines; its child starts now in the
    background, then (with `prerender`) the library's fixed lines are rendered into the cache."""
    policy = CachePolicy.from_library(library) if library is not None else None
    worker = SpeechWorker(settings, disk_cache=DiskClipCache(cache_dir) if policy else None,
                          may_cache=policy.may_cache if policy else None)
    worker.warm(policy.fixed_lines() if policy and prerender else ())
    return worker


def create_synthesizer(settings: VoiceSettings, engine: str | None = None, library: object | None = None,
                       cache_dir: Path | None = None, prerender: bool = True) -> Synthesizer:
    """`engine` (default: the configured one): "pyttsx3" (the local worker) or "wyoming" (needs
    `settings.uri`; the local worker takes over while the service is away)."""
    choice = engine or settings.engine

    def local() -> SpeechWorker:
        return speech_worker(settings, library, cache_dir, prerender)

    if choice == "pyttsx3":
        return local()
    if choice != "wyoming" or not settings.uri:
        raise ValueError(f'voice engine {choice!r} needs [voice] uri = "tcp://host:port"'
                         if choice == "wyoming" else f"unknown voice engine {choice!r}; use pyttsx3 or wyoming")
    from assistant.tts.wyoming_engine import FallbackSynthesizer, WyomingSynthesizer
    from assistant.wyoming_client import Reprobe

    return FallbackSynthesizer(WyomingSynthesizer(settings.uri, settings.tts_timeout_s), local,
                               Reprobe(settings.uri, settings.tts_timeout_s))


def fallback_speaker(settings: VoiceSettings, sink: AudioSink, library: object | None = None,
                     cache_dir: Path | None = None) -> FallbackSpeaker:
    """The speaker `live_pipeline` builds: the configured voice, printing instead when it fails."""
    return FallbackSpeaker(create_synthesizer(settings, library=library, cache_dir=cache_dir), sink)

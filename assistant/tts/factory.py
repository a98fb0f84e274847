"""One place that builds the speaker every entry point uses: worker + cache policy + disk cache, warmed."""

from __future__ import annotations

from pathlib import Path

from assistant.audio.base import AudioSink
from assistant.config import VoiceSettings
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


def fallback_speaker(settings: VoiceSettings, sink: AudioSink, library: object | None = None,
                     cache_dir: Path | None = None) -> FallbackSpeaker:
    """What `live_pipeline` and the simulator should build instead of FallbackSpeaker(SpeechWorker(...))."""
    return FallbackSpeaker(speech_worker(settings, library, cache_dir), sink)

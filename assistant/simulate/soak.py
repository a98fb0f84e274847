"""A soak of the always-on companion: hours of idle listening, scheduled prompts, a check-in and time outs,
accelerated on a VirtualClock through the real audio pipeline (espeak-ng partners -> VAD-gated Listener ->
pocketsphinx), while process resources are sampled every simulated hour.

Used by scripts/bench_soak.py (8 hours) and tests/test_soak.py (1 hour).
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from assistant import pipeline
from assistant.audio.base import SAMPLE_RATE, ListenRequest, Playback
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.schedule.companion import Companion
from assistant.schedule.resilient import keep_running
from assistant.schedule.scheduler import Scheduler
from assistant.simulate.voices import speak, speaking_seconds
from assistant.store.records import Consent, TimeOut
from assistant.store.store import Store
from assistant.stt.base import Recognizer
from assistant.timeout.bargein import DuplexClock
from assistant.voice_hooks import voice_hooks

UTC = timezone.utc
ANSWERS = {"ready": "ready", "yes_no": "yes", "rating": "four", "free": "we talked about it calmly",
           "choice": "keep"}
"""What the partners say for each kind of question (activities and invitations)."""
BACKGROUND = ("could you pass me the salt please", "the game starts at eight tonight",
              "did you call your mother today", "we are out of milk again")
"""Household talk heard while idle: decoded, but no activation phrase."""
SESSION_TURNS = {"boundaries": "time out", "timeout_breathing_offer": "no", "timeout_ready_1": "ready",
                 "timeout_ready_2": "ready"}
"""Step -> what is said the first time it is asked: one time out inside the check-in, then back to it."""


def resources() -> dict[str, int]:
    """Resident memory (kB), threads (Python and kernel tasks) and open file descriptors of this process."""
    rss = 0
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return {"rss_kb": rss, "threads": threading.active_count(), "tasks": len(os.listdir("/proc/self/task")),
            "fds": len(os.listdir("/proc/self/fd"))}


def room_noise(seconds: float, seed: int) -> bytes:
    """Quiet room tone (about -60 dBFS): real samples for the VAD gate, far below speech."""
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 30, int(seconds * SAMPLE_RATE))).astype("<i2").tobytes()


@dataclass
class SoakScript:
    """What happens when (local times): idle phrases (background talk, an idle "time out")."""

    idle_events: list[tuple[datetime, str]]
    answered: set[str] = field(default_factory=set)

    def reply(self, request: ListenRequest, now: datetime) -> str | None:
        if request.kind == "command" and request.step == "idle":
            if self.idle_events and self.idle_events[0][0] <= now:
                return self.idle_events.pop(0)[1]
            return None
        turn = SESSION_TURNS.get(request.step)
        if turn is not None and request.step not in self.answered:
            self.answered.add(request.step)
            return turn
        return ANSWERS.get(request.kind, "ready" if request.step.startswith("invite_") else None)


@dataclass
class SoakResult:
    """Hourly samples and what the companion did."""

    samples: list[dict[str, object]]
    before: dict[str, int]
    after: dict[str, int]
    lines: list[str]
    sessions: list[tuple[str, str]]
    timeouts: int
    wall_s: float
    barge_ins: int = 0
    """Time outs said over a playing line that stopped it (with `voice_dir`)."""
    tts_renders: int = 0
    """Lines that went through the TTS worker into the WAV sink (with `voice_dir`)."""


def default_events(start: datetime, hours: float, idle_time_outs: Sequence[float] = (),
                   background_every_min: float = 20.0) -> list[tuple[datetime, str]]:
    """Background talk every `background_every_min` minutes and a "time out" at each of `idle_time_outs`
    (hours after start)."""
    events = [(start + timedelta(minutes=m), BACKGROUND[i % len(BACKGROUND)])
              for i, m in enumerate(np.arange(7.0, hours * 60, background_every_min))]
    events += [(start + timedelta(hours=h), "time out") for h in idle_time_outs]
    return sorted(events)


class Voice:
    """The assistant's voice as `live_pipeline` builds it (TTS worker with its disk cache, from
    assistant.tts.factory) into a WAV sink that plays on the soak's clock; a partner says "time out" over
    the first `barge_ins` step prompts (the lines the barge-in watcher listens through)."""

    def __init__(self, directory: Path, settings: Settings, library: DialogLibrary, clock: DuplexClock,
                 source: ScriptedSource, barge_ins: int, lines: list[str]) -> None:
        from assistant.audio.sinks import WavFileSink
        from assistant.tts.factory import fallback_speaker

        self.source, self.barge_ins, self.lines = source, barge_ins, lines
        self.watched: Playback | None = None
        self.sink = WavFileSink(directory / "assistant.wav", clock=clock, on_progress=self._progress)
        self.speaker = fallback_speaker(settings.voice, self.sink, library, cache_dir=directory / "tts-cache")
        self.hooks = voice_hooks(self.speaker, self.sink)
        say_line, play_line = self.hooks["say_line"], self.hooks["play_line"]
        self.hooks["say_line"] = lambda line: say_line(self._log(line))
        self.hooks["play_line"] = lambda line: self._watch(play_line(self._log(line)))

    def _log(self, line: Line) -> Line:
        self.lines.append(line.dialog_id)
        return line

    def _watch(self, playback: Playback) -> Playback:
        self.watched = playback
        return playback

    def _progress(self, playback: object, played_s: float) -> None:
        if self.barge_ins and playback is self.watched and played_s >= 0.5:
            self.barge_ins -= 1
            self.source.inject(speak("time out", tail_s=0.6))

    def close(self) -> None:
        self.speaker.close()
        self.sink.close()


def run_soak(store_dir: Path, start: datetime, hours: float, idle_time_outs: Sequence[float] = (),
             settings: Settings | None = None, recognizer: Recognizer | None = None,
             voice_dir: Path | None = None, barge_ins: int = 1) -> SoakResult:
    """Run the companion for `hours` of virtual time from `start` (UTC schedule); sample every hour.

    `recognizer`: reuse one (as `assistant run` keeps one for its lifetime), so what it loads lazily (the
    free-text language model) is loaded by a warm-up run, not counted as growth; default: a new one.
    `voice_dir`: speak through the real TTS worker into a WAV sink there, with `barge_ins` time outs said
    over playing lines; default: lines only advance the clock by their speaking time.
    """
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    gc.collect()
    before = resources()
    began = time.monotonic()
    settings = settings or Settings()
    clock = DuplexClock(VirtualClock(start))
    script = SoakScript(default_events(start, hours, idle_time_outs))
    noise_seed = iter(range(10**9))

    def supply(request: ListenRequest) -> bytes:
        text = script.reply(request, clock.now())
        if text:
            return speak(text, tail_s=0.6)
        return room_noise(5.0 if request.step == "idle" else 3.0, next(noise_seed))

    lines: list[str] = []

    def say_line(line: Line) -> None:
        lines.append(line.dialog_id)
        clock.advance(speaking_seconds(line.text))

    samples: list[dict[str, object]] = []
    end = start + timedelta(hours=hours)
    with Store.open(store_dir, keep_transcripts=settings.dialog.keep_transcripts) as store:
        store.append(Consent(at=clock.now().isoformat(), partners=tuple(settings.partners)))
        source = ScriptedSource(clock=clock, on_begin=supply)
        listener = pipeline.listener(source, settings, clock, recognizer=recognizer or PocketsphinxRecognizer())
        library = DialogLibrary.load(seed=0)
        voice = Voice(voice_dir, settings, library, clock, source, barge_ins, lines) if voice_dir else None
        hooks: dict[str, Any] = dict(voice.hooks) if voice else {"say_line": say_line}
        conversation = pipeline.conversation(listener, clock=clock, settings=settings, library=library, store=store,
                                             **hooks)
        companion = Companion(conversation, library, store, settings, clock,
                              Scheduler.from_settings(store, clock, settings.schedule, UTC),
                              pipeline.activation(), UTC, seed=0)

        def should_stop() -> bool:
            now = clock.now()
            if now >= start + timedelta(hours=len(samples)):
                samples.append({"hour": round((now - start).total_seconds() / 3600, 2),
                                "wall_s": round(time.monotonic() - began, 1), **resources()})
            return now >= end

        try:
            keep_running(companion, should_stop, None)
        finally:
            if voice:
                voice.close()
        timeouts = len(store.query(TimeOut))
        sessions = list(companion.sessions_run)
        barged = len(getattr(conversation.barge_in, "events", ()))
        rendered = len(voice.sink.timeline) if voice else 0
        del companion, listener, conversation, voice
    gc.collect()
    return SoakResult(samples, before, resources(), lines, sessions, timeouts, round(time.monotonic() - began, 1),
                      barged, rendered)


"""Idle listening cost of `assistant run`: CPU % of one core and RSS while the companion idles.

Audio is fed at full speed and the process CPU time is divided by the audio seconds consumed, which is
the CPU share at real-time pace. Two inputs: 60 s of room silence (a quiet noise floor) and 60 s of
background speech with no command in it. Then an 8-hour idle run on a virtual clock (silence, the
scheduler looked at every 5 s as in `assistant run`) checks that RSS does not grow.
`run(results)` adds its numbers to `results`; `main()` prints them as JSON.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from assistant import pipeline
from assistant.audio.convert import write_wav
from assistant.audio.sources import ScriptedSource, WavSource
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.listener import Listener
from assistant.schedule.companion import Companion
from assistant.schedule.scheduler import Scheduler
from assistant.store.store import Store

SECONDS = 60.0
CHATTER = ("I think we should call your mother about dinner on Sunday, and the oven still needs fixing. "
           "Did you see the weather for tomorrow? It might rain in the afternoon, so take a coat.")


GOALS = {"idle.silence_60s.cpu_percent_of_one_core": ("<=", 5)}
"""Goals shown beside this section's figures by scripts/bench."""
def rss_mb() -> float:
    """Current resident set size in MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def noise(seconds: float, dbfs: float = -65.0, seed: int = 0) -> bytes:
    """A quiet room: white noise at `dbfs`."""
    amplitude = 32768 * 10 ** (dbfs / 20)
    samples = np.random.default_rng(seed).normal(0, amplitude, int(seconds * 16000))
    return np.clip(samples, -32768, 32767).astype("<i2").tobytes()


def chatter(seconds: float) -> bytes:
    """Background conversation (espeak-ng) with short pauses, repeated to `seconds`."""
    from assistant.simulate import voices

    piece = voices.speak(CHATTER, voice="en-us", pitch=45) + noise(0.7)
    pcm = piece * (int(seconds * 32000 / len(piece)) + 1)
    return pcm[:int(seconds * 32000)]


def companion(store_dir: Path, audio: bytes) -> tuple[Companion, Listener, VirtualClock]:
    """A companion idling on a scripted source that plays `audio` once."""
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    clock = VirtualClock(datetime(2026, 5, 20, 9, 0, tzinfo=timezone.utc))
    wav = store_dir.with_suffix(".wav")
    write_wav(wav, audio)
    source = WavSource(wav, clock=clock)  # one continuous stream: each listen picks up where the last ended
    settings = Settings()
    listener = pipeline.listener(source, settings, clock, recognizer=PocketsphinxRecognizer())
    store = Store.open(store_dir)
    library = DialogLibrary.load(seed=0)
    conversation = pipeline.conversation(listener, lambda line: None, clock, settings, library, store)
    scheduler = Scheduler.from_settings(store, clock, settings.schedule, "UTC")
    return (Companion(conversation, library, store, settings, clock, scheduler, pipeline.activation(), timezone.utc),
            listener, clock)


def idle_cost(audio: bytes, store_dir: Path) -> dict[str, float]:
    """CPU % of one core and RSS while idling over `audio` (activation phrases listened for)."""
    comp, listener, clock = companion(store_dir, audio)
    comp.idle_once(0.1)  # warm up: grammar built, first search
    comp, listener, clock = companion(store_dir, audio)
    seconds = len(audio) / 32000
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    intents = []
    while clock.monotonic() < seconds - 0.05:
        intents.append(comp.idle_once(seconds))
    cpu = time.process_time() - started_cpu
    return {"cpu_percent_of_one_core": round(100 * cpu / seconds, 2), "audio_s": round(seconds, 1),
            "wall_s": round(time.perf_counter() - started_wall, 2), "frames_decoded": listener.frames_decoded,
            "false_activations": sum(i is not None for i in intents), "rss_mb": round(rss_mb(), 1)}


def eight_hours(store_dir: Path, hours: float = 8.0) -> dict[str, float]:
    """RSS before and after `hours` of silent idling on the virtual clock (5 s listens, schedule checks)."""
    from assistant.audio.convert import silence

    comp, listener, clock = companion(store_dir, b"")
    source = ScriptedSource(clock=clock, on_begin=lambda request: silence(5.0))
    listener.source = source
    comp.scheduler.rules = []  # nothing scheduled: pure idling
    start_rss, wall = rss_mb(), time.perf_counter()
    samples = []
    total = hours * 3600
    while clock.monotonic() < total:
        comp.idle_once(5.0)
        source.requests.clear()  # the scripted source logs requests for tests; a microphone keeps nothing
        if int(clock.monotonic()) % 3600 < 5:
            samples.append(round(rss_mb(), 2))
    return {"hours": hours, "rss_start_mb": round(start_rss, 1), "rss_end_mb": round(rss_mb(), 1),
            "rss_growth_mb": round(rss_mb() - start_rss, 2), "rss_hourly_mb": samples,
            "wall_s": round(time.perf_counter() - wall, 1)}


def run(results: dict) -> None:  # type: ignore[type-arg]
    """Add idle listening numbers under results["idle"]."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        results["idle"] = {
            "silence_60s": idle_cost(noise(SECONDS), base / "a"),
            "background_speech_60s": idle_cost(chatter(SECONDS), base / "b"),
            "eight_hour_idle": eight_hours(base / "c"),
        }


def main() -> None:
    results: dict[str, object] = {}
    run(results)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

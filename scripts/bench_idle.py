"""Idle listening cost of `assistant run`: CPU % of one core and RSS while the companion idles, in REAL time.

Clock: wall time. A paced source hands out one 30 ms frame every 30 ms of wall time (as a microphone does) and the
process CPU time (all its threads) over those 60 s is the CPU share. The companion is built through the pipeline
factory with the front end from the settings (assistant/frontend: echo canceller, noise suppressor, the cascade
VAD: webrtcvad on every frame, silero near speech), pocketsphinx, the scheduler looked at on every idle chunk, and
a store. Two inputs, REPEATS times each, min/median/max: 60 s of a quiet room (-65 dBFS noise) and 60 s of
background chatter (espeak-ng voices en-us, en-gb, en-us+f3 at conversational level, -30 dBFS RMS while speaking,
with pauses; no command in it). A third input is the quiet room with the VAD alone (no echo canceller, no
suppressor: the share of those stages). Then an 8-hour idle run on a virtual clock checks that RSS does not grow.
`run(results)` adds its numbers to `results`; `main()` prints them as JSON.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from measure import spread

from assistant import pipeline
from assistant.audio.base import FRAME_BYTES
from assistant.audio.convert import rms_dbfs
from assistant.audio.sources import ScriptedSource
from assistant.clock import Clock, RealClock, VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.frontend import FrontEndSettings
from assistant.listener import Listener
from assistant.schedule.companion import Companion
from assistant.schedule.scheduler import Scheduler
from assistant.store.store import Store

SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "60"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
CHATTER = (("en-us", "I think we should call your mother about dinner on Sunday, and the oven still needs fixing."),
           ("en-gb", "Did you see the weather for tomorrow? It might rain in the afternoon, so take a coat."),
           ("en-us+f3", "The neighbours are having a party on Saturday, they asked if we could bring a salad."))
CONVERSATIONAL_DBFS = -30.0
"""RMS of the chatter while someone speaks: a conversation a couple of metres from a laptop microphone."""


GOALS = {"idle.quiet_room_real_time.cpu_percent_of_one_core": ("<=", 2),
         "idle.chatter_real_time.cpu_percent_of_one_core": ("<=", 5)}
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
    """Background conversation: espeak-ng voices taking turns at conversational level, short pauses."""
    from assistant.simulate import voices

    piece = b""
    for n, (voice, text) in enumerate(CHATTER):
        spoken = voices.speak(text, voice=voice, lead_s=0.0, tail_s=0.0)
        samples = np.frombuffer(spoken, dtype="<i2").astype(np.float64)
        gain = 10 ** ((CONVERSATIONAL_DBFS - rms_dbfs(spoken)) / 20)
        piece += np.clip(samples * gain, -32768, 32767).astype("<i2").tobytes() + noise(0.6 + 0.3 * n, seed=n)
    pcm = piece * (int(seconds * 32000 / len(piece)) + 1)
    return bytes(np.frombuffer(pcm[:int(seconds * 32000)], dtype="<i2") + np.frombuffer(noise(seconds), dtype="<i2"))


class PacedSource:
    """A microphone stand-in: frame k of `pcm` is handed out at start + k x 30 ms of wall time, then silence.

    `live`, as a microphone: the Listener drains it through the front end on its reader thread (FrontEndStream),
    exactly as `run` hears a microphone."""

    live = True

    def __init__(self, pcm: bytes) -> None:
        self.pcm = pcm
        self.offset = 0
        self.started: float | None = None

    def begin(self, request: object) -> None:
        """A microphone keeps running between listens: nothing to select."""

    def read(self) -> bytes | None:
        """After the audio, paced silence: a microphone never stops (an utterance under way still ends)."""
        if self.started is None:
            self.started = time.monotonic()
        due = self.started + self.offset / 32000
        time.sleep(max(0.0, due - time.monotonic()))
        frame = self.pcm[self.offset:self.offset + FRAME_BYTES] if self.offset < len(self.pcm) else b""
        self.offset += FRAME_BYTES
        return frame.ljust(FRAME_BYTES, b"\0")

    def restart(self) -> None:
        """From the first frame again, paced from the next read."""
        self.offset, self.started = 0, None

    def discard_pending(self) -> None:
        """Nothing buffered ahead of real time."""

    def close(self) -> None:
        """Nothing to release."""


def real_time_idle(audio: bytes, store_dir: Path, front_end: bool = True) -> dict[str, Any]:
    """CPU % of one core while idling over `audio` in real time (5 s idle chunks, as `assistant run`);
    `front_end=False`: the same without the front end (the baseline that shows its share)."""
    clock = RealClock()
    paced = PacedSource(audio)
    settings = Settings() if front_end else Settings(frontend=FrontEndSettings(echo="none", denoise="none"))
    comp, listener = companion(store_dir, paced, clock, settings)
    comp.idle_once(0.1)  # warm up: grammar built, first search
    for thread in threading.enumerate():  # start-up work, not idling: the safety lexicon compiles on a thread
        if thread.name == "danger-compile":
            thread.join()
    paced.restart()
    listener.frames_decoded = 0
    seconds = len(audio) / 32000
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    intents = []
    while paced.offset < len(audio):
        intents.append(comp.idle_once(5.0))
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
    comp.store.close()
    listener.source.close()
    return {"cpu_percent": 100 * cpu / wall, "wall_s": wall, "audio_s": seconds,
            "frames_decoded": listener.frames_decoded,
            "false_activations": sum(i is not None for i in intents), "rss_mb": rss_mb(),
            "false_activation_intents": sorted(i for i in intents if i is not None)}


def repeated(audio: bytes, base: Path, name: str, front_end: bool = True) -> dict[str, object]:
    """REPEATS real-time runs over `audio`: min/median/max of each figure."""
    runs = [real_time_idle(audio, base / f"{name}-{n}", front_end) for n in range(REPEATS)]
    return {"cpu_percent_of_one_core": spread([r["cpu_percent"] for r in runs], 2),
            "wall_s": spread([r["wall_s"] for r in runs], 1), "audio_s": round(runs[0]["audio_s"], 1),
            "frames_decoded": spread([r["frames_decoded"] for r in runs], 0),
            "false_activations": sum(int(r["false_activations"]) for r in runs),
            "false_activation_intents": ", ".join(i for r in runs for i in r["false_activation_intents"]),
            "rss_mb": round(max(r["rss_mb"] for r in runs), 1), "load_1min_after": round(os.getloadavg()[0], 1)}


def companion(store_dir: Path, source: object, clock: Clock,
              settings: Settings | None = None) -> tuple[Companion, Listener]:
    """The idle companion as `assistant run` wires it (pipeline factory, configured engine), hearing `source`."""
    settings = settings or Settings()
    listener = pipeline.listener(source, settings, clock)  # type: ignore[arg-type]
    store = Store.open(store_dir)
    library = DialogLibrary.load(seed=0)
    conversation = pipeline.conversation(listener, lambda line: None, clock, settings, library, store)
    scheduler = Scheduler.from_settings(store, clock, settings.schedule, "UTC")
    return (Companion(conversation, library, store, settings, clock, scheduler, pipeline.activation(), timezone.utc),
            listener)


def eight_hours(store_dir: Path, hours: float = 8.0) -> dict[str, Any]:
    """RSS before and after `hours` of silent idling on the virtual clock (5 s listens, schedule checks)."""
    from assistant.audio.convert import silence

    clock = VirtualClock(datetime(2026, 5, 20, 9, 0, tzinfo=timezone.utc))
    source = ScriptedSource(clock=clock, on_begin=lambda request: silence(5.0))
    comp, listener = companion(store_dir, source, clock)
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
            "quiet_room_real_time": repeated(noise(SECONDS), base, "quiet"),
            "chatter_real_time": repeated(chatter(SECONDS), base, "chatter"),
            "quiet_room_real_time_vad_only": repeated(noise(SECONDS), base, "baseline", front_end=False),
            "eight_hour_idle_virtual_clock": eight_hours(base / "c"),
        }


def main() -> None:
    results: dict[str, object] = {}
    run(results)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

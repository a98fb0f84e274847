"""TTS and start-up: first audio after the decision, render stalls, worker warm-up, `assistant --help`.

Every figure is min/median/max over RUNS runs unless it says otherwise; each key names its clock:
- `first_audio.*`: from the decision (the moment `FallbackSpeaker.say` is called) to the first sample
  handed to the sink (`play_stream` called with audio ready; a sink without streaming would get `play`
  only after the whole render). Through the real worker child and the factory `live` should use.
- `whole_render.*`: same start, until the last sample of the line exists (what the old code waited for).
- `soak.*`: N distinct dialog lines rendered one after another (N = $BENCH_TTS_SOAK_LINES, default
  10,000); a stall is a line whose render (say -> last sample) took over STALL_S.
- `worker_warm_s`: `SpeechWorker.warm()` called -> child ready (includes the Python child's imports).
- `help_wall_s`: spawn of `assistant --help` -> its exit. `help_import_ms`: `python -X importtime`,
  cumulative time of `import assistant.cli`.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from assistant.audio.base import Clip
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.safety import safety_line
from assistant.tts.cache_policy import CachePolicy
from assistant.tts.factory import speech_worker
from assistant.tts.speaker import FallbackSpeaker
from assistant.tts.stream import SpeechStream
from assistant.tts.worker import SpeechWorker

RUNS = 5
STALL_S = 1.0
VENV_BIN = Path(sys.executable).parent


GOALS = {
    "first_audio.cached_fixed_line_say_to_sink.max_ms": ("<=", 30),
    "first_audio.uncached_30_words_say_to_sink.max_ms": ("<=", 30),
    "first_audio.uncached_safety_87_words_say_to_sink.max_ms": ("<=", 30),
    "soak.stalls_over_1s": ("<=", 0), "help_spawn_to_exit.max_s": ("<=", 0.3),
    "help_import_assistant_cli.max_ms": ("<=", 150),
}
"""Goals shown beside this section's figures by scripts/bench."""
def _stats(values: list[float], scale: float = 1000.0, unit: str = "ms") -> dict[str, float]:
    scaled = [v * scale for v in values]
    digits = 1 if unit == "ms" else 3
    return {f"min_{unit}": round(min(scaled), digits), f"median_{unit}": round(statistics.median(scaled), digits),
            f"max_{unit}": round(max(scaled), digits), "n": len(scaled)}


class ProbeSink:
    """A StreamingSink with no device: notes when audio is handed over and drains the stream."""

    def __init__(self) -> None:
        self.handed_at = 0.0

    def play_stream(self, stream: SpeechStream) -> threading.Thread:
        self.handed_at = time.perf_counter()
        thread = threading.Thread(target=lambda: sum(len(c) for c in stream.chunks()), daemon=True)
        thread.start()
        return thread

    def play(self, clip: Clip) -> None:
        self.handed_at = time.perf_counter()

    def close(self) -> None:
        """Nothing to release."""


def _first_audio(speaker: FallbackSpeaker, sink: ProbeSink, text: str, dialog_id: str) -> tuple[float, float]:
    began = time.perf_counter()
    drain = speaker.say(text, dialog_id)
    first = sink.handed_at - began
    drain.join()  # type: ignore[attr-defined]
    return first, time.perf_counter() - began


def _windows(library: DialogLibrary, words: int, count: int) -> list[str]:
    """`count` distinct `words`-word stretches of real dialog wording (never the same text twice)."""
    text = " ".join(v for vs in library.prompts.values() for v in vs if "{" not in v)
    tokens = re.sub(r"\s+", " ", text).split(" ")
    step = max(1, (len(tokens) - words) // max(1, count))
    return [" ".join(tokens[i * step:i * step + words]).rstrip(",;") + "." for i in range(count)]


def _first_audio_figures(settings: Settings, library: DialogLibrary, results: dict) -> None:
    cache_dir = Path(tempfile.mkdtemp(prefix="bench-tts-cache-"))
    sink = ProbeSink()
    policy = CachePolicy.from_library(library)
    fixed = sorted(policy.fixed_lines(), key=lambda line: len(line[0]))[len(policy.fixed_lines()) // 2:][:RUNS]
    worker = speech_worker(settings.voice, library, cache_dir, prerender=False)
    worker.warm(fixed)  # what start-up does; here only the lines measured, to keep the bench short
    worker.idle()
    speaker = FallbackSpeaker(worker, sink)  # type: ignore[arg-type]
    cached = [_first_audio(speaker, sink, text, dialog_id) for text, dialog_id in fixed]
    speaker.close()
    plain = SpeechWorker(settings.voice, cache_size=0)
    plain.start()
    speaker = FallbackSpeaker(plain, sink)  # type: ignore[arg-type]
    thirty = [_first_audio(speaker, sink, text, "bench") for text in _windows(library, 30, RUNS)]
    safety = safety_line(library)
    safety_runs = [_first_audio(speaker, sink, safety.text, safety.dialog_id) for _ in range(RUNS)]
    speaker.close()
    results["first_audio"] = {
        "cached_fixed_line_say_to_sink": _stats([f for f, _ in cached]),
        "uncached_30_words_say_to_sink": _stats([f for f, _ in thirty]),
        f"uncached_safety_{len(safety.text.split())}_words_say_to_sink": _stats([f for f, _ in safety_runs]),
    }
    results["whole_render"] = {
        "uncached_30_words_say_to_last_sample": _stats([w for _, w in thirty]),
        "uncached_safety_say_to_last_sample": _stats([w for _, w in safety_runs]),
    }


def _soak(settings: Settings, library: DialogLibrary, lines: int, results: dict) -> None:
    worker = SpeechWorker(settings.voice, cache_size=0)
    worker.start()
    texts = _windows(library, 12, 500)
    durations = []
    began = time.perf_counter()
    failures = 0
    for index in range(lines):
        start = time.perf_counter()
        try:
            worker.synthesize(f"{texts[index % len(texts)]} {index}.", "bench")
        except Exception:  # noqa: BLE001 - counted, the soak goes on
            failures += 1
        durations.append(time.perf_counter() - start)
    worker.close()
    results["soak"] = {"lines": lines, f"stalls_over_{STALL_S:g}s": sum(d > STALL_S for d in durations),
                       "failures": failures, "restarts": worker.restarts,
                       "render_say_to_last_sample": _stats(durations),
                       "wall_s": round(time.perf_counter() - began, 1)}


def _warm_up(settings: Settings, results: dict) -> None:
    times = []
    for _ in range(3):
        worker = SpeechWorker(settings.voice)
        began = time.perf_counter()
        worker.warm()
        worker.idle()
        times.append(time.perf_counter() - began)
        worker.close()
    results["worker_warm_call_to_ready"] = _stats(times, 1.0, "s")


def _help(results: dict) -> None:
    walls, imports = [], []
    for _ in range(RUNS):
        began = time.perf_counter()
        subprocess.run([str(VENV_BIN / "assistant"), "--help"], check=True, capture_output=True)
        walls.append(time.perf_counter() - began)
        found = subprocess.run([sys.executable, "-X", "importtime", "-c", "import assistant.cli"],
                               check=True, capture_output=True, text=True).stderr
        line = [row for row in found.splitlines() if row.rstrip().endswith("| assistant.cli")][-1]
        imports.append(int(line.split("|")[1]) / 1e6)
    results["help_spawn_to_exit"] = _stats(walls, 1.0, "s")
    results["help_import_assistant_cli"] = _stats(imports)


def run(results: dict) -> None:
    """Add this section's figures to `results` (called by scripts/bench)."""
    settings = Settings()
    library = DialogLibrary.load(seed=7)
    _help(results)
    _warm_up(settings, results)
    _first_audio_figures(settings, library, results)
    _soak(settings, library, int(os.environ.get("BENCH_TTS_SOAK_LINES", "10000")), results)


if __name__ == "__main__":
    import json

    figures: dict = {}
    run(figures)
    print(json.dumps(figures, indent=2))

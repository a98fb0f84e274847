"""Where idle CPU goes, per stage: one real-time run of scripts/bench_idle.py with thread CPU per front-end stage.

Usage: idle_stage_cpu.py chatter|quiet [SECONDS]. Clock: the bench's measured span (after warm-up) in wall time.
The echo canceller, suppressor, webrtcvad screen and silero are timed with time.thread_time() around each call on
the reader thread; each thread's own CPU (utime + stime from /proc/self/task) over the same span. Figures are % of
one core. To compare two trees, run it from another directory with PYTHONPATH=<tree> and this script's absolute path.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_idle

from assistant import pipeline

_stage: dict[str, float] = {}


def _timed(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any) -> Any:
        start = time.thread_time()
        try:
            return call(*args)
        finally:
            _stage[name] = _stage.get(name, 0.0) + time.thread_time() - start
    return timed


class _TimedFine:
    """Silero behind the cascade, timed."""

    def __init__(self, fine: Any) -> None:
        self.fine, self.call = fine, _timed("silero", fine.__call__)

    def __call__(self, pcm: bytes) -> float:
        return float(self.call(pcm))

    def reset(self) -> None:
        self.fine.reset()


def _instrumented(build: Callable[..., Any]) -> Callable[..., Any]:
    def listener(*args: Any) -> Any:
        built = build(*args)
        front = built.gate.front_end
        if getattr(front, "echo", None) is not None:
            front.echo.process = _timed("echo", front.echo.process)
        if getattr(front, "denoiser", None) is not None:
            front.denoiser = _timed("denoise", front.denoiser)
        vad = getattr(front, "vad", None)
        if vad is not None and hasattr(vad, "screen"):
            vad.screen, vad.fine = _timed("webrtcvad", vad.screen), _TimedFine(vad.fine)
        return built
    return listener


def _threads() -> dict[str, float]:
    """CPU seconds of each thread of this process, by Python thread name (native id when not a Python thread)."""
    names = {str(t.native_id): t.name for t in threading.enumerate()}
    out, tick = {}, os.sysconf("SC_CLK_TCK")
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[names.get(tid, tid)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else "chatter"
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    if kind not in ("chatter", "quiet"):
        sys.exit("idle_stage_cpu.py: the input is 'chatter' or 'quiet'")
    pipeline.listener = _instrumented(pipeline.listener)  # bench_idle builds through pipeline.listener
    process_time = time.process_time
    before: dict[str, float] = {}
    span: dict[str, Any] = {}

    def marked() -> float:  # real_time_idle reads process_time() at the start and the end of its span
        if not before:
            before.update(_threads())
            _stage.clear()
        else:
            span.update({tid: cpu - before.get(tid, 0.0) for tid, cpu in _threads().items()})
            span["stages"] = dict(_stage)
        return process_time()

    time.process_time = marked
    audio = bench_idle.chatter(seconds) if kind == "chatter" else bench_idle.noise(seconds)
    with tempfile.TemporaryDirectory() as tmp:
        result = bench_idle.real_time_idle(audio, Path(tmp) / "store")
    stages: dict[str, float] = span.pop("stages")
    wall = result["wall_s"]
    print(json.dumps({"input": kind, "cpu_percent": round(result["cpu_percent"], 2),
                      "frames_decoded": result["frames_decoded"],
                      "stages_percent": {k: round(100 * v / wall, 3) for k, v in stages.items()},
                      "threads_percent": {k: round(100 * v / wall, 2) for k, v in span.items() if v > 0},
                      "load_1min": round(os.getloadavg()[0], 1)}))


if __name__ == "__main__":
    main()

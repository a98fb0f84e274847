"""Soak: an accelerated 8-hour run of the always-on companion (assistant.simulate.soak) on a virtual clock
through the real audio pipeline: idle listening to room tone and background talk, the 19:00 check-in
reminder and the check-in (with a time out inside), the 20:00 appreciation, and a time out from idle.
Every line is spoken by the real TTS worker with its disk cache (as `live_pipeline` builds it) into a WAV
sink that plays on the virtual clock, and a partner says "time out" over a playing step prompt (barge-in).

RSS (VmRSS), threads (threading and /proc/self/task) and open file descriptors are sampled at every
simulated hour; threads and descriptors are compared before and after. A warm-up run first loads what
is loaded once per process (espeak cache, pocketsphinx language models), so growth means a leak.
`run(results)` adds its numbers to `results`; `main()` prints them as JSON.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from assistant.simulate.soak import run_soak

START = datetime(2026, 5, 17, 16, 0, tzinfo=timezone.utc)  # a Sunday: check-in reminder at 19:00
HOURS = 8.0
IDLE_TIME_OUT_AT_H = (5.5,)
BARGE_INS = 1


def run(results: dict) -> None:  # type: ignore[type-arg]
    """Add the soak's numbers under results["soak_*"]."""
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    recognizer = PocketsphinxRecognizer()  # one for the process lifetime, as in `assistant run`
    with tempfile.TemporaryDirectory() as tmp:
        run_soak(Path(tmp) / "warm", datetime(2026, 5, 17, 18, 50, tzinfo=timezone.utc), 0.5, recognizer=recognizer,
                 voice_dir=Path(tmp) / "warm-voice")
        soak = run_soak(Path(tmp) / "soak", START, HOURS, IDLE_TIME_OUT_AT_H, recognizer=recognizer,
                        voice_dir=Path(tmp) / "voice", barge_ins=BARGE_INS)
    rss = [int(s["rss_kb"]) for s in soak.samples]  # type: ignore[call-overload]
    results["soak_simulated_hours"] = HOURS
    results["soak_wall_s"] = soak.wall_s
    results["soak_rss_mb_by_hour"] = [round(kb / 1024, 1) for kb in rss]
    results["soak_rss_growth_mb"] = round((rss[-1] - rss[0]) / 1024, 1)
    results["soak_rss_growth_last_4h_mb"] = round((rss[-1] - rss[-5]) / 1024, 2)
    results["soak_threads_before_after"] = [soak.before["threads"], soak.after["threads"]]
    results["soak_tasks_before_after"] = [soak.before["tasks"], soak.after["tasks"]]
    results["soak_fds_before_after"] = [soak.before["fds"], soak.after["fds"]]
    results["soak_max_threads"] = max(int(s["tasks"]) for s in soak.samples)  # type: ignore[call-overload]
    results["soak_max_fds"] = max(int(s["fds"]) for s in soak.samples)  # type: ignore[call-overload]
    results["soak_sessions"] = [f"{activity}:{final}" for activity, final in soak.sessions]
    results["soak_time_outs"] = soak.timeouts
    results["soak_lines_said"] = len(soak.lines)
    results["soak_lines_through_tts_into_sink"] = soak.tts_renders
    results["soak_barge_ins_stopped_playback"] = f"{soak.barge_ins} of {BARGE_INS}"


def main() -> None:
    results: dict[str, object] = {}
    run(results)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

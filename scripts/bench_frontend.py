#!/usr/bin/env python3
"""Front-end bench: component comparison, echo (ERLE and catches), VAD endpoint timings, real-time factor.

Usage: .venv/bin/python scripts/bench_frontend.py [--only compare,echo,endpoint,rtf] [--repeats 3] [--json PATH]
Every clock is named: RTF = process CPU seconds / audio seconds through the stage; endpoint latency = audio
time from the true end of speech (clean render) to the frame where the endpointer decides END.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import frontend_measure as fm  # noqa: E402

from assistant.frontend import EndpointSettings, FrontEndSettings, build_front_end  # noqa: E402
from assistant.simulate.acoustics import noise_at_dbfs  # noqa: E402

NS_CONDITIONS = (("clean", None), ("pink", 10), ("pink", 5), ("babble", 10), ("tv", 10), ("tv", 5))


def spread(values: list[float]) -> dict[str, float]:
    """min / median / max (and p95) of repeated figures."""
    if not values:
        return {}
    return {"min": round(float(np.min(values)), 4), "median": round(float(np.median(values)), 4),
            "p95": round(float(np.percentile(values, 95)), 4), "max": round(float(np.max(values)), 4)}


def compare(results: dict) -> None:
    """VAD: silero vs webrtc per frame; suppressors: command recognition, false accepts, VAD false activation."""
    clips = fm.make_clips(fm.SHORT[:4], fm.TUNE_VOICES)
    results["vad"] = {name: {k: round(v, 4) for k, v in fm.vad_scores(clips, name).items()}
                      for name in ("silero", "webrtc")}
    for name in ("silero", "webrtc"):
        results["vad"][name]["fan_-41dBFS_activation"] = fm.noise_only_activation(name, "none", "fan", -41)
        results["vad"][name]["fan_-30dBFS_activation"] = fm.noise_only_activation(name, "none", "fan", -30)
        results["vad"][name]["pink_-35dBFS_activation"] = fm.noise_only_activation(name, "none", "pink", -35)
    phrases = fm.command_phrases()
    commands = fm.make_clips(fm.SHORT[:4], fm.TUNE_VOICES, NS_CONDITIONS)
    table = {}
    for denoise in ("none", "webrtc", "speex", "rnnoise"):
        started = time.process_time()
        caught = [clip.text == fm.bare_grammar_decode(clip.pcm, phrases, denoise) for clip in commands]
        per_condition = {}
        for clip, ok in zip(commands, caught, strict=True):
            per_condition.setdefault(clip.condition, []).append(ok)
        table[denoise] = {
            "commands_caught": f"{sum(caught)}/{len(caught)}",
            "by_condition": {k: f"{sum(v)}/{len(v)}" for k, v in per_condition.items()},
            "silero_false_activation": round(fm.vad_scores(commands, "silero", denoise)["false_activation"], 4),
            "fan_-41dBFS_activation": fm.noise_only_activation("silero", denoise, "fan", -41),
            "cpu_s": round(time.process_time() - started, 1)}
        print(denoise, table[denoise], flush=True)
    results["denoise"] = table


def echo(results: dict, repeats: int) -> None:
    """ERLE (dB, echo alone, after 1 s) and whether the partner's command is caught, raw mix vs cleaned."""
    voices = fm.HELD_OUT_VOICES
    for ratio in (0.0, 6.0):
        trials = [fm.echo_trial(fm.ASSISTANT_LINES[k % 3], ("time out", "stop")[k % 2], voices[k % len(voices)],
                                ratio, seed=k) for k in range(repeats * 4)]
        results[f"echo_{ratio:+.0f}dB"] = {
            "erle_db": spread([t["erle_db"] for t in trials]),
            "double_talk_erle_db": spread([t["double_talk_erle_db"] for t in trials]),
            "alone_caught": f"{int(sum(t['alone_caught'] for t in trials))}/{len(trials)}",
            "raw_caught": f"{int(sum(t['raw_caught'] for t in trials))}/{len(trials)}",
            "clean_caught": f"{int(sum(t['clean_caught'] for t in trials))}/{len(trials)}",
            "bare_grammar_alone_raw_clean": "/".join(str(int(sum(t[k] for t in trials)))
                                                    for k in ("bare_alone", "bare_raw", "bare_clean")),
            "own_words_taken_clean": f"{int(sum(t['own_taken'] for t in trials))}/{len(trials)}"}
        print(f"echo {ratio:+.0f} dB", results[f"echo_{ratio:+.0f}dB"], flush=True)


def endpoint(results: dict) -> None:
    """Endpoint latency on the held-out voices, short answers and free answers, through the chosen front end."""
    settings = FrontEndSettings(echo="none")
    conditions = (("clean", None), ("pink", 10), ("babble", 10), ("tv", 10))
    for kind, texts in (("command", fm.SHORT), ("free", fm.FREE)):
        clips = fm.make_clips(texts, fm.HELD_OUT_VOICES, conditions)
        got = fm.endpoint_latencies(clips, kind, EndpointSettings(), lambda: build_front_end(settings))
        results[f"endpoint_{kind}"] = {"latency_s": spread(got["latency"]), "ended_inside_speech": got["early"][0],
                                       "never_ended": got["never"][0], "clips": len(clips)}
        print("endpoint", kind, results[f"endpoint_{kind}"], flush=True)
    for level in (-41, -35, -30):
        fe = build_front_end(settings)
        probs = [fe.process(f).speech_probability for f in fm.frames_of(noise_at_dbfs("fan", 20, level, seed=5))]
        results[f"idle_fan_{level}dBFS_speech_frames"] = round(float(np.mean(np.array(probs) >= 0.5)), 4)


def tune(results: dict) -> None:
    """Choose the short hang-over and the background drop on the TUNING voices: fewest never-ended with no
    utterance cut inside, then the shortest hang-over with no cut (reported per candidate)."""
    conditions = (("clean", None), ("pink", 10), ("babble", 10), ("tv", 10), ("babble", 20))
    clips = fm.make_clips(fm.SHORT, fm.TUNE_VOICES, conditions)
    settings = FrontEndSettings(echo="none")
    table = {}
    for drop in (9.0, 12.0, 15.0, 20.0):
        for hang in (150, 180, 210, 240, 300):
            got = fm.endpoint_latencies(clips, "command", EndpointSettings(short_hangover_ms=hang,
                                        background_drop_db=drop), lambda: build_front_end(settings))
            table[f"drop{drop:.0f}_hang{hang}"] = {"early": got["early"][0], "never": got["never"][0],
                                                    "p50_s": spread(got["latency"]).get("median")}
            print("tune", drop, hang, table[f"drop{drop:.0f}_hang{hang}"], flush=True)
    results["tune_short"] = table


def rtf(results: dict, repeats: int) -> None:
    """CPU seconds per audio second through the full front end (echo active half the time)."""
    audio = fm.make_clips(fm.FREE[:1], fm.HELD_OUT_VOICES[:2], (("babble", 10),))
    played = fm.speak(fm.ASSISTANT_LINES[0], voice="en-us", rate=170)
    for name, settings in (("full", FrontEndSettings()), ("vad_only", FrontEndSettings(echo="none", denoise="none"))):
        figures = []
        for _ in range(repeats):
            clock = [0.0]
            fe = build_front_end(settings, clock=lambda clock=clock: clock[0])  # type: ignore[misc]
            seconds, cpu = 0.0, 0.0
            for clip in audio:
                frames = fm.frames_of(clip.pcm)
                started = time.process_time()
                for k, frame in enumerate(frames):
                    clock[0] += 0.03
                    if k == 0:
                        fe.played(played, clock[0])
                    fe.process(frame)
                cpu += time.process_time() - started
                seconds += len(frames) * 0.03
            figures.append(cpu / seconds)
        results[f"rtf_{name}"] = spread(figures)
        print("rtf", name, results[f"rtf_{name}"], flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="compare,echo,endpoint,rtf")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict = {}
    only = args.only.split(",")
    if "tune" in only:
        tune(results)
    if "rtf" in only:
        rtf(results, args.repeats)
    if "endpoint" in only:
        endpoint(results)
    if "echo" in only:
        echo(results, args.repeats)
    if "compare" in only:
        compare(results)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text)


if __name__ == "__main__":
    main()

"""Replay barge-in trials recorded by scripts/barge_record.py: the whole front end, sample for sample, then the
watcher's gate, recogniser and decisions, as the live watcher ran them (the baseline must reproduce the live
decisions exactly). `--variant base` turns the watcher's later starts off (the tree before them); `--variant
later` keeps them.

`--own-words off` turns the own-words rule off (assistant/timeout/own_words.py); "asked": the calm question.

usage: barge_replay.py REC.pkl [--variant base|later] [--agreeing N] [--own-words on|off] [--split S] [--verbose]
"""

from __future__ import annotations

import argparse
import pickle
from collections import deque
from typing import Any

import numpy as np

from assistant import pipeline
from assistant.audio.convert import rms_dbfs
from assistant.config import Settings, SpeechSettings
from assistant.frontend.base import Processed
from assistant.frontend.gate import SpeechGate
from assistant.frontend.pipeline import PassthroughFrontEnd
from assistant.listener import Listener
from assistant.stt.factory import create_recognizer
from assistant.timeout import later_start
from assistant.timeout.bargein import BARGE_IN_KIND, BargeInWatcher


class ReplayClock:
    """Hands out the recorded clock readings in order."""

    def __init__(self) -> None:
        self.readings: deque[float] = deque()
        self.last = 0.0

    def __call__(self) -> float:
        if self.readings:
            self.last = self.readings.popleft()
        return self.last

    def monotonic(self) -> float:
        return self.last


class NoSource:
    live = False

    def read(self) -> None:
        return None

    def discard_pending(self) -> None:
        """Nothing kept."""


def replay_front(calls: list[tuple[str, Any, list[float]]], settings: Settings) -> tuple[dict[int, Processed], dict]:
    """Every recorded call through a new front end; the outputs by call index, and per-frame levels."""
    clock = ReplayClock()
    front: Any = pipeline.front_end(settings, clock)
    echo = front.echo
    outputs: dict[int, Processed] = {}
    stats: dict[int, tuple[float, float, float, float]] = {}
    fars: dict[int, bytes] = {}
    for index, (kind, args, readings) in enumerate(calls):
        clock.readings.extend(readings)
        if kind == "played":
            front.played(*args)
            continue
        out = front.process(args)
        outputs[index] = out
        n = len(args) // 2
        far = echo._far(echo._mic_index - n, n)
        fars[index] = far.tobytes()
        stats[index] = (readings[0] if readings else clock.last, rms_dbfs(args), rms_dbfs(out.pcm),
                        rms_dbfs(far.tobytes()))
    FARS.clear()
    FARS.update(fars)
    return outputs, stats


FARS: dict[int, bytes] = {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rec")
    parser.add_argument("--variant", default="base")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--own-words", default="on", help="commands must beat the line's words (on|off)")
    parser.add_argument("--split", default="all", help="tuning|held_out|all")
    parser.add_argument("--agreeing", type=int, default=0, help="later starts that must agree (default: shipped)")
    args = parser.parse_args()
    with open(args.rec, "rb") as handle:
        data = pickle.load(handle)
    settings = Settings(speech=SpeechSettings(engine="pocketsphinx", silence_timeout_s=6.0))
    outputs, stats = replay_front(data["calls"], settings)
    recognizer = create_recognizer(settings, "pocketsphinx")
    clock = ReplayClock()
    listener = Listener(NoSource(), recognizer, clock,  # type: ignore[arg-type]
                        gate=SpeechGate(PassthroughFrontEnd(), settings.frontend.endpoint), full_duplex=True)
    watcher = BargeInWatcher(listener, pipeline.interpreter(), later_starts=args.variant != "base",
                             own_words=args.own_words == "on")
    if args.agreeing:
        later_start.AGREEING_STARTS = args.agreeing
        later_start.later_start.__defaults__ = (args.agreeing,)
    tally: dict[str, dict[str, int]] = {}
    same = 0
    for trial in data["plan"]:
        if args.split != "all" and trial["split"] != args.split:
            continue
        watcher.heard.clear()
        listener.set_phrases(watcher.phrases())
        listener.begin(BARGE_IN_KIND)
        line_start = _line_start(data["calls"], trial)
        decided = None
        for index in trial["frames"]:
            out = outputs[index]
            clock.last = stats[index][0]
            utterance = listener._advance(listener.gate.push_processed(out))
            if utterance is None:
                continue
            intent = watcher._accept(utterance, clock.last, trial["line"], 10.0, clock.last - line_start)
            if intent is not None:
                decided = intent
                break
        same += decided == trial["live"] and list(watcher.heard) == trial["heard"]
        said = trial.get("say", "time out") if trial["voice"] else None
        kind = "own" if said is None else "partner time out" if said == "time out" else "partner danger"
        key = f"{trial['split']} {kind}"
        row = tally.setdefault(key, {"trials": 0, "caught": 0, "asked": 0, "stopped": 0, "live_caught": 0})
        row["trials"] += 1
        row["caught"] += decided == "time_out"
        row["asked"] += decided == "safety"
        row["stopped"] += decided is not None
        row["live_caught"] += trial["live"] == "time_out"
        if args.verbose:
            print(trial["split"], trial["voice"], trial["at_s"], "live", trial["live"], "replay", decided,
                  list(watcher.heard))
    print(f"variant {args.variant}: replay identical to live in {same} of {len(data['plan'])} trials")
    for key, row in sorted(tally.items()):
        print(key, row)


def _line_start(calls: list, trial: dict) -> float:
    """Clock time the trial's line began (its first played block after the trial's first frame)."""
    first = trial["frames"][0] if trial["frames"] else 0
    for kind, args, _ in calls[first:]:
        if kind == "played" and np.any(np.frombuffer(args[0], dtype="<i2")):
            return float(args[1])
    return 0.0


if __name__ == "__main__":
    main()

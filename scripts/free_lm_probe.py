"""Spoken danger caught / false stops with a chosen free-text language model (issue 12, spoken goal).

The bench's spoken measure (scripts/bench_safety.py: tests/safety_spoken.py's lines, free-text state with the
sentinel pass, judged as a free answer) and the round-5 corpus (tests/safety_spoken6.py) for each model given.
Splits: `tuned` (the bench's tuned voice, sentences not trained on: choose settings here), `held_out` (the bench's
held-out voices), `s6_tune` (trained-on sentences, tune voices), `s6_held_out` (neither sentences nor voices seen).
`tuned_wide`: the tuned voice on 70 more lines a kind of the same tuning corpora (kept out of the model's training).
`--stop-list`: the words the sentinel pass does not count as shared content (sentinel_rule.FUNCTION_WORDS):
`hand` (the engine's), `stop-words` (that package's English list), `stop-words+negation` (the same list with
VADER's negations counted as content).
`--cost`: per model, in a fresh process each, the wall time of loading the free search (`add_lm_file` +
`activate_search`), the resident memory it adds, and the real-time factor of free decoding (CPU time of the
decode over audio seconds, sentinel pass included) on the tuned voice's 40 bench clips.
Run: `nice .venv/bin/python scripts/free_lm_probe.py --split tuned general assistant/stt/free_lm.arpa`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from safety_spoken import HELD_OUT_VOICES, TUNED_VOICES, hear_and_judge, spoken_lines  # noqa: E402
from safety_spoken6 import HELD_OUT_VOICES as S6_HELD_OUT  # noqa: E402
from safety_spoken6 import TUNE_VOICES as S6_TUNE  # noqa: E402
from safety_spoken6 import spoken6  # noqa: E402

from assistant.danger import DangerDetector  # noqa: E402
from assistant.intents import IntentMatcher  # noqa: E402
from assistant.interpret import SENTINEL_INTENTS  # noqa: E402
from assistant.simulate import voices  # noqa: E402
from assistant.stt.free_lm import general_lm  # noqa: E402
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: E402
from assistant.stt.sentinel_rule import FUNCTION_WORDS  # noqa: E402

SPLITS = {"tuned": (TUNED_VOICES[:1], lambda: spoken_lines(20)),
          "tuned_wide": (TUNED_VOICES[:1], lambda: _wide_lines()),
          "held_out": (HELD_OUT_VOICES, lambda: spoken_lines(20)),
          "s6_tune": (S6_TUNE, lambda: spoken6("tune")), "s6_held_out": (S6_HELD_OUT, lambda: spoken6("held_out"))}



def _wide_lines() -> dict[str, list[str]]:
    """Up to 70 more tuning lines a kind, none of them in the bench's sample."""
    bench = {kind: set(lines) for kind, lines in spoken_lines(20).items()}
    return {kind: [line for line in lines if line not in bench[kind]]
            for kind, lines in spoken_lines(70, seed=7).items()}


def stop_list(name: str) -> frozenset[str]:
    """The sentinel pass's non-content words by name (the two library lists are test-extra dependencies)."""
    if name == "hand":
        return FUNCTION_WORDS
    from stop_words import get_stop_words
    from vaderSentiment.vaderSentiment import NEGATE

    words = frozenset(get_stop_words("en"))
    return words - frozenset(NEGATE) if name == "stop-words+negation" else words


def measure_cost(path: str) -> None:
    """Print load time, added RSS and free-decoding RTF of one model (run in a fresh process)."""
    clips = [voices.speak(text, voice=v, rate=r, pitch=p) for v, p, r in TUNED_VOICES[:1]
             for texts in spoken_lines(20).values() for text in texts]
    recognizer = PocketsphinxRecognizer(free_lm=path)
    recognizer.set_phrases(["time out"])  # the engine is up; no free search yet
    before = _rss_kb()
    started = time.perf_counter()
    recognizer.set_phrases(None, ["time out", "i want to die"])
    load_s = time.perf_counter() - started
    added = _rss_kb() - before
    cpu = 0.0
    for pcm in clips:
        recognizer.reset()
        tick = time.process_time()
        recognizer.accept(pcm) or recognizer.flush()
        cpu += time.process_time() - tick
    audio_s = sum(len(pcm) for pcm in clips) / (2 * 16000)
    print(json.dumps({"model": path, "load_s": round(load_s, 3), "rss_added_mb": round(added / 1024, 1),
                      "free_rtf": round(cpu / audio_s, 3), "clips": len(clips)}))


def _rss_kb() -> int:
    return int(next(line.split()[1] for line in Path("/proc/self/status").read_text().splitlines()
                    if line.startswith("VmRSS:")))


def main() -> None:
    if sys.argv[1:2] == ["--measure-cost"]:
        measure_cost(sys.argv[2])
        return
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--split", action="append", choices=sorted(SPLITS), default=[])
    parse.add_argument("--cost", action="store_true")
    parse.add_argument("--stop-list", choices=("hand", "stop-words", "stop-words+negation"), default="hand")
    parse.add_argument("models", nargs="+", help="ARPA/binary paths, or `general`")
    args = parse.parse_args()
    detector = DangerDetector.load(ROOT / "dialogs", ("Alex", "Sam"))
    matcher = IntentMatcher.load()
    sentinel = tuple(dict.fromkeys([*matcher.phrases_for(SENTINEL_INTENTS), *detector.spoken_phrases()]))

    def judge(text: str) -> str:
        return "danger" if matcher.match(text, {"safety"}) == "safety" else detector.assess(text).level

    function_words = stop_list(args.stop_list)
    for model in args.models:
        path = general_lm() if model == "general" else model
        if args.cost:
            print(subprocess.run([sys.executable, __file__, "--measure-cost", path], capture_output=True, text=True,
                                 check=True).stdout.strip(), flush=True)
        for split in args.split:
            voice_set, lines = SPLITS[split]
            started = time.process_time()
            found = hear_and_judge(lambda p=path: PocketsphinxRecognizer(free_lm=p, function_words=function_words),
                                   sentinel, judge, lines(), voice_set)
            print(json.dumps({"model": model, "split": split, "stop_list": args.stop_list, **vars(found),
                              "cpu_s": round(time.process_time() - started, 1)}), flush=True)


if __name__ == "__main__":
    main()

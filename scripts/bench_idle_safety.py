#!/usr/bin/env python3
"""Background chatter in the idle listen: how many clips end in the full safety response, the calm question,
or another activation.

Usage: scripts/bench_idle_safety.py [--split tuning|held_out] [--clips N] [--seed S]
Chatter is made as scripts/duration_probe.py (branch duration10) and scripts/bench_idle.py make it: espeak-ng
voices of one half of the hearing corpus taking turns (1-2 of that half's ordinary sentences and free answers per
turn, -30 dBFS, 0.6-0.9 s pauses, -65 dBFS noise). Each clip is heard as the idle listen hears it (front end,
endpointer, listener, pocketsphinx; kind "command" over the global commands and activation phrases) and every
utterance is decided by the seat the companion uses (`Interpreter.decide_unaddressed`, or `decide` where it
does not exist: the rule before). A clip counts once, by its gravest outcome: full safety response > calm
question > another activation > nothing. Report the held-out split once, aggregate only.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import pipeline  # noqa: E402
from assistant.audio.base import ListenRequest, duration_of  # noqa: E402
from assistant.audio.convert import rms_dbfs  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evaluation import corpus  # noqa: E402
from assistant.evaluation.live_hearing import LiveHearing  # noqa: E402
from assistant.interpret import Decision  # noqa: E402
from assistant.schedule.companion import COMMAND_INTENTS  # noqa: E402
from assistant.simulate import voices  # noqa: E402

CONVERSATIONAL_DBFS = -30.0
GRAVITY = ("nothing", "activation", "calm_question", "full_safety")


def chatter_clip(spec: dict, split: str, rng: random.Random, turns: int) -> bytes:
    """Voices of `split` taking turns over that half's sentences (as duration_probe / bench_idle)."""
    names = corpus.voices(spec, split)
    lines = [*spec["ordinary"][split], *spec["free_answers"][split]]
    gen = np.random.default_rng(rng.randrange(1 << 30))
    pieces = []
    for _ in range(turns):
        text = " ".join(rng.sample(lines, rng.choice((1, 2))))
        spoken = voices.speak(text, voice=rng.choice(names), rate=rng.choice(spec["voices"]["rates"]),
                              lead_s=0.0, tail_s=0.0)
        gain = 10 ** ((CONVERSATIONAL_DBFS - rms_dbfs(spoken)) / 20)
        pieces.append(np.frombuffer(spoken, dtype="<i2").astype(np.float64) * gain)
        pieces.append(np.zeros(int(16000 * rng.uniform(0.6, 0.9))))
    pcm = np.concatenate(pieces)
    pcm = pcm + gen.normal(0, 32768 * 10 ** (-65.0 / 20), len(pcm))
    return np.clip(pcm, -32768, 32767).astype("<i2").tobytes()


def outcome(decision: Decision) -> str:
    """What the companion does with an idle decision."""
    if decision.danger == "danger" and decision.intent == "safety":
        return "full_safety"
    if decision.danger == "ambiguous" and decision.intent in (None, "safety"):
        return "calm_question"
    return "activation" if decision.intent is not None else "nothing"


def main(argv: list[str] | None = None) -> int:
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--split", choices=corpus.SPLITS, default="tuning")
    parse.add_argument("--clips", type=int, default=60)
    parse.add_argument("--seed", type=int, default=11)
    parse.add_argument("--out", help="also write one JSON line per utterance here (tuning only)")
    args = parse.parse_args(argv)
    spec = corpus.load_spec()
    interpreter = pipeline.interpreter()
    interpreter.learn(pipeline.activation())
    seat = getattr(interpreter, "decide_unaddressed", interpreter.decide)
    intents = (*COMMAND_INTENTS, *pipeline.activation().names)
    request = ListenRequest("command", "idle", interpreter.phrases_for(intents), ())
    hearing = LiveHearing(Settings())
    rng = random.Random(f"{args.seed}:duration-chatter" if args.split == "tuning" else f"{args.seed}:{args.split}")
    clips: dict[str, int] = dict.fromkeys(GRAVITY, 0)
    utterances: dict[str, int] = dict.fromkeys(GRAVITY, 0)
    rows, audio_s, started = [], 0.0, time.process_time()
    for index in range(args.clips):
        pcm = chatter_clip(spec, args.split, rng, turns=rng.choice((2, 3, 4)))
        audio_s += duration_of(pcm)
        hearing.source.load(pcm)
        gravest = "nothing"
        while hearing.source.offset < len(pcm):
            got = hearing.listener.listen(request, timeout_s=duration_of(pcm))
            if got is None:
                continue
            seen = outcome(seat(got, "command", intents))
            utterances[seen] += 1
            gravest = max(gravest, seen, key=GRAVITY.index)
            if args.split == "tuning":
                rows.append({"clip": index, "text": got.utterance.text, "outcome": seen})
        clips[gravest] += 1
        print(f"  clip {index + 1}/{args.clips}: {gravest}", file=sys.stderr)
    if args.out and rows:
        Path(args.out).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(json.dumps({"split": args.split, "clips": args.clips, "audio_s": round(audio_s, 1),
                      "seat": seat.__name__, "clips_by_outcome": clips, "utterances_by_outcome": utterances,
                      "cpu_s": round(time.process_time() - started, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

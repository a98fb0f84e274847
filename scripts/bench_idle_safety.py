#!/usr/bin/env python3
"""Background chatter in the idle listen: how many clips end in the full safety response, the calm question,
or another activation.

Usage: scripts/bench_idle_safety.py [--split tuning|held_out] [--clips N] [--seed S]
Chatter is made as scripts/duration_probe.py (branch duration10) and scripts/bench_idle.py make it: espeak-ng
voices of one half of the hearing corpus taking turns (1-2 of that half's ordinary sentences and free answers per
turn, -30 dBFS, 0.6-0.9 s pauses, -65 dBFS noise). Each clip is heard as the idle listen hears it (front end,
endpointer, listener, pocketsphinx; kind "command" over the global commands and activation phrases) and every
utterance is decided by the seat the companion uses (`Interpreter.decide_unaddressed`, or `decide` with `--before`:
the rule before). After a calm question the television goes on: a fresh 20 s of the same chatter (the answer's
timeout; the question's own time is not heard, half duplex) is heard as the answer is (yes/no grammar, `decide`),
and a "yes" or danger there is the full response ("full_after_question"). A clip counts once, by its gravest
outcome: full safety response > calm question > another activation > nothing. Report the held-out split once,
aggregate only. Measured (60 clips, seed 11): tuning full / calm / other activation 12 / 2 / 21 before, 1 / 12 / 21
after (16 calm questions in 624 s); held-out, once: 8 / 4 / 25 before, 1 / 11 / 25 after (14 in 634 s).
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
from assistant.interpret import Decision, Interpreter  # noqa: E402
from assistant.schedule.companion import COMMAND_INTENTS  # noqa: E402
from assistant.simulate import voices  # noqa: E402

CONVERSATIONAL_DBFS = -30.0
GRAVITY = ("nothing", "activation", "calm_question", "full_safety")
ANSWER_INTENTS = ("yes", "no", "stop", "help_line")
"""What the calm question listens for (Companion.ask_about_danger)."""
ANSWER_S = 20.0
"""Companion.invite_timeout_s."""


def chatter_clip(spec: dict, split: str, rng: random.Random, turns: int, min_s: float = 0.0) -> bytes:
    """Voices of `split` taking turns over that half's sentences (as duration_probe / bench_idle); more turns
    until it lasts `min_s`."""
    names = corpus.voices(spec, split)
    lines = [*spec["ordinary"][split], *spec["free_answers"][split]]
    gen = np.random.default_rng(rng.randrange(1 << 30))
    pieces = []
    while turns > 0 or sum(len(p) for p in pieces) < 16000 * min_s:
        turns -= 1
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


def answered(hearing: LiveHearing, request: ListenRequest, interpreter: Interpreter, pcm: bytes) -> str:
    """The first answer the chatter gives the calm question within ANSWER_S: yes_or_danger, no, other, silence."""
    hearing.source.load(pcm)
    got = hearing.listener.listen(request, timeout_s=ANSWER_S)
    if got is None:
        return "silence"
    decision = interpreter.decide(got, "yes_no", ANSWER_INTENTS)
    if decision.intent in ("yes", "safety") or decision.danger != "none":
        return "yes_or_danger"
    return "no" if decision.intent in ("no", "stop") else "other"


def main(argv: list[str] | None = None) -> int:
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--split", choices=corpus.SPLITS, default="tuning")
    parse.add_argument("--clips", type=int, default=60)
    parse.add_argument("--seed", type=int, default=11)
    parse.add_argument("--before", action="store_true", help="decide as before the idle rule (`decide`)")
    parse.add_argument("--out", help="also write one JSON line per utterance here (tuning only)")
    args = parse.parse_args(argv)
    spec = corpus.load_spec()
    interpreter = pipeline.interpreter()
    interpreter.learn(pipeline.activation())
    seat = interpreter.decide if args.before else interpreter.decide_unaddressed
    intents = (*COMMAND_INTENTS, *pipeline.activation().names)
    request = ListenRequest("command", "idle", interpreter.phrases_for(intents), ())
    answer_request = ListenRequest("yes_no", "safety_check", interpreter.phrases_for(ANSWER_INTENTS), ())
    answers: dict[str, int] = {}
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
        while hearing.source.offset < len(hearing.source.pcm):
            got = hearing.listener.listen(request, timeout_s=duration_of(pcm))
            if got is None:
                continue
            seen = outcome(seat(got, "command", intents))
            utterances[seen] += 1
            if seen == "calm_question":
                rest = hearing.source.pcm[hearing.source.offset:]
                more = random.Random(f"{args.seed}:{args.split}:answer:{index}:{utterances[seen]}")
                answer = answered(hearing, answer_request, interpreter,
                                  chatter_clip(spec, args.split, more, 1, ANSWER_S))
                answers[answer] = answers.get(answer, 0) + 1
                seen = "full_safety" if answer == "yes_or_danger" else seen
                hearing.source.load(rest)  # the rest of the clip
            gravest = max(gravest, seen, key=GRAVITY.index)
            if args.split == "tuning":
                rows.append({"clip": index, "text": got.utterance.text, "outcome": seen})
        clips[gravest] += 1
        print(f"  clip {index + 1}/{args.clips}: {gravest}", file=sys.stderr)
    if args.out and rows:
        Path(args.out).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(json.dumps({"split": args.split, "clips": args.clips, "audio_s": round(audio_s, 1),
                      "seat": seat.__name__, "clips_by_outcome": clips, "utterances_by_outcome": utterances,
                      "chatter_answers_to_calm_question": answers,
                      "cpu_s": round(time.process_time() - started, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

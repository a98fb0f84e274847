#!/usr/bin/env python3
"""Typed-text hearing bench: every corpus item of one half as the exact transcript, through the interpreter.

Usage: scripts/bench_typed.py [--split tuning|held_out] [--verbose]   (or scripts/bench --only typed: held-out)

Each item of tests/corpus/hearing.yaml (listed phrasings, paraphrases, ratings, ordinary sentences, free answers
with time out / safety said inside) is handed, as a transcript at confidence 1.0 (what typed text, a Wyoming
service or a free-text decode gives), to the same `Interpreter` call the listening step of its kind makes
(`pipeline.interpreter()`: commands.yaml, acceptance.json, the lexicon danger check):

  command   `decide(kind "command", GLOBAL_COMMANDS)` (a command question: time out flow, cool-off, setup)
  idle      `decide(kind "command", companion COMMAND_INTENTS + activation)`, targets resume / time out / help
  invite    `decide(kind "ready", companion INVITE_INTENTS)`, target later
  yes_no, ready, rating, choice   `interpret(heard, Step(listen=kind))` (choice: the corpus's keep/change options)
  barge_in  `decide_under_voice(kind "barge_in", BARGE_IN_INTENTS)`
  free      `interpret(heard, Step(listen="free"))`: a sentinel item must give time_out/safety, any other an answer

Counted per kind: positives understood right / understood wrong (another intent or rating value) / missed,
and ordinary sentences (plus free answers in the free kind) taken as anything but "no match" / an answer.

SELECTION RULE (fixed before the first result): candidates are compared on the TUNING half only by
net = right - wrong - 2 x ordinary taken, summed over every kind (a false command, above all a false time out,
costs more than a missed one, which is only asked again); a candidate qualifies only if its ordinary taken on
tuning is not above main's and the trap tests pass (negation, "time out for the kids", "a break from work").
The best qualifying candidate is measured once on the held-out half; it ships if held-out understood rises by
5 points or more with ordinary taken not above main's held-out figure.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import pipeline  # noqa: E402
from assistant.dialog.schema import Step  # noqa: E402
from assistant.evaluation.corpus import CHOICE_OPTIONS, Item, items, load_spec  # noqa: E402
from assistant.interpret import GLOBAL_COMMANDS, Interpreter  # noqa: E402
from assistant.listening import Heard  # noqa: E402
from assistant.schedule.companion import COMMAND_INTENTS, INVITE_INTENTS  # noqa: E402
from assistant.stt.base import Utterance  # noqa: E402
from assistant.timeout.bargein import BARGE_IN_INTENTS  # noqa: E402

GOALS = {"typed.held_out.ordinary taken": ("<=", 0.05), "typed.held_out.paraphrases understood": (">=", 0.95)}
"""Goals shown beside this section's figures by scripts/bench."""
EXTRA_KINDS = {"idle": ("resume", "time_out", "help"), "invite": ("later",)}
"""Listening contexts the audio corpus does not have: the idle companion and a scheduled invitation."""

Meaning = tuple[str | None, int | None]


def heard(text: str) -> Heard:
    """A transcript as typed text arrives (confidence 1.0)."""
    return Heard(Utterance(text=text.lower(), confidence=1.0, start=0.0, end=0.0), 0.0, 0.0)


def listeners(interpreter: Interpreter) -> dict[str, Callable[[str], Meaning]]:
    """Kind -> what the listening step of that kind makes of a transcript (intent, rating value)."""
    activation = pipeline.activation()
    interpreter.learn(activation)
    idle = (*COMMAND_INTENTS, *activation.names)

    def step(kind: str) -> Callable[[str], Meaning]:
        options = {k: list(v) for k, v in CHOICE_OPTIONS.items()} if kind == "choice" else {}
        at = Step(id=f"bench_{kind}", say=["bench"], listen=kind, options=options)  # type: ignore[arg-type]

        def meaning(text: str) -> Meaning:
            event = interpreter.interpret(heard(text), at)
            if event.trigger == "no_match" or (kind == "free" and event.trigger == "answer"):
                return None, None
            answer = event.answer
            return event.intent or event.trigger, answer.rating if answer is not None else None
        return meaning

    def question(kind: str, intents: tuple[str, ...]) -> Callable[[str], Meaning]:
        return lambda text: (interpreter.decide(heard(text), kind, intents).intent, None)

    return {
        "command": question("command", GLOBAL_COMMANDS), "idle": question("command", idle),
        "invite": question("ready", INVITE_INTENTS),
        "yes_no": step("yes_no"), "ready": step("ready"), "rating": step("rating"), "choice": step("choice"),
        "barge_in": lambda text: (interpreter.decide_under_voice(heard(text), "barge_in",
                                                                 BARGE_IN_INTENTS).intent, None),
        "free": step("free"),
    }


def corpus_items(split: str) -> list[Item]:
    """The audio bench's items of `split`, plus the idle and invitation contexts (paraphrases + ordinary)."""
    spec = load_spec()
    found = items(spec, split)
    for kind, targets in EXTRA_KINDS.items():
        for intent in targets:
            found += [Item(p, kind, intent, "paraphrase") for p in spec["paraphrases"][intent][split]]
        found += [Item(s, kind, None, "ordinary") for s in spec["ordinary"][split]]
    return found


def run_split(split: str, verbose: bool = False) -> dict[str, Counter[str]]:
    """Counts per kind: right, wrong, missed (positives by source), taken (ordinary), n."""
    interpreter = pipeline.interpreter()
    hear = listeners(interpreter)
    counts: dict[str, Counter[str]] = {}
    for item in corpus_items(split):
        intent, value = hear[item.kind](item.text)
        tally = counts.setdefault(item.kind, Counter())
        if item.expected is None:
            outcome = "taken" if intent is not None else "ignored"
        elif intent is None:
            outcome = "missed"
        else:
            right = intent == item.expected and (item.rating is None or value == item.rating)
            outcome = "right" if right else "wrong"
        tally[f"{item.source}.{outcome}"] += 1
        if verbose and outcome in ("missed", "wrong", "taken"):
            print(f"  {item.kind:8s} {outcome:6s} {item.source:10s} {item.text!r} -> {intent}")
    return counts


def summary(counts: dict[str, Counter[str]]) -> dict[str, tuple[int, int]]:
    """(hits, total) per headline figure."""
    def total(kinds: list[str], sources: tuple[str, ...], outcome: str) -> tuple[int, int]:
        hits = sum(counts[k][f"{s}.{outcome}"] for k in kinds for s in sources)
        n = sum(v for k in kinds for key, v in counts[k].items() if key.split(".")[0] in sources)
        return hits, n

    closed = [k for k in counts if k != "free"]
    return {
        "paraphrases understood": total(closed, ("paraphrase",), "right"),
        "paraphrases understood wrong": total(closed, ("paraphrase",), "wrong"),
        "listed understood": total(closed, ("listed",), "right"),
        "ratings understood": total(["rating"], ("rating",), "right"),
        "ordinary taken": total(closed, ("ordinary",), "taken"),
        "sentinel caught in free answer": total(["free"], ("sentinel",), "right"),
        "free answer / ordinary taken in a free step": total(["free"], ("free", "ordinary"), "taken"),
    }


def net(counts: dict[str, Counter[str]]) -> int:
    """The selection score: right - wrong - 2 x taken over every kind and source."""
    tally: Counter[str] = sum(counts.values(), Counter())
    def of(outcome: str) -> int:
        return sum(v for key, v in tally.items() if key.endswith(f".{outcome}"))
    return of("right") - of("wrong") - 2 * of("taken")


def run(section: dict[str, object]) -> None:
    """Entry point for scripts/bench's section loader: the held-out half's headline shares."""
    figures = summary(run_split("held_out"))
    section["typed"] = {"held_out": {name: round(hits / n, 3) if n else None for name, (hits, n) in figures.items()}}


def main(argv: list[str] | None = None) -> int:
    """Run from the command line."""
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--split", default="tuning", choices=("tuning", "held_out"))
    parse.add_argument("--verbose", action="store_true", help="list every miss, wrong intent and ordinary taken")
    args = parse.parse_args(argv)
    counts = run_split(args.split, args.verbose)
    print(f"typed transcripts, {args.split} half (load {os.getloadavg()[0]:.1f})")
    for kind, tally in counts.items():
        print(f"  {kind:8s} " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    for name, (hits, n) in summary(counts).items():
        print(f"{name:45s} {100 * hits / n if n else 0:5.1f}% ({hits}/{n})")
    print(f"net (right - wrong - 2 x taken) {net(counts)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

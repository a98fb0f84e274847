#!/usr/bin/env python3
"""Hearing bench: the held-out half of the corpus through the real recogniser at the calibrated thresholds.

Usage: scripts/bench hearing [--calibrate] [--engine pocketsphinx] [--per-item N] [--every N] [--out DIR]
  --calibrate  first decode the TUNING half, choose one threshold per listening kind, write them (with the
               figures that chose them) to DIR/acceptance.json, then report the held-out half at them;
               without it the held-out half is judged at the shipped assistant/acceptance.json.
Prints a per-condition table (voice accent/variant, rate, noise, SNR, reverb, listed vs paraphrase),
the endpoint delay (true end of speech in the audio -> engine decision) and draws a DET curve PNG.
A speech front end plugs in via assistant.evaluation.hearing.as_frontend (identity until merged).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evaluation import calibrate, corpus, report  # noqa: E402
from assistant.evaluation.hearing import Frontend, Observation, identity, observe_all  # noqa: E402
from assistant.stt.base import Recognizer  # noqa: E402

GOALS = {
    "held_out.commands understood": (">=", 0.95), "held_out.ordinary taken as command": ("<=", 0.05),
    "held_out.ratings understood": (">=", 0.95), "held_out.sentinel caught in free answer": (">=", 0.90),
    "end_of_speech_to_engine_decision_short_p50_ms": ("<=", 300),
}
"""Goals shown beside this section's figures by scripts/bench."""
def engine_factory(name: str) -> Callable[[], Recognizer]:
    """The recogniser a process would build (pocketsphinx; vosk needs an English model)."""
    if name == "pocketsphinx":
        from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

        return lambda: PocketsphinxRecognizer()
    from assistant.stt.models import find_model
    from assistant.stt.vosk_engine import VoskRecognizer

    model = find_model()
    if model is None:
        raise SystemExit("no English vosk model installed (assistant models download); use --engine pocketsphinx")
    return lambda: VoskRecognizer(model)


def auc(observations: list[Observation]) -> float:
    """Area under the ROC of the acceptance score: correct positives against distractors given an intent."""
    good = [o.score for o in observations if o.positive and o.correct]
    bad = [o.score for o in observations if not o.positive and o.intent is not None]
    if not good or not bad:
        return float("nan")
    wins = sum((g > b) + 0.5 * (g == b) for g in good for b in bad)
    return wins / (len(good) * len(bad))


def decode(split: str, engine: str, per_item: int, frontend: Frontend, every: int = 1) -> list[Observation]:
    """Observe one half of the corpus (every `every`th sample), printing progress on stderr."""
    samples = corpus.samples(split, per_item=per_item)[::every]
    started = time.perf_counter()
    print(f"{split}: {len(samples)} utterances", file=sys.stderr)

    def progress(index: int) -> None:
        if index % 50 == 0:
            print(f"  {index}/{len(samples)} {time.perf_counter() - started:.0f}s", file=sys.stderr)

    return observe_all(engine_factory(engine), samples, frontend=frontend, progress=progress)


def run_hearing(args: argparse.Namespace, frontend: Frontend = identity) -> dict:
    """Calibrate (optionally) and report the held-out half; returns the figures."""
    results: dict = {}
    policy = calibrate.ACCEPTANCE_FILE
    if args.calibrate:
        tuning = decode("tuning", args.engine, args.per_item, frontend, args.every)
        content = calibrate.calibrate(tuning, "tuning", args.engine)
        policy = calibrate.write(content, Path(args.out) / "acceptance.json")
        results["score_auc_tuning"] = round(auc(tuning), 3)
        print("acceptance score, AUC on the tuning half:", results["score_auc_tuning"])
        for kind, figures in content["chosen_on"].items():
            if "miss" not in figures:
                continue
            print(f"  {kind:9s} threshold {content['thresholds'][kind]:.4f}  miss {figures['miss']:.3f}  "
                  f"false accept {figures['false_accept']:.3f}  n={figures['n']}")
    thresholds = calibrate.load_thresholds(policy)
    held_out = decode("held_out", args.engine, args.per_item, frontend, args.every)
    print("\n".join(report.table(held_out, thresholds)))
    results["held_out"] = {name: round(hits / total, 3) if total else None
                           for name, (hits, total) in report.figures(held_out, thresholds).items()}
    results["held_out_utterances"] = len(held_out)
    for label, kinds in (("short", report.SHORT_KINDS), ("free", ("free",))):
        delays = report.endpoint_delays(held_out, kinds)
        median = report.p50(delays)
        results[f"end_of_speech_to_engine_decision_{label}_p50_ms"] = round(1000 * median) if median else None
        every = sorted(report.endpoint_delays(held_out, kinds, clean_only=False))
        print(f"end of speech (audio) -> engine decision, {label} answers: clean p50 "
              f"{1000 * (median or float('nan')):.0f} ms over {len(delays)}; all conditions p50 "
              f"{1000 * (report.p50(every) or float('nan')):.0f} / p95 {1000 * (report.p95(every) or float('nan')):.0f}"
              f" / max {1000 * max(every, default=float('nan')):.0f} ms over {len(every)}")
    results["decode_cpu_s_per_utterance"] = round(sum(o.decode_s for o in held_out) / max(1, len(held_out)), 3)
    path = report.draw_det(held_out, thresholds, Path(args.out) / "hearing-det.png",
                           f"{args.engine}, held-out half ({len(held_out)} utterances)")
    results["det_plot"] = str(path)
    print(f"DET curve: {path}")
    return results


def parser() -> argparse.ArgumentParser:
    """Command-line options of the hearing bench."""
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--calibrate", action="store_true", help="choose thresholds on the tuning half first")
    parse.add_argument("--engine", default="pocketsphinx", choices=["pocketsphinx", "vosk"])
    parse.add_argument("--per-item", type=int, default=1, help="conditions per corpus item (default 1)")
    parse.add_argument("--every", type=int, default=1, help="decode every Nth sample only (CPU budget)")
    parse.add_argument("--out", default=str(ROOT / "bench-results"))
    return parse


def run(section: dict) -> None:
    """Entry point for scripts/bench's section loader (held-out report at the stored thresholds)."""
    section.update(run_hearing(parser().parse_args([])))


def main(argv: list[str] | None = None) -> int:
    """Run from the command line."""
    run_hearing(parser().parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

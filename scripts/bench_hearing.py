#!/usr/bin/env python3
"""Hearing bench: one half of the corpus as the live path hears it, and through the engine alone.

Usage: scripts/bench hearing [--calibrate] [--engine pocketsphinx] [--per-item N] [--every N] [--out DIR]
                             [--path frontend|engine|both] [--split held_out|tuning] [--front KEY=VALUE ...]
  --path       frontend: each sample streamed through the front end, endpointer and per-kind hang-over that
               `run` builds from the settings, into the recogniser it builds (assistant/evaluation/live_hearing.py);
               engine: the engine alone on the raw clip; both (default): both, the front end's as the headline.
  --front      a [frontend] setting for the front-end path (the shipped defaults otherwise; no settings file).
  --calibrate  first decode the TUNING half, choose one threshold per listening kind, write them (with the
               figures that chose them) to DIR/acceptance.json, then report at them;
               without it the figures are judged at the shipped assistant/acceptance.json.
Prints a per-condition and per-kind table (voice accent/variant, rate, noise, SNR, reverb, listed vs paraphrase),
the decision delay (true end of speech in the audio -> the listener's or engine's decision, plus the CPU time
of the call that returned it), what was heard for each rating, and draws a DET curve PNG.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import msgspec
import tomllib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.evaluation import calibrate, corpus, report  # noqa: E402
from assistant.evaluation.hearing import Frontend, Observation, identity, observe_all  # noqa: E402
from assistant.evaluation.live_hearing import observe_live  # noqa: E402
from assistant.stt.base import Recognizer  # noqa: E402

GOALS = {
    "held_out.commands understood": (">=", 0.95), "held_out.ordinary taken as command": ("<=", 0.05),
    "held_out.ratings understood": (">=", 0.95), "held_out.sentinel caught in free answer": (">=", 0.90),
    "end_of_speech_to_decision_short_p50_ms": ("<=", 300),
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


PATHS = ("frontend", "engine")
"""frontend: each sample as `run` hears it (assistant.evaluation.live_hearing); engine: the engine alone."""


def settings_of(overrides: list[str]) -> Settings:
    """The shipped defaults with `[frontend]` KEY=VALUE overrides (the user's settings file is not read)."""
    table: dict[str, object] = {}
    for pair in overrides:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--front {pair!r}: write KEY=VALUE, e.g. --front denoised_to_recogniser=true")
        try:  # a TOML value, as in the settings file (true, 3, 0.5, "webrtc"); bare words as text
            table[key.strip()] = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            table[key.strip()] = value.strip()
    try:
        return Settings.model_validate({"frontend": table})
    except ValueError as exc:
        raise SystemExit(f"--front: {exc}") from exc


def decode(split: str, engine: str, per_item: int, frontend: Frontend, every: int = 1, path: str = "engine",
           settings: Settings | None = None) -> list[Observation]:
    """Observe one half of the corpus (every `every`th sample) along `path`, printing progress on stderr."""
    samples = corpus.samples(split, per_item=per_item)[::every]
    started = time.perf_counter()
    print(f"{split}, {path}: {len(samples)} utterances", file=sys.stderr)

    def progress(index: int) -> None:
        if index % 50 == 0:
            print(f"  {index}/{len(samples)} {time.perf_counter() - started:.0f}s", file=sys.stderr)

    if path == "frontend":
        return observe_live(settings or Settings(), samples, engine, progress=progress)
    return observe_all(engine_factory(engine), samples, frontend=frontend, progress=progress)


def report_split(observed: list[Observation], thresholds: dict[str, float], label: str) -> dict:
    """Print one path's table, decision delays and heard ratings; its figures."""
    print(f"\n== {label}: {len(observed)} utterances, load {os.getloadavg()[0]:.1f} ==")
    print("\n".join(report.table(observed, thresholds)))
    counts = report.figures(observed, thresholds)
    results: dict = {"figures": {name: round(hits / total, 3) if total else None
                                 for name, (hits, total) in counts.items()},
                     "utterances": len(observed)}
    for name, (hits, total) in counts.items():
        results["figures"][f"{name} n"] = f"{hits}/{total}"
    for span, kinds in (("short", report.SHORT_KINDS), ("free", ("free",))):
        delays = report.endpoint_delays(observed, kinds)
        median = report.p50(delays)
        results[f"decision_{span}_p50_ms"] = round(1000 * median) if median else None
        every = sorted(report.endpoint_delays(observed, kinds, clean_only=False))
        print(f"end of speech (audio) -> decision, {span} answers: clean p50 "
              f"{1000 * (median or float('nan')):.0f} ms over {len(delays)}; all conditions p50 "
              f"{1000 * (report.p50(every) or float('nan')):.0f} / p95 {1000 * (report.p95(every) or float('nan')):.0f}"
              f" / max {1000 * max(every, default=float('nan')):.0f} ms over {len(every)}")
    results["decode_cpu_s_per_utterance"] = round(sum(o.decode_s for o in observed) / max(1, len(observed)), 3)
    for line in report.heard_lines(observed, "rating"):
        print(line)
    return results


def run_hearing(args: argparse.Namespace, frontend: Frontend = identity) -> dict:
    """Calibrate (optionally), then report one half along each path; returns the figures (the front-end
    path's under the headline keys when it ran)."""
    results: dict = {}
    policy = calibrate.ACCEPTANCE_FILE
    settings = settings_of(args.front)
    paths = PATHS if args.path == "both" else (args.path,)
    if args.calibrate:
        tuning = decode("tuning", args.engine, args.per_item, frontend, args.every, paths[0], settings)
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
    knobs = {name: value for name, value in msgspec.structs.asdict(settings.frontend).items() if name != "endpoint"}
    print(f"[frontend] {knobs}")
    for path in paths:
        observed = decode(args.split, args.engine, args.per_item, frontend, args.every, path, settings)
        figures = report_split(observed, thresholds, f"{args.split}, {PATH_LABELS[path]}")
        if path == "frontend" or len(paths) == 1:
            results[args.split] = figures.pop("figures")
            results[f"{args.split}_utterances"] = figures.pop("utterances")
            results.update({f"end_of_speech_to_{k}": v for k, v in figures.items() if k.startswith("decision")})
            results["decode_cpu_s_per_utterance"] = figures["decode_cpu_s_per_utterance"]
            plot = report.draw_det(observed, thresholds, Path(args.out) / "hearing-det.png",
                                   f"{args.engine}, {PATH_LABELS[path]}, {args.split} ({len(observed)} utterances)")
            results["det_plot"] = str(plot)
            print(f"DET curve: {plot}")
        else:
            results["engine_alone"] = figures
    return results


PATH_LABELS = {"frontend": "through the front end (as run hears)", "engine": "engine alone"}


def parser() -> argparse.ArgumentParser:
    """Command-line options of the hearing bench."""
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--calibrate", action="store_true", help="choose thresholds on the tuning half first")
    parse.add_argument("--engine", default="pocketsphinx", choices=["pocketsphinx", "vosk"])
    parse.add_argument("--per-item", type=int, default=1, help="conditions per corpus item (default 1)")
    parse.add_argument("--every", type=int, default=1, help="decode every Nth sample only (CPU budget)")
    parse.add_argument("--out", default=str(ROOT / "bench-results"))
    parse.add_argument("--path", default="both", choices=[*PATHS, "both"],
                       help="frontend: as `run` hears (front end, endpointer, listener); engine: the engine alone")
    parse.add_argument("--split", default="held_out", choices=corpus.SPLITS,
                       help="the half to report (choose settings on tuning, report held_out once)")
    parse.add_argument("--front", action="append", default=[], metavar="KEY=VALUE",
                       help="a [frontend] setting for the front-end path, e.g. denoised_to_recogniser=true")
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

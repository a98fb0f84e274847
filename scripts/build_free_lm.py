"""Build the free-text language model: the product's own language mixed with pocketsphinx's general en-us model.

Training text (tuning material only; the spoken safety bench's sentences are kept out):
- tests/corpus/safety_tuning3..8.yaml: danger, ambiguous and everyday lines (safety_tuning.yaml and
  safety_tuning2.yaml are left out whole: the spoken bench, tests/safety_spoken.py, draws its lines from them);
- tests/corpus/safety_spoken6.yaml, its `tune` half only (its held-out half stays a measure);
- tests/corpus/hearing.yaml, every `tuning` half (paraphrases, ratings, ordinary sentences, free answers, inserts);
- dialogs/commands.yaml (what partners say to the companion) and the safety lexicon's spoken phrases.
Never read: safety_heldout.yaml, any held-out half. A training line equal to a bench line is dropped too.

Words are lower-cased, punctuation other than apostrophes removed, digits dropped; a word the pocketsphinx
dictionary does not know ends the sentence there (the text after it starts a new one), so no n-gram spans it.

Run: `nice .venv/bin/python scripts/build_free_lm.py [--weight W] [--vocabulary K] [--out PATH]`; it writes
assistant/stt/free_lm.arpa (package data) and prints the sizes and the overlap check.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from danger_corpus import TUNING3, TUNING4, TUNING5, TUNING6, TUNING7, TUNING8, read_corpus  # noqa: E402
from pocketsphinx import Decoder, NGramModel  # noqa: E402
from safety_spoken import spoken_lines  # noqa: E402
from safety_spoken6 import spoken6  # noqa: E402

from assistant.danger import DangerDetector  # noqa: E402
from assistant.stt.free_lm import PACKAGED_LM  # noqa: E402
from assistant.stt.lm_estimate import mix, witten_bell, write_arpa  # noqa: E402

WEIGHT = 0.9
"""Share of the domain model in the mix, chosen on tuning material only: on the bench's tuned voice (sentences kept
out of training) 0.5 / 0.7 / 0.9 caught 30 / 40 / 40% of spoken danger (general model 25%), 0 / 1 / 1 false stops
in 20; on safety_spoken6's tune half (trained-on sentences, its tune voices) 0.7 / 0.9 caught 40.9 / 43.2%
(general 29.5%), no false stops. The held-out voices were measured once, after the choice."""
VOCABULARY = 20000
"""The general model's most probable words kept beside the domain's (the general model has 72,547)."""


def training_lines() -> list[str]:
    """Every training line (see the module docstring), before normalisation."""
    lines = [line for path in (TUNING3, TUNING4, TUNING5, TUNING6, TUNING7, TUNING8)
             for kind in read_corpus(path).values()
             for line in kind]
    lines += [line for kind in spoken6("tune").values() for line in kind]
    lines += _tuning_halves(yaml.safe_load((ROOT / "tests/corpus/hearing.yaml").read_text(encoding="utf-8")))
    commands = yaml.safe_load((ROOT / "dialogs/commands.yaml").read_text(encoding="utf-8"))["intents"]
    lines += [str(phrase) for phrases in commands.values() for phrase in phrases]
    lines += list(DangerDetector.load(ROOT / "dialogs", ("Alex", "Sam")).spoken_phrases())
    return lines


def _tuning_halves(node: object) -> list[str]:
    """The strings under every `tuning` key of the hearing corpus (keys of a mapping count: they are phrases)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _strings(value) if key == "tuning" else _tuning_halves(value)
    return found


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [str(key) for key in node]
    if isinstance(node, list):
        return [str(item) for item in node]
    return []


def sentences(lines: list[str], known: set[str]) -> list[list[str]]:
    """Normalised word lists, split at words outside the dictionary."""
    out: list[list[str]] = []
    for line in lines:
        run: list[str] = []
        for word in re.sub(r"[^a-z' ]+", " ", line.lower().replace("’", "'")).split():
            word = word.strip("'")
            if word in known:
                run.append(word)
            elif run:
                out.append(run)
                run = []
        if run:
            out.append(run)
    return out


def main() -> None:
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--weight", type=float, default=WEIGHT)
    parse.add_argument("--vocabulary", type=int, default=VOCABULARY)
    parse.add_argument("--out", type=Path, default=PACKAGED_LM)
    args = parse.parse_args()
    decoder = Decoder(logfn="/dev/null")
    logmath = decoder.get_logmath()
    general = NGramModel(decoder.config, logmath, decoder.config["lm"])
    dictionary = decoder.config["dict"]
    known = {line.split()[0].split("(")[0] for line in Path(dictionary).read_text(encoding="utf-8").splitlines()
             if line.strip()}
    bench = {" ".join(words) for lines in spoken_lines(20).values() for words in sentences(lines, known)}
    text = [words for words in sentences(training_lines(), known) if " ".join(words) not in bench]
    unknown = sum(1 for line in training_lines() for w in re.sub(r"[^a-z' ]+", " ", line.lower()).split()
                  if w.strip("'") not in known)
    floor = general.prob(["zzzzqqq"])

    def general_prob(gram: tuple[str, ...]) -> float:
        # pocketsphinx's prob() takes the word first, then its history (most recent first)
        return float(logmath.exp(general.prob(list(reversed(gram)))))

    ranked = sorted((w for w in known if general.prob([w]) > floor), key=lambda w: (-general.prob([w]), w))
    model = mix(witten_bell(text), general_prob, ranked[:args.vocabulary], args.weight)
    args.out.write_text(write_arpa(model), encoding="utf-8")
    orders = [sum(len(g) == n for g in model) for n in (1, 2, 3)]
    print(f"{len(text)} training sentences, {sum(map(len, text))} words ({unknown} out-of-dictionary words "
          f"split at); bench lines kept out: {len(bench)}; n-grams {orders}; weight {args.weight}; "
          f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

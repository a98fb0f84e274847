"""Measured, not kept: two ways to hear danger in free speech with pocketsphinx (issue 12, spoken goal).

1. Keyword spotting (`kws`): danger key phrases, each with a threshold of 10^-(k x its phone count), swept over
   k on the TUNING voices. A line counts as caught when any phrase is spotted in a danger line, as a false
   alarm when any is spotted in an everyday line.
2. A domain language model: a bigram model (absolute discounting, D = 0.5) estimated on the text of
   tests/corpus/safety_tuning3.yaml only, used for free decoding; the transcript is judged by the detector.
   The spoken lines come from the other two tuning corpora, so the model has not seen them.

Audio: the short lines of tests/safety_spoken.py (20 danger + 20 everyday) spoken by espeak-ng.
Run: `nice .venv/bin/python scripts/safety_spoken_probe.py` (about 3 minutes); figures in dialogs/README.md.
"""

from __future__ import annotations

import collections
import math
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from danger_corpus import TUNING3, read_corpus  # noqa: E402
from pocketsphinx import Decoder  # noqa: E402
from safety_spoken import HELD_OUT_VOICES, TUNED_VOICES, spoken_lines  # noqa: E402

from assistant.danger import DangerDetector  # noqa: E402
from assistant.simulate import voices  # noqa: E402

KEY_PHRASES = ("hit me", "hits me", "pushed me", "choked me", "strangled me", "slapped me", "punched me", "kicked me",
               "beat me", "raped me", "threatened me", "grabbed me", "shoved me", "kill myself", "hurt myself",
               "cut myself", "harm myself", "end my life", "want to die", "wish i was dead", "better off dead",
               "not safe", "scared of him", "afraid of him", "scared of her", "afraid of her", "in danger",
               "kill you", "kill him", "kill her", "let me leave", "locked me in", "a gun", "a knife",
               "want to live", "death threats", "forced me")
"""Cores of the lexicon's rules (an act and its object), as a speaker says them."""


def _decode(decoder: Decoder, pcm: bytes) -> Decoder:
    decoder.start_utt()
    decoder.process_raw(pcm, False, True)
    decoder.end_utt()
    return decoder


def spotting(audio: dict[tuple[str, str], list[bytes]], work: Path) -> None:
    """Print caught / false-alarm shares of keyword spotting for each k."""
    decoder = Decoder(logfn="/dev/null")
    known = [p for p in KEY_PHRASES if all(decoder.lookup_word(w) is not None for w in p.split())]
    for k in (2, 3, 4, 5, 6):
        path = work / f"kws{k}.txt"
        path.write_text("".join(f"{p} /1e-{round(k * sum(len(decoder.lookup_word(w).split()) for w in p.split()))}/\n"
                                for p in known))
        decoder.add_kws(f"k{k}", str(path))
        decoder.activate_search(f"k{k}")
        for split in ("tuned", "held_out"):
            share = {kind: sum(bool(_decode(decoder, pcm).seg()) for pcm in audio[(split, kind)])
                     / len(audio[(split, kind)]) for kind in ("danger", "everyday")}
            print(f"kws k={k} {split}: danger spotted {100 * share['danger']:.0f}%, "
                  f"everyday spotted {100 * share['everyday']:.0f}%")


def domain_model(audio: dict[tuple[str, str], list[bytes]], work: Path) -> None:
    """Print caught / false-stop shares of free decoding with a bigram model of safety_tuning3's text."""
    probe = Decoder(logfn="/dev/null")
    corpus = read_corpus(TUNING3)
    sentences = [[w for w in re.sub(r"[^a-z' ]+", " ", line.lower()).split() if probe.lookup_word(w) is not None]
                 for lines in corpus.values() for line in lines]
    arpa = work / "domain.arpa"
    arpa.write_text(_bigram_arpa([s for s in sentences if s]))
    decoder, detector = Decoder(lm=str(arpa), logfn="/dev/null"), DangerDetector.load(ROOT / "dialogs")
    for split in ("tuned", "held_out"):
        levels = {kind: [detector.assess(hyp.hypstr if (hyp := _decode(decoder, pcm).hyp()) else "").level
                         for pcm in audio[(split, kind)]] for kind in ("danger", "everyday")}
        caught = sum(level != "none" for level in levels["danger"]) / len(levels["danger"])
        false = sum(level == "danger" for level in levels["everyday"]) / len(levels["everyday"])
        print(f"domain model {split}: danger caught {100 * caught:.0f}%, false stops {100 * false:.0f}%")


def _bigram_arpa(sentences: list[list[str]], discount: float = 0.5) -> str:
    unigrams: collections.Counter[str] = collections.Counter()
    bigrams: collections.Counter[tuple[str, str]] = collections.Counter()
    for words in sentences:
        tokens = ["<s>", *words, "</s>"]
        unigrams.update(tokens)
        bigrams.update(zip(tokens, tokens[1:], strict=False))
    total = sum(n for w, n in unigrams.items() if w != "<s>")
    p_uni = {w: (n + 1) / (total + len(unigrams)) for w, n in unigrams.items()}
    following: dict[str, list[tuple[str, int]]] = collections.defaultdict(list)
    for (first, second), n in bigrams.items():
        following[first].append((second, n))
    lines = ["\\data\\", f"ngram 1={len(unigrams)}", f"ngram 2={len(bigrams)}", "", "\\1-grams:"]
    for word in unigrams:
        seen = following[word]
        count = sum(n for _, n in seen)
        rest = 1 - sum(p_uni[w] for w, _ in seen)
        backoff = math.log10(discount * len(seen) / count / rest) if count and rest > 0 else 0.0
        lines.append(f"{-99.0 if word == '<s>' else math.log10(p_uni[word]):.4f} {word} {backoff:.4f}")
    lines += ["", "\\2-grams:"]
    for (first, second), n in bigrams.items():
        lines.append(f"{math.log10((n - discount) / sum(m for _, m in following[first])):.4f} {first} {second}")
    return "\n".join([*lines, "", "\\end\\", ""])


def main() -> None:
    lines = spoken_lines(20)
    audio = {(split, kind): [voices.speak(text, voice=voice, rate=rate, pitch=pitch)
                             for voice, pitch, rate in voice_set for text in lines[kind]]
             for split, voice_set in (("tuned", TUNED_VOICES), ("held_out", HELD_OUT_VOICES))
             for kind in ("danger", "everyday")}
    with tempfile.TemporaryDirectory() as folder:
        spotting(audio, Path(folder))
        domain_model(audio, Path(folder))


if __name__ == "__main__":
    main()

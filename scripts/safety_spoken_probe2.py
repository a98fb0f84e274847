"""Round 5 (issue 12, spoken): does a second look at the same audio find the danger pocketsphinx's 1-best loses?

On the round-5 spoken corpus (tests/safety_spoken6.py: new wordings and voices, tune / held-out halves), each
clip is heard three ways and the transcript(s) judged by the danger detector:
- engine: the product's path (front end + PocketsphinxRecognizer, free text + the sentinel grammar pass of the
  safety and time-out phrasings and the lexicon's spoken phrases), judged as the bench judges a free answer;
- nbest: pocketsphinx with lattice rescoring (bestpath), the detector run over the 50 best hypotheses, alarm if
  any is danger/ambiguous (a false stop if any is danger);
- domain: a bigram model of the text of safety_tuning3 + safety_tuning4 (no line of this corpus or the bench's),
  1-best judged.
CPU seconds per utterance are process time of the decoding (and judging) only; audio synthesis is excluded.
Run: `nice .venv/bin/python scripts/safety_spoken_probe2.py tune|held_out` (a few minutes per half).
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

from danger_corpus import TUNING3, TUNING4, read_corpus  # noqa: E402
from pocketsphinx import Decoder  # noqa: E402
from safety_spoken6 import HELD_OUT_VOICES, TUNE_VOICES, spoken6  # noqa: E402
from safety_spoken_probe import _bigram_arpa  # noqa: E402

from assistant.audio.base import ListenRequest  # noqa: E402
from assistant.audio.sources import ScriptedSource  # noqa: E402
from assistant.clock import VirtualClock  # noqa: E402
from assistant.danger import DangerDetector  # noqa: E402
from assistant.intents import IntentMatcher  # noqa: E402
from assistant.interpret import SENTINEL_INTENTS  # noqa: E402
from assistant.listener import Listener  # noqa: E402
from assistant.simulate import voices  # noqa: E402
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: E402

NBEST = 50


def _decode(decoder: Decoder, pcm: bytes) -> Decoder:
    decoder.start_utt()
    decoder.process_raw(pcm, False, True)
    decoder.end_utt()
    return decoder


def _domain_decoder(work: Path) -> Decoder:
    probe = Decoder(logfn="/dev/null")
    lines = [line for path in (TUNING3, TUNING4) for lines in read_corpus(path).values() for line in lines]
    sentences = [[w for w in re.sub(r"[^a-z' ]+", " ", line.lower()).split() if probe.lookup_word(w) is not None]
                 for line in lines]
    arpa = work / "domain.arpa"
    arpa.write_text(_bigram_arpa([s for s in sentences if s]))
    return Decoder(lm=str(arpa), logfn="/dev/null")


def main(split: str) -> None:
    detector = DangerDetector.load(ROOT / "dialogs", ("Alex", "Sam"))
    matcher = IntentMatcher.load()
    sentinel = tuple(dict.fromkeys([*matcher.phrases_for(SENTINEL_INTENTS), *detector.spoken_phrases()]))

    def judge(text: str) -> str:
        return "danger" if matcher.match(text, {"safety"}) == "safety" else detector.assess(text).level

    clock = VirtualClock()
    source = ScriptedSource(clock=clock)
    listener = Listener(source, PocketsphinxRecognizer(), clock)
    request = ListenRequest(kind="free", step="probe.safety", phrases=(), sentinel=sentinel)
    nbest = Decoder(logfn="/dev/null", bestpath=True)
    with tempfile.TemporaryDirectory() as folder:
        domain = _domain_decoder(Path(folder))
    hits = {way: {"danger": [], "everyday": []} for way in ("engine", "nbest", "domain")}
    cpu: dict[str, list[float]] = {way: [] for way in hits}
    for voice, pitch, rate in TUNE_VOICES if split == "tune" else HELD_OUT_VOICES:
        for kind, lines in spoken6(split).items():
            for line in lines:
                pcm = voices.speak(line, voice=voice, rate=rate, pitch=pitch)
                tick = time.process_time()
                source.push(pcm)
                heard = listener.listen(request)
                levels = [judge(heard.utterance.text) if heard else "none"]
                cpu["engine"].append(time.process_time() - tick)
                hits["engine"][kind].append(levels)
                tick = time.process_time()
                best = zip(_decode(nbest, pcm).nbest(), range(NBEST), strict=False)
                texts = [h.hypstr for h, _ in best if h is not None]
                hits["nbest"][kind].append([detector.assess(t).level for t in texts])
                cpu["nbest"].append(time.process_time() - tick)
                tick = time.process_time()
                hyp = _decode(domain, pcm).hyp()
                hits["domain"][kind].append([detector.assess(hyp.hypstr if hyp else "").level])
                cpu["domain"].append(time.process_time() - tick)
    for way, found in hits.items():
        caught = sum(any(level != "none" for level in levels) for levels in found["danger"])
        false = sum("danger" in levels for levels in found["everyday"])
        times = cpu[way]
        print(f"{split} {way}: danger caught {caught}/{len(found['danger'])} "
              f"({100 * caught / len(found['danger']):.1f}%), false stops {false}/{len(found['everyday'])} "
              f"({100 * false / len(found['everyday']):.1f}%), CPU s/utterance min/median/max "
              f"{min(times):.2f}/{statistics.median(times):.2f}/{max(times):.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tune")

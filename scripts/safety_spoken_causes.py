"""Where spoken danger is lost (issue 12): transcription or detection, per line and listening kind.

For each short line of the bench sample (tests/safety_spoken.py) spoken by the held-out voices, prints the
reference's verdict, the free-text 1-best and its verdict, the sentinel pass's phrase (if any), and what a
yes/no grammar step hears; then totals by cause. Run: `nice .venv/bin/python scripts/safety_spoken_causes.py`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from safety_spoken import HELD_OUT_VOICES, spoken_lines  # noqa: E402

from assistant.danger import DangerDetector  # noqa: E402
from assistant.dialog.library import DialogLibrary  # noqa: E402
from assistant.intents import IntentMatcher  # noqa: E402
from assistant.interpret import SENTINEL_INTENTS, Interpreter  # noqa: E402
from assistant.simulate import voices  # noqa: E402
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: E402


def decode(recognizer: PocketsphinxRecognizer, pcm: bytes) -> str:
    """The utterance text for one clip (whole clip, engine endpointing)."""
    recognizer.reset()
    got = recognizer.accept(pcm) or recognizer.flush()
    return got.text if got else ""


def main() -> None:
    detector = DangerDetector.load(ROOT / "dialogs", ("Alex", "Sam"))
    matcher = IntentMatcher.load()
    sentinel = tuple(dict.fromkeys([*matcher.phrases_for(SENTINEL_INTENTS), *detector.spoken_phrases()]))
    free, with_sentinel, yes_no = (PocketsphinxRecognizer() for _ in range(3))
    free.set_phrases(None)
    with_sentinel.set_phrases(None, sentinel)
    step = next(s for s in DialogLibrary.load().scripts["checkin"].steps if s.listen == "yes_no")
    interpreter = Interpreter(matcher, danger=None)
    yes_no.set_phrases(interpreter.phrases(step))
    rows = []
    for voice, pitch, rate in HELD_OUT_VOICES:
        for kind, texts in spoken_lines(20).items():
            for text in texts:
                pcm = voices.speak(text, voice=voice, rate=rate, pitch=pitch)
                heard = decode(free, pcm)
                rows.append({"voice": voice, "kind": kind, "ref": text, "ref_level": detector.assess(text).level,
                             "free": heard, "free_level": detector.assess(heard).level,
                             "sentinel": decode(with_sentinel, pcm), "yes_no": decode(yes_no, pcm)})
                print(json.dumps(rows[-1]), flush=True)
    safety = set(matcher.phrases_for(["safety"]))
    for kind in ("danger", "everyday"):
        some = [r for r in rows if r["kind"] == kind]
        print(f"{kind} lines {len(some)} | reference judged danger/ambiguous",
              sum(r["ref_level"] != "none" for r in some),
              "| free 1-best judged danger/ambiguous", sum(r["free_level"] != "none" for r in some),
              "| sentinel pass returned a sentinel phrase", sum(r["sentinel"] in sentinel for r in some),
              "| yes/no grammar heard a safety phrasing", sum(r["yes_no"] in safety for r in some))

if __name__ == "__main__":
    main()

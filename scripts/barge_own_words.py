"""Measure rules for a phrase heard under the assistant's own voice, on trials recorded by scripts/barge_record.py.

Replays each trial as scripts/barge_replay.py does (whole front end, gate, recogniser) and, for every utterance the
barge-in grammar heard as one of its phrases, prints the evidence each candidate rule would use:
- `again`: the utterance decoded again whole on a second engine (control: the same grammar);
- `line`: decoded against the words of the whole line being played (added to the garbage loop);
- `other`: control, against the words of another line (is it our words, or just a bigger loop?);
- `ordered`: against one run of the line's consecutive words (in the order the line says them), decoded as the
  live decoder heard it (its cepstral mean, streamed); `ordered_whole`: the same, whole with the audio's own mean;
- `window`: against the line's words said within ECHO_WINDOW_S of the utterance (by word position);
- the echo canceller's evidence over the utterance's frames: the reference's level (far, dBFS), the canceller's
  reduction (in - out, dB) and the output over the reference (out - far, dB) where the reference plays, and the
  share of frames where the reference plays.
Writes one JSON line per utterance to OUT.jsonl (split, trial kind, text, evidence) for choosing on the tuning split.

usage: barge_own_words.py REC.pkl OUT.jsonl [--split tuning|held_out|all]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant import pipeline
from assistant.audio.base import FRAME_BYTES
from assistant.config import Settings, SpeechSettings
from assistant.frontend.gate import SpeechGate
from assistant.frontend.pipeline import PassthroughFrontEnd
from assistant.intents import normalise
from assistant.listener import Listener
from assistant.listening import Heard
from assistant.simulate.voices import speak
from assistant.stt.factory import create_recognizer
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.timeout.bargein import BARGE_IN_INTENTS, BARGE_IN_KIND, ECHO_WINDOW_S, BargeInWatcher, own_voice

_spec = importlib.util.spec_from_file_location("barge_replay", Path(__file__).with_name("barge_replay.py"))
assert _spec is not None and _spec.loader is not None
replay = importlib.util.module_from_spec(_spec)
sys.modules["barge_replay"] = replay
_spec.loader.exec_module(replay)

ASSISTANT_VOICE = "en-us+m3"
"""The recorder's voice for the assistant (scripts/barge_record.py)."""
QUIET_DBFS = -50.0
"""Reference below this counts as not playing (diagnostic only)."""


def window_words(text: str, duration_s: float, start_s: float, end_s: float) -> list[str]:
    words = normalise(text).split()
    return [w for i, w in enumerate(words) if start_s - ECHO_WINDOW_S <= duration_s * (i + 1) / len(words)
            <= end_s + ECHO_WINDOW_S]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rec")
    parser.add_argument("out")
    parser.add_argument("--split", default="tuning")
    args = parser.parse_args()
    with open(args.rec, "rb") as handle:
        data = pickle.load(handle)
    settings = Settings(speech=SpeechSettings(engine="pocketsphinx", silence_timeout_s=6.0))
    outputs, stats = replay.replay_front(data["calls"], settings)
    recognizer = create_recognizer(settings, "pocketsphinx")
    clock = replay.ReplayClock()
    listener = Listener(replay.NoSource(), recognizer, clock,  # type: ignore[arg-type]
                        gate=SpeechGate(PassthroughFrontEnd(), settings.frontend.endpoint), full_duplex=True)
    interpreter = pipeline.interpreter()
    watcher = BargeInWatcher(listener, interpreter)
    phrases = watcher.phrases()
    second = PocketsphinxRecognizer()
    second.set_phrases(phrases)
    durations = {line: len(speak(line, voice=ASSISTANT_VOICE)) / 32000 for line in {t["line"] for t in data["plan"]}}
    lines = sorted({t["line"] for t in data["plan"]})
    with open(args.out, "w") as out:
        for number, trial in enumerate(data["plan"]):
            if args.split != "all" and trial["split"] != args.split:
                continue
            listener.set_phrases(phrases)
            listener.begin(BARGE_IN_KIND)
            line_start = replay._line_start(data["calls"], trial)
            duration = durations.get(trial["line"], 10.0)
            seen: list[int] = []
            for index in trial["frames"]:
                seen.append(index)
                clock.last = stats[index][0]
                utterance = listener._advance(listener.gate.push_processed(outputs[index]))
                if utterance is None or not utterance.text:
                    continue
                played = clock.last - line_start
                decision = interpreter.decide_under_voice(Heard(utterance, clock.last, played), BARGE_IN_KIND,
                                                          BARGE_IN_INTENTS)
                if decision.intent is None:
                    continue
                audio = listener.utterance_audio
                n = len(audio) // FRAME_BYTES
                frames = seen[-n:]
                far = np.array([stats[i][3] for i in frames])
                cut = np.array([stats[i][1] - stats[i][2] for i in frames])
                over = np.array([stats[i][2] - stats[i][3] for i in frames])
                playing = far > QUIET_DBFS
                length = len(audio) / 32000
                words = window_words(trial["line"], duration, played - length, played)
                started = time.perf_counter()
                ordered = second.decode_against(audio, normalise(trial["line"]).split(), ordered=True,
                                                mean=recognizer.cepstral_mean())
                cost = time.perf_counter() - started
                against_line = second.decode_against(audio, normalise(trial["line"]).split(), ordered=False)
                row: dict[str, Any] = dict(
                    trial=number, split=trial["split"], kind="own" if trial["voice"] is None else "partner",
                    said=trial.get("say", "time out"), voice=trial["voice"], text=utterance.text,
                    intent=decision.intent, danger=decision.danger,
                    own_voice_exact=own_voice(utterance.text, trial["line"], duration, played),
                    again=_text(second.decode_again(audio)), line=_text(against_line), ordered=_text(ordered),
                    ordered_whole=_text(second.decode_against(audio, normalise(trial["line"]).split())),
                    window=_text(second.decode_against(audio, words, ordered=False)), ordered_cost_s=round(cost, 3),
                    other=_text(second.decode_against(audio, normalise(_other(lines, trial["line"])).split(),
                                                      ordered=False)),
                    far_max=round(float(far.max()), 1) if len(far) else None,
                    playing_share=round(float(playing.mean()), 2) if len(far) else None,
                    cut_playing_median=round(float(np.median(cut[playing])), 1) if playing.any() else None,
                    out_over_far_median=round(float(np.median(over[playing])), 1) if playing.any() else None,
                    seconds=round(length, 2), played_s=round(played, 2))
                out.write(json.dumps(row) + "\n")
                print(row, flush=True)


def _other(lines: list[str], line: str) -> str:
    """Control: another line of the recording (a bigger garbage loop, not our words at that moment)."""
    return lines[(lines.index(line) + 1) % len(lines)]


def _text(utterance: Any) -> str:
    return "" if utterance is None else str(utterance.text)


if __name__ == "__main__":
    main()

"""Record barge-in trials through the virtual room once, for replay (scripts/barge_replay.py).

Each trial: the assistant plays a long line watched by the BargeInWatcher exactly as `run` watches it
(assistant.live.open_audio, full duplex, echo canceller fed by the speaker); in partner trials "time out" is
`paplay`ed into the room at a random moment of the line, in one voice of the hearing corpus's tuning or held-out
split (tests/corpus/hearing.yaml). Own-line trials play the line alone. Logged, in the order they happened (under
one lock): every front-end call (`process(frame)` and `played(pcm, at)`) with the echo canceller's clock readings
inside it, so the whole front end can be replayed sample for sample; and per trial the frames the watcher
consumed and what it decided live.

Danger trials: a partner says a danger phrase of the barge-in grammar (the safety intent's phrases) instead.

usage: barge_record.py OUT.pkl [TRIALS_PER_SPLIT] [OWN_LINE_PER_SPLIT] [DANGER_PER_SPLIT] [SEED]
"""

from __future__ import annotations

import os
import pickle
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from assistant import pipeline
from assistant.audio.base import Clip
from assistant.audio.convert import write_wav
from assistant.audio.reconnect import rescan
from assistant.audio.room import PartnerCue, PulseRoom
from assistant.clock import RealClock
from assistant.config import AudioSettings, Settings, SpeechSettings
from assistant.evaluation import corpus
from assistant.live import Closable, open_audio
from assistant.simulate.voices import speak
from assistant.timeout.bargein import BargeInWatcher

LINES = {
    "tuning": ("Before we begin, here is how our check in works. I will ask each of you a few questions, one at a "
               "time, and I keep only what you agree to keep.",
               "Thank you. It can be hard to put these things into words. Let's go on gently. If you'd like the "
               "support numbers at any point, just say help line."),
    "held_out": ("Noted. You have both asked, so check-ins together can start again. If anyone feels unsafe at any "
                 "point, stop, and keep the support you found.",
                 "I'm a companion for your practice, not a therapist. This report is something to bring to your "
                 "couples therapist, not a verdict on either of you."),
}
"""The assistant's lines (from dialogs/), two per split; two contain command words ("help line", "stop")."""
ASSISTANT_VOICE = "en-us+m3"
RATES = (130, 150, 170, 190)


class Log:
    """Front-end calls in order, with the echo canceller's clock readings taken inside each."""

    def __init__(self, front: Any) -> None:
        self.calls: list[tuple[str, Any, list[float]]] = []
        self.outputs: dict[int, int] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        echo = front.echo
        real_clock, real_process, real_played = echo._clock, front.process, front.played

        def clock() -> float:
            value = float(real_clock())
            readings = getattr(self._local, "readings", None)
            if readings is not None:
                readings.append(value)
            return value

        def process(frame: bytes) -> Any:
            with self._lock:
                self._local.readings = []
                out = real_process(frame)
                self.calls.append(("process", frame, self._local.readings))
                self.outputs[id(out)] = len(self.calls) - 1
                self._local.readings = None
                return out

        def played(pcm: bytes, at: float) -> None:
            with self._lock:
                self._local.readings = []
                real_played(pcm, at)
                self.calls.append(("played", (pcm, at), self._local.readings))
                self._local.readings = None

        echo._clock, front.process, front.played = clock, process, played
        self.played = played


def main() -> None:
    out_path, per_split = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 24
    own_per_split = int(sys.argv[3]) if len(sys.argv) > 3 else per_split // 3
    danger_per_split = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    spec = corpus.load_spec()
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 8)
    dangers = list(pipeline.interpreter().phrases_for(("safety",)))
    plan: list[dict[str, Any]] = []
    for split in ("tuning", "held_out"):
        names = corpus.voices(spec, split)
        rng.shuffle(names)
        for index, voice in enumerate(names[:per_split]):
            plan.append(dict(split=split, voice=voice, rate=rng.choice(RATES), line=LINES[split][index % 2],
                             at_s=round(rng.uniform(1.0, 6.0), 2), say="time out"))
        for index in range(danger_per_split):
            plan.append(dict(split=split, voice=names[index % len(names)], rate=rng.choice(RATES),
                             line=LINES[split][index % 2], at_s=round(rng.uniform(1.0, 6.0), 2),
                             say=rng.choice(dangers)))
        for index in range(own_per_split):
            plan.append(dict(split=split, voice=None, rate=None, line=LINES[split][index % 2], at_s=None, say=None))
    rng.shuffle(plan)
    with tempfile.TemporaryDirectory() as tmp, PulseRoom() as room:
        work = Path(tmp)
        os.environ.update(room.env)
        rescan()
        settings = Settings(audio=AudioSettings(input_device="pulse", output_device="pulse"),
                            speech=SpeechSettings(engine="pocketsphinx", silence_timeout_s=6.0))
        closers: list[Closable] = []
        ends = open_audio(settings, RealClock(), closers)
        log = Log(ends.front)
        ends.sink.on_played = log.played
        listener, speaker = ends.listener, ends.sink
        consumed: list[int] = []
        real_push = listener.gate.push_processed

        def push(out: Any) -> Any:
            consumed.append(log.outputs.get(id(out), -1))
            return real_push(out)

        listener.gate.push_processed = push  # type: ignore[method-assign]
        watcher = BargeInWatcher(listener, pipeline.interpreter())
        clips = {line: Clip(speak(line, voice=ASSISTANT_VOICE), line) for split in LINES for line in LINES[split]}
        speaker.wait_settled(5)
        for number, trial in enumerate(plan):
            partner = None
            if trial["voice"]:
                partner = work / f"p{number}.wav"
                write_wav(partner, speak(trial["say"], voice=trial["voice"], rate=trial["rate"]))
            consumed.clear()
            watcher.heard.clear()
            playback = speaker.play(clips[trial["line"]])
            cue = PartnerCue(room, partner, playback, trial["at_s"] or 0.0) if partner is not None else None
            event = watcher.watch(playback, trial["line"], clips[trial["line"]].duration)
            playback.wait(30)
            if cue is not None:
                cue.finish()
            trial.update(frames=list(consumed), heard=list(watcher.heard),
                         live=event.intent if event is not None else None)
            print(number, trial["split"], trial["voice"], trial["say"], trial["at_s"], trial["live"], trial["heard"],
                  flush=True)
            time.sleep(0.6)
        for closer in reversed(closers):
            closer.close()
    with open(out_path, "wb") as handle:
        pickle.dump({"plan": plan, "calls": log.calls}, handle)


if __name__ == "__main__":
    main()

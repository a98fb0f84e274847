"""Felt turn latency: end of the partner's speech in the audio -> first sample of the reply handed to the speaker.

Real time, real clock, through the pipeline `run` builds (assistant.pipeline: the [frontend] front end with its
echo canceller and endpointer, the recogniser from the factory, the interpreter, the conversation with barge-in,
the TTS worker with its disk cache): a weekly check-in whose partners answer each listen from a real-time paced
source (one 30 ms frame every 30 ms of the real clock, silence between answers, nothing discarded).

Clocks, both time.monotonic():
- start: the true end of the partner's speech in the audio = when the source delivered the sample that ends
  the last frame within 35 dB of the clean render's loudest frame (the same rule as bench_frontend);
- stop: the reply's first clip handed to the speaker (`sink.play`), after TTS (cached or rendered). Speaker
  buffering is not included here (on a device add its latency; bench_room measures it in a room recording).
`endpoint_ms` splits it: the end of speech -> the listener's endpoint (the front end's hang-over and decoding).

Short answers: closed steps (yes/no, ratings, commands such as "skip"), where a phrase grammar listens and a complete
phrase may end the listen early; free answers: free steps (sentences, and "skip"/"repeat that" said there, which the
free-text path hears). Each repeat is one whole check-in; p50/p95 pool every turn, `repeat_p50_ms` is the
min/median/max of the repeats' p50s; `stage_*` split the p50 (see STAGES). A listen that heard nothing is counted
apart (its reply waits for the silence timeout, which is not turn latency). TURN_EARLY_MS=0 runs it with the early
end off, TURN_FREE_DECODE_MS=N with `free_decode_after_ms` N (0: off), for comparison; `early_decodes` /
`taken_back` count free answers decoded during their hang-over and those decoded again because speech resumed.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant import pipeline, sessions
from assistant.audio.base import FRAME_BYTES, Clip, ListenRequest, Playback
from assistant.audio.sinks import DonePlayback
from assistant.clock import RealClock
from assistant.config import Settings, SpeechSettings
from assistant.dialog.library import DialogLibrary
from assistant.listening import Heard
from assistant.simulate.voices import speak
from assistant.store.store import Store
from assistant.tts.factory import fallback_speaker
from assistant.voice_hooks import voice_hooks

REPEATS = 3
LISTENS_PER_REPEAT = 16
"""A repeat ends after this many answers (a misheard answer may lead into a flow that waits for minutes)."""
FRAME_S = FRAME_BYTES / 32000
VOICES = ("en-gb-scotland+m3", "en-us+f4", "en-029+m2", "en-gb-x-rp+f2")
FREE_ANSWERS = ("we cooked dinner together and talked about the week",
                "i felt listened to when you called me at lunch", "we were both tired but we kept our promise")
GOALS = {"turn.short.p50_ms": ("<=", 300), "turn.free.p50_ms": ("<=", 700)}
"""Goals shown beside this section's figures by scripts/bench."""


class Enough(Exception):
    """The repeat has its answers."""


@dataclass
class Turn:
    category: str
    """"short" or "free"."""
    said: str
    speech_end_at: float
    """time.monotonic() when the last speech sample was delivered (the clock's start)."""
    started_at: float = 0.0
    """time.monotonic() of the listen's first frame (audio seconds of the listener count from here)."""
    endpoint_at: float | None = None
    reply_at: float | None = None
    vad_end_at: float | None = None
    """When the frame that ended the VAD's last foreground speech was delivered."""
    decided_at: float | None = None
    """When the listener decided the end (hang-over ran out, or early end on a complete phrase)."""
    decoded_at: float | None = None
    """When the recogniser's final decode returned."""
    said_at: float | None = None
    """When the conversation asked the TTS worker for the reply (`speaker.say`)."""
    early: bool = False


@dataclass
class PacedPartners:
    """A live source: at each listen the next partner answers (speech, then silence), one frame per 30 ms."""

    turn: int = 0
    turns: list[Turn] = field(default_factory=list)
    live = True
    _pcm: bytes = b""
    _t0: float = 0.0
    _frames: int = 0

    def answer(self, request: ListenRequest) -> tuple[str, str]:
        """(category, text) for this listen; short answers and commands alternate with free ones."""
        self.turn += 1
        if request.kind == "yes_no":
            return "short", ("yes", "no")[self.turn % 2]
        if request.kind == "rating":
            return "short", ("four", "two", "five")[self.turn % 3]
        if request.kind == "free" and self.turn % 3:
            return "free", FREE_ANSWERS[self.turn % len(FREE_ANSWERS)]
        if request.kind == "free":  # a short command said at a free step is heard by the free-text path
            return "free", ("skip", "repeat that")[self.turn % 2]
        return "short", "skip"

    def begin(self, request: ListenRequest) -> None:
        if self.turn >= LISTENS_PER_REPEAT:
            raise Enough
        category, text = self.answer(request)
        pcm = speak(text, voice=VOICES[self.turn % len(VOICES)], rate=150 + 10 * (self.turn % 5), tail_s=0.0)
        self._pcm, self._t0, self._frames = pcm, time.monotonic(), 0
        self.turns.append(Turn(category, text, self._t0 + true_end_s(pcm), started_at=self._t0))

    def read(self) -> bytes | None:
        due = self._t0 + (self._frames + 1) * FRAME_S
        time.sleep(max(0.0, due - time.monotonic()))
        start = self._frames * FRAME_BYTES
        self._frames += 1
        frame = self._pcm[start:start + FRAME_BYTES]
        return frame + bytes(FRAME_BYTES - len(frame))

    def discard_pending(self) -> None:
        """Nothing is buffered: frames are made as they are due."""

    def close(self) -> None:
        """Nothing to release."""


def true_end_s(clean: bytes) -> float:
    """Seconds from the start of `clean` to the end of its last frame within 35 dB of its loudest frame."""
    x = np.frombuffer(clean, dtype="<i2").astype(np.float64)
    frames = x[:len(x) // 480 * 480].reshape(-1, 480)
    energy = 10 * np.log10(np.mean(frames * frames, axis=1) + 1e-9)
    return float((np.nonzero(energy > energy.max() - 35)[0][-1] + 1) * FRAME_S)


class HandOffSink:
    """The speaker's seat: notes when each clip is handed over; the clip is then over at once (no device)."""

    def __init__(self, on_hand_off) -> None:  # type: ignore[no-untyped-def]
        self.on_hand_off = on_hand_off

    def play(self, clip: Clip) -> Playback:
        if clip.pcm:
            self.on_hand_off(time.monotonic())
        return DonePlayback(clip.duration)

    def close(self) -> None:
        """No device."""


def one_checkin(settings: Settings, library: DialogLibrary, cache_dir: Path,
                counts: dict[str, int]) -> list[Turn]:
    partners = PacedPartners()

    def handed_off(at: float) -> None:
        waiting = [t for t in partners.turns if t.reply_at is None and t.speech_end_at <= at]
        if waiting:
            waiting[-1].reply_at = at

    clock = RealClock()
    sink = HandOffSink(handed_off)
    speaker = fallback_speaker(settings.voice, sink, library, cache_dir=cache_dir)
    say = speaker.say

    def timed_say(text: str, dialog_id: str = "") -> Playback:
        waiting = [t for t in partners.turns if t.decoded_at is not None and t.said_at is None]
        if waiting:
            waiting[-1].said_at = time.monotonic()
        return say(text, dialog_id)

    speaker.say = timed_say  # type: ignore[method-assign]
    hearer = pipeline.listener(partners, settings, clock)  # type: ignore[arg-type]
    listen = hearer.listen

    def timed_listen(request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        heard = listen(request, timeout_s)
        if heard is not None and partners.turns:
            turn, end = partners.turns[-1], hearer.last_end
            turn.endpoint_at = heard.endpoint_at
            if end is not None:
                turn.decided_at, turn.decoded_at, turn.early = end.decided_at, end.decoded_at, end.early
                if end.speech_end_s is not None:
                    turn.vad_end_at = turn.started_at + end.speech_end_s
        return heard

    hearer.listen = timed_listen  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as data:
        store = Store.open(Path(data))
        try:
            conversation = pipeline.conversation(hearer, clock=clock, settings=settings, library=library,
                                                 store=store, max_turns=60, **voice_hooks(speaker, sink))
            sessions.run_session(conversation, sessions.new_checkin(store, library, settings, clock))
        except Enough:
            pass
        finally:
            store.close()
            counts["early_decodes"] += hearer.early_decodes
            counts["taken_back"] += hearer.taken_back
            speaker.close()
            hearer.source.close()  # stop this check-in's reader thread: it would run the front end on silence
    return partners.turns


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


STAGES = (("vad_lag", "speech_end_at", "vad_end_at"), ("hangover", "vad_end_at", "decided_at"),
          ("final_decode", "decided_at", "decoded_at"), ("interpret", "decoded_at", "said_at"),
          ("tts_first_audio", "said_at", "reply_at"))
"""Where the felt time goes, each a p50 over turns (ms): true end of speech -> the VAD's last foreground speech
frame (negative: the VAD let go before the 35 dB end) -> the listener's end decision (hang-over, or the early
end on a complete phrase; frame processing included) -> the recogniser's final decode returned -> the reply asked
of the TTS worker (interpreter, conversation, store) -> its first clip handed to the speaker (TTS worker and
cache)."""


def stages(turns: list[Turn]) -> dict[str, object]:
    """p50 ms of each stage (STAGES) over `turns` that have both ends, and how many ended early."""
    found: dict[str, object] = {}
    for name, start, stop in STAGES:
        spans = [1000 * (getattr(t, stop) - getattr(t, start)) for t in turns
                 if getattr(t, start) is not None and getattr(t, stop) is not None]
        found[f"stage_{name}_p50_ms"] = round(statistics.median(spans)) if spans else None
    found["ended_early"] = sum(t.early for t in turns)
    return found


def summarise(repeats: list[list[Turn]], category: str) -> dict[str, object]:
    per_repeat = [[1000 * (t.reply_at - t.speech_end_at) for t in turns
                   if t.category == category and t.endpoint_at is not None and t.reply_at is not None]
                  for turns in repeats]
    pooled = [v for values in per_repeat for v in values]
    endpoint = [1000 * (t.endpoint_at - t.speech_end_at) for turns in repeats for t in turns
                if t.category == category and t.endpoint_at is not None]
    unheard = sum(t.endpoint_at is None for turns in repeats for t in turns if t.category == category)
    if not pooled:
        return {"n": 0, "not_heard": unheard}
    p50s = [statistics.median(values) for values in per_repeat if values]
    return {"p50_ms": round(statistics.median(pooled)), "p95_ms": round(_pct(pooled, 0.95)), "n": len(pooled),
            "repeat_p50_ms": {"min": round(min(p50s)), "median": round(statistics.median(p50s)),
                              "max": round(max(p50s)), "n": len(p50s)},
            "endpoint_p50_ms": round(statistics.median(endpoint)), "not_heard": unheard,
            **stages([t for turns in repeats for t in turns if t.category == category and t.reply_at is not None])}


def run(results: dict) -> None:
    settings = Settings(speech=SpeechSettings(engine="pocketsphinx"))
    # compare: TURN_EARLY_MS=0 turns the early end off, TURN_FREE_DECODE_MS=0 decodes free answers after the end only
    changes = {name: int(value) for name, variable in (("early_hangover_ms", "TURN_EARLY_MS"),
                                                       ("free_decode_after_ms", "TURN_FREE_DECODE_MS"))
               if (value := os.environ.get(variable)) is not None}
    if changes:
        endpoint = settings.frontend.endpoint.model_copy(update=changes)
        settings = settings.model_copy(update={"frontend": settings.frontend.model_copy(update={"endpoint": endpoint})})
    counts = {"early_decodes": 0, "taken_back": 0}
    library = DialogLibrary.load(seed=0)
    with tempfile.TemporaryDirectory() as cache:
        repeats = [one_checkin(settings, library, Path(cache), counts) for _ in range(REPEATS)]
    results["turn"] = {
        "clock": "true end of the partner's speech (real-time paced source) -> reply's first clip handed to the "
                 "speaker (sink.play, after TTS); the device's output buffer is NOT included (~180 ms on the room "
                 "rig: add it before comparing with the goal); short = closed steps, free = free steps; stage_*: "
                 "see scripts/bench_turn.py STAGES",
        "early_hangover_ms": settings.frontend.endpoint.early_hangover_ms,
        "free_decode_after_ms": settings.frontend.endpoint.free_decode_after_ms, **counts,
        "repeats": REPEATS, "short": summarise(repeats, "short"), "free": summarise(repeats, "free")}


def main() -> None:
    results: dict = {}
    run(results)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

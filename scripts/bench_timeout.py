"""Time-out reaction: from the end of the spoken phrase to playback stopped and to the acknowledgement.

Runs in real time (RealClock; the scripted microphone is paced at 30 ms per frame), through the pipeline
factory, pocketsphinx and the real TTS worker with its disk cache as `live_pipeline` builds it (fixed lines
pre-rendered in the background at start-up; the trials begin once that is done, as in a running companion),
so compute costs count. "ack" stops when the speaker hands the acknowledgement's first audio to the WAV sink
(no sound card: the output buffer is not included). `run(results)` adds p50/p95 in milliseconds for a phrase
said during playback (barge-in) and while listening; `scripts/bench` calls it.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from assistant import pipeline
from assistant.audio.base import ListenRequest
from assistant.audio.convert import silence
from assistant.audio.sinks import WavFileSink, WavPlayback
from assistant.audio.sources import ScriptedSource
from assistant.clock import RealClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.simulate.voices import _espeak
from assistant.store.store import Store
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.timeout.bargein import DuplexClock
from assistant.tts.factory import fallback_speaker
from assistant.voice_hooks import voice_hooks

TRIALS = 6
PHRASES = (("time out", 150), ("i need a time out", 170), ("time out", 190))
LEAD_S, TAIL_S = 0.3, 1.0


GOALS = {
    "timeout_reaction.during_playback_endpoint_to_stopped.p50_ms": ("<=", 150),
    "timeout_reaction.during_playback_endpoint_to_ack.p50_ms": ("<=", 400),
    "timeout_reaction.while_listening_endpoint_to_ack.p50_ms": ("<=", 400),
}
"""Goals shown beside this section's figures by scripts/bench."""
def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(_pct(ms, 0.95), 1), "n": len(ms)}


def _add(first: list[float], second: list[float]) -> list[float]:
    return [a + b for a, b in zip(first, second, strict=True)]


def _pipeline(work: Path):  # type: ignore[no-untyped-def]
    """The live wiring with a WAV sink: the TTS worker and disk cache from assistant.tts.factory (as
    live_pipeline builds them), the pipeline factory's listener and conversation (barge-in watcher included)."""
    clock = DuplexClock(RealClock())
    source = ScriptedSource(clock=clock)
    pending: list[bytes] = []

    def hook(playback: WavPlayback, played: float) -> None:
        if pending and played >= 0.5:
            source.inject(pending.pop())

    settings = Settings()
    sink = WavFileSink(work / "a.wav", clock=clock, on_progress=hook)
    library = DialogLibrary.load(seed=0)
    speaker = fallback_speaker(settings.voice, sink, library, cache_dir=work / "tts-cache")
    first_sample: dict[str, float] = {}
    say = speaker.say

    def timed_say(text: str, dialog_id: str = ""):  # type: ignore[no-untyped-def]
        playback = say(text, dialog_id)  # returns once the first audio is handed to the sink
        first_sample.setdefault(dialog_id, clock.monotonic())
        return playback

    speaker.say = timed_say  # type: ignore[method-assign]
    store = Store.open(work / "store")
    listener = pipeline.listener(source, settings, clock, recognizer=PocketsphinxRecognizer())
    conversation = pipeline.conversation(listener, clock=clock, settings=settings, library=library, store=store,
                                         **voice_hooks(speaker, sink))
    return clock, source, sink, speaker, store, library, conversation, pending, first_sample


def run(results: dict) -> None:
    """Add `timeout_reaction` figures to `results`."""
    with tempfile.TemporaryDirectory() as tmp:
        clock, source, sink, speaker, store, library, conv, pending, first = _pipeline(Path(tmp))
        warmed = speaker.synthesizer.idle(timeout=120)  # start-up's background pre-render of the fixed lines
        prompt = library.render("checkin.boundaries")
        stop_s, ack_play_s, ack_listen_s, end_to_endpoint = [], [], [], []
        for trial in range(TRIALS):
            words, rate = PHRASES[trial % len(PHRASES)]
            speech = _espeak(words, "en-us", rate, 50)
            # during playback: the phrase is injected 0.5 s into the boundaries question
            pending.append(silence(LEAD_S) + speech + silence(TAIL_S))
            first.clear()
            started = clock.monotonic()
            conv.say(prompt, "boundaries", interruptible=True)
            event = conv.barge_in.events[-1] if conv.barge_in.events else None
            if event is None or event.stopped_at < started:
                continue
            injected_at = started + 0.5
            phrase_end = injected_at + LEAD_S + len(speech) / 32000
            conv.say(library.render("timeout.acknowledge"), "timeout", interruptible=False)
            end_to_endpoint.append(event.endpoint_at - phrase_end)
            stop_s.append(event.stopped_at - event.endpoint_at)
            ack_play_s.append(first["timeout.acknowledge"] - event.endpoint_at)
            # while listening: the phrase is the next turn heard
            source.push(silence(LEAD_S) + speech + silence(TAIL_S))
            first.clear()
            heard = conv.listener.listen(ListenRequest("choice", "boundaries", tuple(conv.barge_in.phrases())))
            if heard is None:
                continue
            conv.say(library.render("timeout.acknowledge"), "timeout")
            ack_listen_s.append(first["timeout.acknowledge"] - heard.endpoint_at)
        speaker.close()
        sink.close()
        store.close()
    results["timeout_reaction"] = {
        "trials": TRIALS, "barge_ins_detected": len(stop_s), "tts_prerender_finished_before_trials": warmed,
        "phrase_end_to_endpoint": _summary(end_to_endpoint),
        "during_playback_endpoint_to_stopped": _summary(stop_s),
        "during_playback_endpoint_to_ack": _summary(ack_play_s),
        "during_playback_phrase_end_to_stopped": _summary(_add(end_to_endpoint, stop_s)),
        "during_playback_phrase_end_to_ack": _summary(_add(end_to_endpoint, ack_play_s)),
        "while_listening_endpoint_to_ack": _summary(ack_listen_s),
        "goal": "stopped <= 150 ms and acknowledgement <= 400 ms after the endpoint",
    }


if __name__ == "__main__":
    import json

    found: dict = {}
    began = time.monotonic()
    run(found)
    json.dump(found, sys.stdout, indent=2)
    print(f"\n({time.monotonic() - began:.1f} s)")

"""Room benchmark: a conversation-like session through a private PulseAudio virtual room (assistant/audio/room.py).

The assistant (real SpeakerSink) says a line and listens (real MicrophoneSource on room.monitor through the
front end, as `run` wires it: assistant.live.open_audio, echo canceller fed by the speaker, full duplex; Listener,
pocketsphinx); a partner answers by `paplay` into the room; on the endpoint the assistant plays its reply at once.
Counts underruns (PortAudio's flags and ALSA's xrun reports) and microphone overflows, and measures
`end of the partner's speech -> first sample of the reply`, both ends read from one independent recording of the
room (`parecord` of room.monitor): what a partner in that room would feel. Replies are pre-rendered, so the
figure includes endpointing, the recogniser, and the speaker's buffering, not text-to-speech synthesis; they carry
no added lead silence (`speak`'s default 0.3 s was 300 ms of the figure), only espeak-ng's own ~15 ms.
Every third turn is a barge-in trial instead: a long line watched by the BargeInWatcher as `run` watches an
interruptible line, with "time out" played into the room 2.5 s after the line is first heard (caught when the
watcher stops the line with intent time_out) or, every other trial, nobody speaking (its own words must never
stop it).

`run(results)` adds its numbers; ROOM_BENCH_S sets the session length (default 300 s), ROOM_BENCH_OUTPUT_MS the
speaker's output buffer (`[audio] output_latency_ms`; default the shipped one).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant import pipeline
from assistant.audio import quiet
from assistant.audio.base import Clip, ListenRequest
from assistant.audio.capture import locate
from assistant.audio.convert import read_wav, write_wav
from assistant.audio.reconnect import rescan
from assistant.audio.room import PartnerCue, PulseRoom
from assistant.clock import RealClock
from assistant.config import AudioSettings, Settings, SpeechSettings
from assistant.live import Closable, open_audio
from assistant.simulate.voices import speak
from assistant.timeout.bargein import BargeInWatcher

PROMPTS = ("Did you both have a moment to talk today?", "Shall we go on to the next step?",
           "Would you like to hear that again?", "Are you ready to begin?")
REPLIES = ("Thank you.", "Okay, let's go on.", "Good.")
ANSWERS = (("yes", "en-gb"), ("no", "en-us"), ("yes", "en-us+f3"), ("no", "en-gb+m3"))
BARGE_VOICES = ("en-us+f3", "en-gb", "en-us+m3", "en-gb-scotland+f2")
LONG_LINE = ("Before we begin, here is how our check in works. I will ask each of you a few questions, one at a "
             "time, and I keep only what you agree to keep.")
PARTNER_AT_S = 2.5
YES_NO = ListenRequest(kind="yes_no", step="bench", phrases=("yes", "no"))
MIN_SCORE = 0.5
"""Normalised correlation above which a clip counts as found in the room recording."""
SEARCH_S = 25.0
"""Window of the room recording searched for each clip, from the previous find on."""


GOALS = {
    "room.speaker_underruns": ("<=", 0), "room.alsa_xruns": ("<=", 0), "room.mic_overflows": ("<=", 0),
    "room.answer_end_to_reply_start_p50_ms": ("<=", 300), "room.barge_in_caught_pct": (">=", 90),
    "room.own_line_false_stops": ("<=", 0),
}
"""Goals shown beside this section's figures by scripts/bench."""
def _edges(pcm: bytes, threshold: int = 300) -> tuple[int, int]:
    """First and last loud sample of a clip (its speech, without the silence around it)."""
    loud = np.flatnonzero(np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32)) > threshold)
    return (int(loud[0]), int(loud[-1])) if len(loud) else (0, 0)


def _session(room: PulseRoom, seconds: float, work: Path) -> tuple[dict, list[tuple[str, bytes]]]:
    rng = random.Random(3)
    prompts = [speak(text, tail_s=0.1) for text in PROMPTS]
    replies = [speak(text, lead_s=0.0, tail_s=0.1) for text in REPLIES]  # no padding: its silence would be felt
    answers = []
    for index, (word, voice) in enumerate(ANSWERS):
        path = work / f"answer{index}.wav"
        write_wav(path, speak(word, voice=voice))
        answers.append((word, path))
    latency = os.environ.get("ROOM_BENCH_OUTPUT_MS")  # the speaker's output buffer (default: the shipped one)
    settings = Settings(audio=AudioSettings(input_device="pulse", output_device="pulse",
                                            output_latency_ms=int(latency) if latency else None),
                        speech=SpeechSettings(engine="pocketsphinx", silence_timeout_s=6.0))
    closers: list[Closable] = []
    ends = open_audio(settings, RealClock(), closers)  # as `run` wires it: front end, echo reference, full duplex
    speaker, mic, listener = ends.sink, ends.source, ends.listener
    xruns_before = quiet.alsa_xruns
    order: list[tuple[str, bytes]] = []  # what the room should hear, in order: ("answer"/"reply", pcm)
    turns = understood = 0
    to_dac: list[float] = []  # recogniser endpoint -> the reply's first sample at the DAC (speaker's report)
    began = time.monotonic()
    barge: dict[str, Any] = {"trials": 0, "caught": 0, "own_line_trials": 0, "own_line_false_stops": 0, "missed": []}
    long_line = Clip(speak(LONG_LINE, voice="en-us+m3"), LONG_LINE)
    time_outs = []
    for voice in BARGE_VOICES:
        write_wav(work / f"time_out_{voice}.wav", speak("time out", voice=voice))
        time_outs.append(work / f"time_out_{voice}.wav")
    watcher = BargeInWatcher(listener, pipeline.interpreter())
    while time.monotonic() - began < seconds:
        turns += 1
        if turns % 3 == 0:
            with_partner = (turns // 3) % 2 == 1
            _barge_trial(room, watcher, speaker, long_line, time_outs[barge["trials"] % len(time_outs)]
                         if with_partner else None, barge)
            time.sleep(rng.uniform(0.2, 1.0))
            continue
        speaker.play(Clip(rng.choice(prompts))).wait(30)
        word, path = rng.choice(answers)
        partner = room.play(path)
        heard = listener.listen(YES_NO)
        reply = rng.choice(replies)
        if heard is not None:
            answered = speaker.play(Clip(reply))  # at once: the figure starts at the partner's last sound
            answered.wait(30)
            if answered.started_at is not None:
                to_dac.append(answered.started_at - heard.endpoint_at)
        partner.wait(10)
        if heard is None:
            continue
        understood += heard.utterance.text == word
        order += [("answer", read_wav(path)), ("reply", reply)]
        time.sleep(rng.uniform(0.2, 1.0))  # the couple's pause before the next prompt
    time.sleep(0.5)
    counts = {"turns": turns, "answers_understood": understood, "barge_in_trials": barge["trials"],
              "barge_in_caught": barge["caught"], "own_line_trials": barge["own_line_trials"],
              "own_line_false_stops": barge["own_line_false_stops"], "barge_in_missed_heard": barge["missed"],
              "speaker_underruns": speaker.underruns,
              "speaker_startup_underruns": speaker.startup_underruns, "speaker_underrun_at_s": speaker.underrun_times,
              "speaker_underruns_in_speech": speaker.underruns_in_speech,
              "speaker_settled_after_s": round(speaker.settled_after_s or -1.0, 2),
              "alsa_xruns": quiet.alsa_xruns - xruns_before, "mic_overflows": mic.overflows,
              "session_s": round(time.monotonic() - began, 1), "speaker_latency_ms": round(1000 * speaker.latency)}
    if barge["trials"]:
        counts["barge_in_caught_pct"] = round(100 * barge["caught"] / barge["trials"])
    if to_dac:
        counts["endpoint_to_reply_dac_p50_ms"] = round(1000 * statistics.median(to_dac))
    for closer in reversed(closers):
        closer.close()
    return counts, order


def _barge_trial(room: PulseRoom, watcher: BargeInWatcher, speaker: Any, line: Clip, partner: Path | None,
                 tally: dict[str, Any]) -> None:
    """One long line watched for a barge-in; `partner` ("time out") is played PARTNER_AT_S into it. A missed
    trial adds what the recogniser heard in it ("decision: text" per utterance) to tally["missed"]."""
    watcher.heard.clear()
    playback = speaker.play(line)
    cue = PartnerCue(room, partner, playback, PARTNER_AT_S) if partner is not None else None
    event = watcher.watch(playback, line.text, line.duration)
    playback.wait(30)
    if cue is not None:
        cue.finish()
    if partner is None:
        tally["own_line_trials"] += 1
        tally["own_line_false_stops"] += event is not None
    else:
        tally["trials"] += 1
        caught = event is not None and event.intent == "time_out"
        tally["caught"] += caught
        if not caught:
            tally["missed"].append(list(watcher.heard))


def _latencies(recording: np.ndarray, order: list[tuple[str, bytes]]) -> list[float]:
    """Seconds from each answer's last loud sample to its reply's first, both found in the room recording."""
    found: dict[int, int] = {}  # index in `order` -> recording sample of its first/last loud sample
    cursor = 0
    for index, (kind, pcm) in enumerate(order):
        window = recording[cursor:cursor + int(SEARCH_S * 16000)]
        offset, score = locate(window, np.frombuffer(pcm, dtype="<i2"), first_above=MIN_SCORE)
        if score < MIN_SCORE:
            continue
        first, last = _edges(pcm)
        found[index] = cursor + offset + (last if kind == "answer" else first)
        cursor += offset + first
    return [(found[i + 1] - found[i]) / 16000 for i in range(0, len(order) - 1, 2) if i in found and i + 1 in found]


def run(results: dict) -> None:
    seconds = float(os.environ.get("ROOM_BENCH_S", "300"))
    with tempfile.TemporaryDirectory() as tmp, PulseRoom() as room:
        work = Path(tmp)
        saved = {key: os.environ.get(key) for key in room.env}
        os.environ.update(room.env)
        rescan()
        recorder = room.record(work / "room.wav")
        try:
            counts, order = _session(room, seconds, work)
        finally:
            recorder.terminate()
            recorder.wait(10)
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        recording = np.frombuffer(read_wav(work / "room.wav"), dtype="<i2")
        if os.environ.get("ROOM_BENCH_KEEP"):
            write_wav(Path(os.environ["ROOM_BENCH_KEEP"]), recording.tobytes())
    waits = sorted(_latencies(recording, order))
    room_results = dict(counts)
    room_results["answer_end_to_reply_start_measured"] = len(waits)
    if waits:
        room_results["answer_end_to_reply_start_p50_ms"] = round(1000 * statistics.median(waits))
        room_results["answer_end_to_reply_start_min_ms"] = round(1000 * waits[0])
        room_results["answer_end_to_reply_start_max_ms"] = round(1000 * waits[-1])
    results["room"] = room_results


def main() -> None:
    results: dict = {}
    run(results)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

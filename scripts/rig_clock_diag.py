"""Which clock is off when the rig's speaker and its room disagree: the speaker's reported play-out times or the ear.

Two measurements on a private PulseAudio room (each trial opens a fresh SpeakerSink, as the rig's tests do):

- `barge` (default): the barge-in trial of tests/test_audio_rig.py. Per trial: the error of the reported start and
  end against where the room monitor heard them, how far the speaker's reported block times moved against its
  sample count over the clip, and how far the ear's frame times moved against its sample count.
- `long`: twelve 0.1 s noise bursts, one a second, from the moment the speaker settled: the error of each
  burst's reported start, and the room's own true base (where the speaker's sample 0 sounds) per burst.

Every StreamClock estimate of both streams is written to the JSON file (speaker rows: sample index, estimate,
callback time, log time, filtered base). Usage: rig_clock_diag.py [barge|long] [trials] [out.json]
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from speech_fixtures import synthesize  # noqa: E402

from assistant.audio import stream_clock  # noqa: E402
from assistant.audio.base import Clip  # noqa: E402
from assistant.audio.capture import MicRecorder, locate  # noqa: E402
from assistant.audio.convert import write_wav  # noqa: E402
from assistant.audio.microphone import MicrophoneSource  # noqa: E402
from assistant.audio.reconnect import rescan  # noqa: E402
from assistant.audio.room import PulseRoom  # noqa: E402
from assistant.audio.speaker import SpeakerSink  # noqa: E402

LOG: list[tuple[int, int, float, float | None, float, float]] = []
_observe = stream_clock.StreamClock.observe


def logged_observe(self: stream_clock.StreamClock, index: int, at: float, now: float | None = None) -> float:
    result = _observe(self, index, at, now)
    LOG.append((id(self), index, at, now, time.monotonic(), result - index / self.rate))
    return result


stream_clock.StreamClock.observe = logged_observe  # type: ignore[method-assign]


class Rig:
    """A fresh speaker (its first dated block per playback noted) and the rig's ear, opened as the tests do."""

    def __init__(self) -> None:
        LOG.clear()
        self.played: list[tuple[bytes, float]] = []
        self.speaker = SpeakerSink("pulse", on_played=lambda pcm, at: self.played.append((pcm, at)))
        self.first: dict[int, tuple[float, float]] = {}
        inner, speaker, first = self.speaker._events, self.speaker, self.first

        class Noting:
            def put(self, event: Any) -> None:
                if event is not None and event[1] and id(event[0]) not in first:
                    first[id(event[0])] = (event[2], speaker._stream_clock._base or 0.0)
                inner.put(event)

            def get(self, timeout: float | None = None) -> Any:
                return inner.get(timeout=timeout)

        self.speaker._events = Noting()  # type: ignore[assignment]
        assert self.speaker.wait_settled(5)
        self.mic = MicrophoneSource("pulse")
        self.ear = MicRecorder(self.mic).start()
        assert self.ear.covers(time.monotonic() + 0.2)

    def true_base(self, playback: Any, heard_at: float) -> float:
        """Where the speaker's sample 0 sounds, from where the room heard this playback's first sample."""
        at, base = self.first[id(playback)]
        return heard_at - (at - base)

    def close(self) -> dict[str, Any]:
        clocks = {"speaker": [e[1:] for e in LOG if e[0] == id(self.speaker._stream_clock)],
                  "ear": [e[1:] for e in LOG if e[0] == id(self.mic._stream_clock)]}
        self.ear.stop()
        self.mic.close()
        self.speaker.close()
        return {"clocks": clocks, "underruns": self.speaker.underruns, "overflows": self.mic.overflows}


def barge(room: PulseRoom, wav: Path, line: Clip) -> dict[str, Any]:
    rig = Rig()
    playback = rig.speaker.play(line)
    assert rig.ear.covers(time.monotonic() + 0.8)
    partner = room.play(wav)
    playback.stop()
    assert playback.wait(1)
    partner.wait(10)
    assert rig.ear.covers(time.monotonic()) and playback.started_at and playback.ends_at
    recording, ref = rig.ear.samples(), np.frombuffer(b"".join(p for p, _ in rig.played), dtype="<i2")
    end_off, _ = locate(recording, ref[-4000:])
    start_off, _ = locate(recording, ref[:8000])
    times = [at for _, at in rig.played]
    spoken = np.cumsum([0] + [len(p) // 2 for p, _ in rig.played[:-1]]) / 16000
    frames = [at for _, at in rig.ear.frames]
    first, last = start_off // 480, min((end_off + 4000) // 480, len(frames) - 1)
    result = {"end_err_ms": 1000 * (rig.ear.time_of(end_off + 4000) - playback.ends_at),
              "start_err_ms": 1000 * (rig.ear.time_of(start_off) - playback.started_at),
              "speaker_moved_ms": 1000 * ((times[-1] - times[0]) - spoken[-1]),
              "ear_moved_ms": 1000 * ((frames[last] - frames[first]) - (last - first) * 0.03),
              "true_base": rig.true_base(playback, rig.ear.time_of(start_off))}
    return {**result, **rig.close()}


def long(room: PulseRoom) -> dict[str, Any]:
    rig = Rig()
    bursts = []
    for seed in range(12):
        noise = np.convolve(np.random.default_rng(100 + seed).normal(0, 6000, 1600), np.ones(4) / 4, "same")
        pcm = np.clip(noise, -32768, 32767).astype("<i2")
        playback = rig.speaker.play(Clip(pcm.tobytes()))
        assert playback.wait(5)
        bursts.append((playback, pcm))
        time.sleep(0.9)
    assert rig.ear.covers(time.monotonic())
    recording, errors, bases = rig.ear.samples(), [], []
    for playback, pcm in bursts:
        heard_at = rig.ear.time_of(locate(recording, pcm)[0])
        errors.append(1000 * (heard_at - playback.started_at))
        bases.append(rig.true_base(playback, heard_at))
    return {"err_ms": errors, "true_base_moved_ms": [1000 * (b - bases[0]) for b in bases], **rig.close()}


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "barge"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(f"/tmp/rig_clock_{mode}.json")
    results = []
    with PulseRoom() as room:
        os.environ.update(room.env)
        rescan()
        line = Clip(synthesize("Before we start, here is how our check in works, step by step, and what I keep."))
        wav = room.runtime_dir / "time_out.wav"
        write_wav(wav, synthesize("time out", voice="en-gb"))
        for i in range(n):
            result = barge(room, wav, line) if mode == "barge" else long(room)
            results.append(result)
            shown = {k: (round(v, 1) if isinstance(v, float) else [round(x) for x in v])
                     for k, v in result.items() if k.endswith("_ms")}
            print(i, shown, f"underruns {result['underruns']} overflows {result['overflows']}",
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
    out.write_text(json.dumps(results))


if __name__ == "__main__":
    main()

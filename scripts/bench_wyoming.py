"""Wyoming bench: the latency the network hop adds over the local engine, on the same audio and text.

A Wyoming service on 127.0.0.1 (the `wyoming` package's server) wraps the very engines measured locally
(pocketsphinx fed chunk by chunk as they arrive; the pyttsx3/espeak-ng worker), so the difference is
the hop: connection, protocol, transfer. Over a real home network add the LAN round trip.

Clocks:
- stt_*: starts when the last frame of the utterance (speech, no trailing silence) has been handed to
  `accept` and `flush()` is called (end of audio); stops when the Utterance is returned. Endpointing
  (the same 0.6 s trailing-silence VAD in both) is excluded. Frames go to the service at speaking pace,
  as from a microphone (the local engine decodes each frame inside `accept` anyway).
- tts_*: starts when the text is handed over; stops at the first audio chunk (the local worker renders the
  whole line, so its first audio is the whole clip). No clip cache.
`run(results)` adds the figures; `main()` prints them as JSON.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time
from collections.abc import Callable, Iterable

from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.event import Event
from wyoming.server import AsyncEventHandler, AsyncTcpServer
from wyoming.tts import Synthesize

from assistant.audio.base import FRAME_BYTES, SAMPLE_RATE
from assistant.simulate.voices import speak
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.stt.wyoming_engine import WyomingRecognizer
from assistant.tts.worker import SpeechWorker
from assistant.tts.wyoming_engine import WyomingSynthesizer

SENTENCES = ("yes", "i need a time out", "four", "thank you for cooking dinner on tuesday", "go back")
LINES = ("How safe did you feel this week?", "Take a slow breath in.", "Thank you both.", "Let us pause here.")
REPEATS = 3
GOALS = {"wyoming.stt_added_ms.median": ("<=", 100), "wyoming.tts_added_first_audio_ms.median": ("<=", 100)}
"""Loopback goals: the hop must stay well under what a partner notices next to endpointing (600 ms);
the team's turn-latency goal is 300 ms end of speech -> first sound, so the hop may take a third of it."""


class _Handler(AsyncEventHandler):
    """Streams chunks into pocketsphinx as they arrive; renders Synthesize with the worker."""

    recognizer: PocketsphinxRecognizer
    worker: SpeechWorker

    async def handle_event(self, event: Event) -> bool:
        if AudioStart.is_type(event.type):
            self.recognizer.reset()
        elif AudioChunk.is_type(event.type):
            self.recognizer.accept(AudioChunk.from_event(event).audio)
        elif AudioStop.is_type(event.type):
            heard = self.recognizer.flush()
            await self.write_event(Transcript(text=heard.text if heard else "").event())
            return False
        elif Synthesize.is_type(event.type):
            pcm = self.worker.synthesize(Synthesize.from_event(event).text).pcm
            await self.write_event(AudioStart(rate=SAMPLE_RATE, width=2, channels=1).event())
            for offset in range(0, len(pcm), 2048):
                await self.write_event(AudioChunk(rate=SAMPLE_RATE, width=2, channels=1,
                                                  audio=pcm[offset:offset + 2048]).event())
            await self.write_event(AudioStop().event())
            return False
        return True


def _serve(loop: asyncio.AbstractEventLoop) -> str:
    server = AsyncTcpServer("127.0.0.1", 0)
    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(server.start(_Handler), loop).result(timeout=30)
    assert server._server is not None
    return f"tcp://127.0.0.1:{server._server.sockets[0].getsockname()[1]}"


def _stats(values: list[float]) -> dict[str, float]:
    return {"min": round(min(values), 1), "median": round(statistics.median(values), 1),
            "max": round(max(values), 1)}


def _stt_ms(recognizer: PocketsphinxRecognizer | WyomingRecognizer, pcm: bytes, live: bool) -> float:
    """`live`: frames arrive at the speaking pace (as from a microphone), so the service keeps up."""
    recognizer.reset()
    start = time.perf_counter()
    for index, offset in enumerate(range(0, len(pcm), FRAME_BYTES)):
        if live:
            time.sleep(max(0.0, start + index * FRAME_BYTES / (2 * SAMPLE_RATE) - time.perf_counter()))
        recognizer.accept(pcm[offset:offset + FRAME_BYTES])
    began = time.perf_counter()
    recognizer.flush()
    return (time.perf_counter() - began) * 1000


def _first_audio_ms(chunks: Callable[[str], Iterable[bytes]], text: str) -> float:
    """Time to the first chunk; the rest is drained (outside the clock) so the exchange ends cleanly."""
    began = time.perf_counter()
    stream = iter(chunks(text))
    next(stream)
    elapsed = (time.perf_counter() - began) * 1000
    for _ in stream:
        pass
    return elapsed


def run(results: dict) -> None:
    loop = asyncio.new_event_loop()
    _Handler.recognizer, _Handler.worker = PocketsphinxRecognizer(), SpeechWorker(cache_size=0)
    uri = _serve(loop)
    local, remote = PocketsphinxRecognizer(), WyomingRecognizer(uri)
    for engine in (local, remote):
        engine.set_phrases(None)
    clips = [speak(text, tail_s=0.0) for text in SENTENCES]
    stt = {"local": [], "wyoming": [], "added": []}  # type: dict[str, list[float]]
    for _ in range(REPEATS):
        for pcm in clips:
            here, there = _stt_ms(local, pcm, False), _stt_ms(remote, pcm, True)
            stt["local"].append(here)
            stt["wyoming"].append(there)
            stt["added"].append(there - here)
    worker, synth = SpeechWorker(cache_size=0), WyomingSynthesizer(uri)
    worker.start()
    tts = {"local": [], "wyoming": [], "added": []}  # type: dict[str, list[float]]
    for repeat in range(REPEATS):
        for line in LINES:
            text = f"{line} {repeat}"
            here = _first_audio_ms(lambda t: [worker.synthesize(t).pcm], text)
            there = _first_audio_ms(synth.stream, text)
            tts["local"].append(here)
            tts["wyoming"].append(there)
            tts["added"].append(there - here)
    worker.close()
    _Handler.worker.close()
    loop.call_soon_threadsafe(loop.stop)
    results["wyoming"] = {
        "clock_stt": "end of audio (flush after the last speech frame) -> Utterance returned; ms",
        "clock_tts": "text handed over -> first audio chunk (local: whole clip); ms",
        "stt_local_ms": _stats(stt["local"]), "stt_wyoming_ms": _stats(stt["wyoming"]),
        "stt_added_ms": _stats(stt["added"]),
        "tts_local_first_audio_ms": _stats(tts["local"]), "tts_wyoming_first_audio_ms": _stats(tts["wyoming"]),
        "tts_added_first_audio_ms": _stats(tts["added"]),
        "repeats": REPEATS, "utterances": len(SENTENCES), "lines": len(LINES),
    }


def main() -> None:
    results: dict = {}
    run(results)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

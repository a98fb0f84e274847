"""Real Wyoming services on 127.0.0.1 for tests: the `wyoming` package's AsyncTcpServer and AsyncEventHandler
around our own pocketsphinx recogniser and espeak-ng voice (stand-ins for Whisper and Piper).

Each service runs its own event loop in a thread, on a port the OS picks (or a given one, to come back on).
Knobs for faults: `delay_s` (answer late), `drop_after_chunks` (die mid-utterance).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable

from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.event import Event
from wyoming.info import AsrModel, AsrProgram, Attribution, Describe, Info, TtsProgram, TtsVoice
from wyoming.server import AsyncEventHandler, AsyncTcpServer
from wyoming.tts import Synthesize

from assistant.audio.base import SAMPLE_RATE
from assistant.intents import IntentMatcher
from assistant.stt.base import Utterance
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.tts.worker import SpeechWorker

ATTRIBUTION = Attribution(name="tests", url="file://tests/wyoming_server.py")
CHUNK_BYTES = 2048
SHORT_S = 1.0
"""Speech up to this long is taken for a command (the stand-in's grammar); longer is free text."""


def wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Wait until `condition()` holds (polling an event, never a fixed sleep); fail after `timeout_s`."""
    done = threading.Event()
    while not condition():
        if done.wait(0.01) or timeout_s <= 0:
            raise AssertionError("condition not reached in time")
        timeout_s -= 0.01


class ServiceStandIn:
    """One Wyoming service in a background thread; `uri` once started; `stop()` kills it (connections too)."""

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self.delay_s = 0.0
        self.drop_after_chunks: int | None = None
        self.chunks = 0
        self.answers = 0
        self._loop = asyncio.new_event_loop()
        self._server: AsyncTcpServer | None = None
        self._handlers: list[AsyncEventHandler] = []
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> ServiceStandIn:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    async def _start(self) -> None:
        self._server = AsyncTcpServer("127.0.0.1", self.port)
        await self._server.start(self._handler)
        assert self._server._server is not None
        self.port = self._server._server.sockets[0].getsockname()[1]

    def _handler(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> AsyncEventHandler:
        handler = _Handler(reader, writer, self)
        self._handlers.append(handler)
        return handler

    async def _stop(self) -> None:
        assert self._server is not None and self._server._server is not None
        self._server._server.close()
        for handler in self._handlers:
            handler.writer.transport.abort()

    def stop(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)

    def info(self) -> Info:
        raise NotImplementedError

    async def handle(self, event: Event, handler: AsyncEventHandler) -> bool:
        raise NotImplementedError


class _Handler(AsyncEventHandler):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, service: ServiceStandIn) -> None:
        super().__init__(reader, writer)
        self.service = service
        self.audio: list[bytes] = []

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(self.service.info().event())
            return True
        return await self.service.handle(event, self)


class WhisperStandIn(ServiceStandIn):
    """Speech-to-text: short speech through the command grammar, longer speech as free text (with the
    sentinel pass for time out and safety), standing in for a Whisper transcript."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(port)
        self.grammar, self.free = PocketsphinxRecognizer(), PocketsphinxRecognizer()
        known = [p for p in IntentMatcher.load().phrases_for() if self._known(p)]
        self.grammar.set_phrases([*known, "one", "two", "three", "four", "five", "keep", "change", "drop"])
        self.free.set_phrases(None, [p for p in known if len(p.split()) > 1])

    def _known(self, phrase: str) -> bool:
        return all(self.grammar._decoder.lookup_word(word) is not None for word in phrase.split())

    def info(self) -> Info:
        model = AsrModel(name="pocketsphinx-en-us", attribution=ATTRIBUTION, installed=True, description=None,
                         version=None, languages=["en"])
        return Info(asr=[AsrProgram(name="stand-in-whisper", attribution=ATTRIBUTION, installed=True,
                                    description=None, version=None, models=[model])])

    async def handle(self, event: Event, handler: AsyncEventHandler) -> bool:
        assert isinstance(handler, _Handler)
        if AudioChunk.is_type(event.type):
            self.chunks += 1
            if self.drop_after_chunks is not None and self.chunks >= self.drop_after_chunks:
                await self._stop()
                return False
            handler.audio.append(AudioChunk.from_event(event).audio)
        elif AudioStop.is_type(event.type):
            await asyncio.sleep(self.delay_s)
            text = self._decode(b"".join(handler.audio))
            self.answers += 1  # counted before it is sent: the client may check the count as soon as it reads it
            await handler.write_event(Transcript(text=text).event())
            return False
        return True

    def _decode(self, pcm: bytes) -> str:
        free = self._run(self.free, pcm)
        if free and free[-1].end - free[0].start <= SHORT_S:
            free = self._run(self.grammar, pcm) or free
        return " ".join(u.text for u in free).capitalize() + "." if free else ""

    @staticmethod
    def _run(recognizer: PocketsphinxRecognizer, pcm: bytes) -> list[Utterance]:
        recognizer.reset()
        return [u for u in (recognizer.accept(pcm + bytes(SAMPLE_RATE)), recognizer.flush()) if u is not None]


class PiperStandIn(ServiceStandIn):
    """Text-to-speech: our pyttsx3/espeak-ng worker, streamed back in chunks."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(port)
        self.worker = SpeechWorker()

    def info(self) -> Info:
        voice = TtsVoice(name="en-us", attribution=ATTRIBUTION, installed=True, description=None, version=None,
                         languages=["en"])
        return Info(tts=[TtsProgram(name="stand-in-piper", attribution=ATTRIBUTION, installed=True,
                                    description=None, version=None, voices=[voice])])

    async def handle(self, event: Event, handler: AsyncEventHandler) -> bool:
        if not Synthesize.is_type(event.type):
            return True
        pcm = self.worker.synthesize(Synthesize.from_event(event).text).pcm
        await asyncio.sleep(self.delay_s)
        await handler.write_event(AudioStart(rate=SAMPLE_RATE, width=2, channels=1).event())
        for offset in range(0, len(pcm), CHUNK_BYTES):
            self.chunks += 1
            await handler.write_event(AudioChunk(rate=SAMPLE_RATE, width=2, channels=1,
                                                 audio=pcm[offset:offset + CHUNK_BYTES]).event())
        await handler.write_event(AudioStop().event())
        self.answers += 1
        return False

    def stop(self) -> None:
        super().stop()
        self.worker.close()


class NotWyoming:
    """A TCP server on 127.0.0.1 that answers every connection like a web server, then hangs up."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        self.uri = f"tcp://127.0.0.1:{self.port}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    def stop(self) -> None:
        self._sock.close()


def free_port() -> int:
    """A port nothing listens on (the OS picks it, then it is released)."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port: int = sock.getsockname()[1]
    return port


"""The continuous reader (FrontEndStream) and the stream clock, with the real front end; the microphone is a
paced fake at the hardware edge (frames with capture times, like MicrophoneSource)."""

from __future__ import annotations

import threading
import time

import pytest
from speech_fixtures import synthesize

from assistant.audio.base import FRAME_BYTES, ListenRequest
from assistant.audio.devices import AudioDeviceError
from assistant.audio.sources import split_frames
from assistant.audio.stream_clock import StreamClock
from assistant.clock import RealClock
from assistant.frontend import FrontEndSettings, SpeechGate, build_front_end
from assistant.frontend.stream import FrontEndStream
from assistant.listener import Listener

FRAME_S = 0.03


class PacedMic:
    """A live source: one frame per FRAME_S of wall time from a script (silence after), dated like a device."""

    live = True

    def __init__(self, pcm: bytes = b"", fail_after: int | None = None) -> None:
        self._frames = split_frames(pcm)
        self._fail_after = fail_after
        self.read_count = 0
        self.started = time.monotonic()
        self.last_frame_at: float | None = None
        self.overflows = 0
        self.closed = threading.Event()

    def play(self, pcm: bytes) -> None:
        """The partner speaks from the next frame on."""
        self._frames = split_frames(pcm)

    def read(self) -> bytes | None:
        if self.closed.is_set():
            return None
        if self._fail_after is not None and self.read_count >= self._fail_after:
            raise AudioDeviceError("the input stream stopped")
        due = self.started + (self.read_count + 1) * FRAME_S
        time.sleep(max(0.0, due - time.monotonic()))  # the device's pace (the hardware edge)
        self.last_frame_at = self.started + self.read_count * FRAME_S
        self.read_count += 1
        return self._frames.pop(0) if self._frames else bytes(FRAME_BYTES)

    def begin(self, request: ListenRequest) -> None:
        """Live audio needs no selection."""

    def discard_pending(self) -> None:
        """Nothing is buffered here."""

    def close(self) -> None:
        self.closed.set()


def wait_for(condition, timeout_s: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def front() -> object:
    return build_front_end(FrontEndSettings(echo="none"))


def test_the_reader_drains_the_microphone_while_nobody_listens() -> None:
    mic = PacedMic()
    stream = FrontEndStream(mic, front(), backlog_s=0.3)  # type: ignore[arg-type]
    try:
        assert wait_for(lambda: mic.read_count >= 30)  # nobody reads the stream: the thread still drains
        assert stream.dropped >= 20  # the backlog keeps only the newest 0.3 s, processed
        assert stream.frames_processed == mic.read_count or wait_for(lambda: stream.frames_processed >= 30)
    finally:
        stream.close()
    assert mic.closed.is_set()


class InstantMic(PacedMic):
    """A source that returns at once with no audio (as a closed MicrophoneSource does), closed by its owner."""

    def read(self) -> bytes | None:
        self.read_count += 1
        return None


def test_a_source_closed_by_its_owner_ends_the_reader_and_an_empty_source_never_spins() -> None:
    mic = InstantMic()
    stream = FrontEndStream(mic, front())  # type: ignore[arg-type]
    try:
        time.sleep(0.2)  # how long a source that returns at once is read: the reader waits between empty reads
        assert mic.read_count < 0.2 / 0.005 + 5
        mic.close()  # live.open_audio closes the microphone, not the stream wrapped around it
        assert wait_for(lambda: stream._thread is not None and not stream._thread.is_alive())
    finally:
        stream.close()


def test_a_listener_over_a_live_source_hears_through_the_reader() -> None:
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    mic = PacedMic()
    listener = Listener(mic, PocketsphinxRecognizer(), RealClock(),  # type: ignore[arg-type]
                        gate=SpeechGate(build_front_end(FrontEndSettings(echo="none"))), silence_timeout_s=5)
    assert isinstance(listener.source, FrontEndStream)
    threading.Timer(0.3, mic.play, (synthesize("yes"),)).start()
    heard = listener.listen(ListenRequest(kind="yes_no", step="consent", phrases=("yes", "no")))
    listener.source.close()
    assert heard is not None and heard.utterance.text == "yes"


def test_frames_captured_before_a_time_are_skipped_even_when_they_arrive_later() -> None:
    mic = PacedMic()
    stream = FrontEndStream(mic, front())  # type: ignore[arg-type]
    try:
        until = mic.started + 0.6
        stream.discard_before(until)  # the first 20 frames have not even been captured yet
        got: list[object] = []
        assert wait_for(lambda: got.append(stream.read_processed()) or got[-1] is not None)  # None while skipping
        assert mic.read_count >= 21
    finally:
        stream.close()


def test_a_device_error_on_the_reader_thread_reaches_the_listener() -> None:
    stream = FrontEndStream(PacedMic(fail_after=3), front())  # type: ignore[arg-type]
    with pytest.raises(AudioDeviceError, match="stopped"):
        for _ in range(10):
            stream.read_processed()
    stream.close()


def test_the_stream_clock_ignores_late_callbacks_and_follows_a_real_shift() -> None:
    clock = StreamClock(16_000, block_s=0.02, window_s=1.0)
    for n in range(50):
        late = 0.15 if n % 7 == 3 else 0.0  # a callback held up by the interpreter lock
        assert abs(clock.observe(320 * n, 100.0 + 0.02 * n + late) - (100.0 + 0.02 * n)) < 1e-9
    for n in range(50, 100):  # the server moved the stream 40 ms later for good
        clock.observe(320 * n, 100.04 + 0.02 * n)
    assert clock.time_of(320 * 100) == pytest.approx(100.04 + 2.0)
    clock.restart()
    assert not clock.known


def test_the_backlog_says_how_far_a_reader_lags_behind_the_microphone() -> None:
    mic = PacedMic()
    stream = FrontEndStream(mic, front(), backlog_s=3.0)  # type: ignore[arg-type]
    try:
        assert wait_for(lambda: stream.frames_processed >= 10)  # nobody reads: 10 frames wait
        assert stream.backlog_s >= 10 * 0.03 - 1e-9
        while stream.read_processed() is not None and stream.backlog_s > 0:
            pass
        assert stream.backlog_s <= 0.03 + 1e-9  # read up: at most the frame that just arrived
    finally:
        stream.close()

"""A microphone unplugged mid-check-in: the session pauses at its exact step (saved, reason "device"), the
couple hears and reads a notice, the microphone is reopened with backoff on the virtual clock, the
device-back line is said and "resume check in" continues where it stopped.

Real store, dialogs, pocketsphinx and espeak-ng voices; only PortAudio (sounddevice) is faked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import sounddevice as sd
from speech_fixtures import synthesize

from assistant import paths, pipeline
from assistant.audio import devices
from assistant.audio.base import ListenRequest
from assistant.audio.microphone import MicrophoneSource
from assistant.audio.reconnect import Reopener, backoff_delays, open_microphone, reopen_in_place
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.listener import Listener
from assistant.schedule.companion import Companion
from assistant.schedule.resilient import FaultLog, keep_running
from assistant.schedule.scheduler import Scheduler
from assistant.store.records import Consent, SessionEvent, StepAnswer
from assistant.store.store import Store

UTC = timezone.utc
BLOCK = 480  # 30 ms at 16 kHz
USB = [{"index": 3, "name": "USB PnP Sound Device", "max_input_channels": 1, "max_output_channels": 0,
        "default_samplerate": 16000.0}]


class FakePortAudio:
    """The hardware edge: a device list, and input streams whose PortAudio thread feeds scripted audio."""

    def __init__(self, back_after_scans: int) -> None:
        self.present = True
        self.scans = 0
        self.back_after_scans = back_after_scans
        self.streams: list[FakeStream] = []

    def query_devices(self, *args: object, **kwargs: object) -> list[dict[str, Any]]:
        return [dict(d) for d in USB] if self.present else []

    def terminate(self) -> None:
        """sd._terminate: nothing to release."""

    def initialize(self) -> None:
        """sd._initialize: PortAudio looks for devices again; the microphone returns after a few looks."""
        self.scans += 1
        if self.scans >= self.back_after_scans:
            self.present = True

    def stream(self, **kwargs: Any) -> FakeStream:
        if not self.present:
            raise sd.PortAudioError("Error opening RawInputStream: Invalid device [PaErrorCode -9996]")
        stream = FakeStream(**kwargs)
        self.streams.append(stream)
        return stream

    def unplug(self) -> None:
        self.present = False
        self.streams[-1].unplug()


class FakeStream:
    """sd.RawInputStream: a thread delivers `said` audio, else silence, a few blocks ahead of the reader.

    A partner answers once the assistant listens (`release`): half duplex drops what the room heard before
    the listen began, so an answer pushed while the line is "spoken" would be cut at a random point.
    """

    def __init__(self, *, callback: Callable[..., None], finished_callback: Callable[[], None],
                 **kwargs: Any) -> None:
        self.callback, self.finished_callback = callback, finished_callback
        self.pending = bytearray()
        self.answer = bytearray()
        self.active = False
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def say(self, pcm: bytes) -> None:
        with self.lock:
            self.answer += pcm

    def release(self) -> None:
        with self.lock:
            self.pending += self.answer
            self.answer.clear()

    def start(self) -> None:
        self.active = True
        self.thread.start()

    def _run(self) -> None:
        backlog = self.callback.__self__._queue  # type: ignore[attr-defined]
        while self.active:
            if backlog.qsize() >= 2:
                time.sleep(0.0005)
                continue
            with self.lock:
                block = bytes(self.pending[:2 * BLOCK]).ljust(2 * BLOCK, b"\0")
                del self.pending[:2 * BLOCK]
            self.callback(block, BLOCK, None, sd.CallbackFlags())

    def unplug(self) -> None:
        self.active = False
        self.thread.join()
        self.finished_callback()

    def stop(self) -> None:
        self.active = False
        if self.thread.is_alive():
            self.thread.join()

    def close(self) -> None:
        self.stop()


@pytest.fixture
def portaudio(monkeypatch: pytest.MonkeyPatch) -> FakePortAudio:
    fake = FakePortAudio(back_after_scans=5)  # the first open scans once, then 4 looks
    monkeypatch.setattr(sd, "query_devices", fake.query_devices)
    monkeypatch.setattr(sd, "RawInputStream", fake.stream)
    monkeypatch.setattr(sd, "_terminate", fake.terminate)
    monkeypatch.setattr(sd, "_initialize", fake.initialize)
    monkeypatch.setattr(devices, "_default_index", lambda kind: 3)
    listening = MicrophoneSource.begin

    def begin(source: MicrophoneSource, request: ListenRequest) -> None:  # the assistant listens: answer now
        listening(source, request)
        if fake.streams:
            fake.streams[-1].release()

    monkeypatch.setattr(MicrophoneSource, "begin", begin)
    return fake


def test_backoff_doubles_up_to_thirty_seconds() -> None:
    delays = backoff_delays()
    assert [next(delays) for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_unplugged_mid_checkin_pauses_reopens_and_resumes(portaudio: FakePortAudio, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    clock = VirtualClock(datetime(2026, 5, 20, 10, 0, tzinfo=UTC))
    store = Store.open(tmp_path / "store")
    store.append(Consent(at=clock.now().isoformat(), partners=("Alex", "Sam")))

    def microphone() -> Any:
        return open_microphone("USB", clock=clock, read_timeout_s=0.05)

    listener = Listener(microphone(), PocketsphinxRecognizer(), clock, silence_timeout_s=3.0)
    said: list[Line] = []
    sam_asked = 0

    def say_line(line: Line) -> None:  # the partners answer what they hear
        nonlocal sam_asked
        said.append(line)
        stream = portaudio.streams[-1]
        if line.dialog_id in ("always_on.ready", "common.device_back"):
            stream.say(synthesize("start check in" if line.dialog_id == "always_on.ready" else "resume check in"))
        elif line.dialog_id == "checkin.appreciations" and line.slots.get("partner") == "Alex":
            stream.say(synthesize("thank you for the coffee this morning"))
        elif line.dialog_id == "checkin.appreciations":
            sam_asked += 1
            if sam_asked == 1:
                portaudio.unplug()  # mid-session, while Sam is about to answer
            else:
                stream.say(synthesize("you listened to me today"))

    settings = Settings()
    companion = Companion(pipeline.conversation(listener, say_line, clock, settings, DialogLibrary.load(seed=0), store),
                          DialogLibrary.load(seed=0),
                          store, settings, clock, Scheduler.from_settings(store, clock, settings.schedule, "UTC"),
                          IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), UTC)
    reopener = Reopener(microphone, clock)
    opened: list[Any] = []
    began = clock.monotonic()
    log = keep_running(companion, lambda: bool(companion.sessions_run), reopen_in_place(listener, reopener, opened),
                       printer=print)
    for source in opened:
        source.close()

    assert reopener.waits == [1, 2, 4, 8]  # back on the 4th look: waits doubled on the virtual clock
    assert clock.monotonic() - began >= sum(reopener.waits)
    assert (log.devices_lost, log.devices_back) == (1, 1)
    ids = [line.dialog_id for line in said]
    lost, back = ids.index("common.device_lost"), ids.index("common.device_back")
    assert lost < back < ids.index("common.resumed")
    printed = capsys.readouterr().out
    assert said[lost].text in printed and said[back].text in printed
    events = [e for e in store.query(SessionEvent) if isinstance(e, SessionEvent)]
    paused = [e for e in events if e.status == "paused"]
    assert (paused[0].step, paused[0].state) == ("appreciations", {"item": 1, "reason": "device"})
    assert {e.session_id for e in events} == {paused[0].session_id}  # the resumed session is the same one
    assert companion.sessions_run == [("resume", companion.sessions_run[0][1])]
    answers = [a for a in store.query(StepAnswer) if isinstance(a, StepAnswer) and a.step == "appreciations"]
    assert [a.partner for a in answers] == ["Alex", "Sam"]  # Alex's answer kept, not asked again
    assert len(portaudio.streams) == 2 and not portaudio.streams[-1].thread.is_alive()
    store.close()


@pytest.mark.speech  # through the CLI: the lane rule cannot see it
def test_the_notice_is_printed_when_the_speaker_is_gone_too(portaudio: FakePortAudio, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    clock = VirtualClock(datetime(2026, 5, 20, 10, 0, tzinfo=UTC))
    store = Store.open(tmp_path / "store")
    store.append(Consent(at=clock.now().isoformat(), partners=("Alex", "Sam")))
    listener = Listener(open_microphone("USB", clock=clock, read_timeout_s=0.05), PocketsphinxRecognizer(), clock)
    spoken: list[str] = []

    def say_line(line: Line) -> None:
        if line.dialog_id.startswith("common.device"):
            raise sd.PortAudioError("Error opening RawOutputStream: Invalid device")  # same USB headset
        spoken.append(line.dialog_id)
        if line.dialog_id == "always_on.ready":
            portaudio.unplug()

    settings = Settings()
    companion = Companion(pipeline.conversation(listener, say_line, clock, settings, DialogLibrary.load(seed=0), store),
                          DialogLibrary.load(seed=0),
                          store, settings, clock, Scheduler.from_settings(store, clock, settings.schedule, "UTC"),
                          IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), UTC)
    log = FaultLog()
    keep_running(companion, lambda: log.devices_back > 0,
                 reopen_in_place(listener, Reopener(lambda: open_microphone("USB", clock=clock), clock), []),
                 printer=print, log=log)
    listener.source.close()
    out = capsys.readouterr().out
    assert log.notices == ["common.device_lost", "common.device_back"]
    assert "microphone seems to be disconnected" in out and "microphone is back" in out
    assert spoken == ["always_on.ready"]
    assert not [e for e in store.query(SessionEvent)]  # idle: no session was running, nothing to pause
    store.close()

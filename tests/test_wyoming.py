"""The Wyoming engines against real Wyoming services on 127.0.0.1 (wyoming's own server classes around our
pocketsphinx and espeak-ng engines): recognition, synthesis, a check-in with a time out, and every fault."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from speech_fixtures import synthesize, transcribe
from wyoming_server import NotWyoming, PiperStandIn, WhisperStandIn, free_port, wait_for

from assistant.audio.base import FRAME_BYTES
from assistant.stt.fallback import FallbackRecognizer
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.stt.wyoming_engine import WyomingRecognizer
from assistant.tts.worker import SpeechWorker
from assistant.tts.wyoming_engine import FallbackSynthesizer, WyomingSynthesizer
from assistant.wyoming_client import Reprobe

pytestmark = pytest.mark.speech
PATIENT_S = 60.0
"""Timeout where the service is expected to answer: the 2 cores are shared, so never race the machine."""
COMMANDS = ["yes", "no", "repeat", "skip", "go back", "stop", "time out", "i need a time out", "four"]


@pytest.fixture(scope="module")
def whisper() -> Iterator[WhisperStandIn]:
    service = WhisperStandIn().start()
    yield service
    service.stop()


def recognizer(uri: str, timeout_s: float = PATIENT_S) -> tuple[FallbackRecognizer, list[str]]:
    lines: list[str] = []
    wrapped = FallbackRecognizer(WyomingRecognizer(uri, timeout_s), PocketsphinxRecognizer,
                                 Reprobe(uri, timeout_s, first_delay_s=0.05, max_delay_s=0.2), lines.append)
    wrapped.set_phrases(COMMANDS)
    return wrapped, lines


def heard(engine: FallbackRecognizer, text: str) -> list[str]:
    engine.reset()
    return [u.text for u in transcribe(engine, synthesize(text))]


@pytest.mark.parametrize("command", ["yes", "i need a time out", "go back", "four"])
def test_spoken_commands_are_recognised_through_the_service(whisper: WhisperStandIn, command: str) -> None:
    engine, lines = recognizer(whisper.uri)
    answers = whisper.answers
    assert heard(engine, command) == [command]
    assert whisper.answers == answers + 1 and engine.using_service and lines == []


def test_audio_streams_out_while_the_partner_speaks(whisper: WhisperStandIn) -> None:
    engine = WyomingRecognizer(whisper.uri, PATIENT_S)
    engine.set_phrases(None)
    pcm, chunks = synthesize("i will put my phone away at dinner"), whisper.chunks
    half = len(pcm) // 2 // FRAME_BYTES * FRAME_BYTES
    for offset in range(0, half, FRAME_BYTES):
        assert engine.accept(pcm[offset:offset + FRAME_BYTES]) is None
    wait_for(lambda: whisper.chunks > chunks)  # before the end of speech
    rest = [engine.accept(pcm[o:o + FRAME_BYTES]) for o in range(half, len(pcm), FRAME_BYTES)]
    found = [u for u in [*rest, engine.flush()] if u is not None]
    assert len(found) == 1 and found[0].confidence == 1.0 and found[0].text


def test_synthesis_through_the_service_matches_the_local_voice() -> None:
    service = PiperStandIn().start()
    local = SpeechWorker()
    try:
        clip = WyomingSynthesizer(service.uri, PATIENT_S).synthesize("thank you for sharing", "d.id")
        assert clip.dialog_id == "d.id" and service.chunks > 1
        assert clip.pcm == local.synthesize("thank you for sharing").pcm
    finally:
        local.close()
        service.stop()


def test_down_at_start_is_one_line_then_local_then_back(tmp_path: Path) -> None:
    port = free_port()
    engine, lines = recognizer(f"tcp://127.0.0.1:{port}")
    assert len(lines) == 1 and "cannot reach" in lines[0] and "pocketsphinx" in lines[0]
    assert heard(engine, "yes") == ["yes"] and not engine.using_service
    service = WhisperStandIn(port).start()
    try:
        wait_for(engine.reprobe.back.is_set)
        assert heard(engine, "no") == ["no"]
        assert engine.using_service and service.answers == 1 and len(lines) == 2 and "back" in lines[1]
    finally:
        service.stop()


def test_killed_mid_utterance_keeps_the_turn() -> None:
    service = WhisperStandIn().start()
    engine, lines = recognizer(service.uri)
    service.drop_after_chunks = service.chunks + 5
    try:
        assert heard(engine, "i need a time out") == ["i need a time out"]
        assert len(lines) == 1 and "Speech service problem" in lines[0] and engine.fallbacks == 1
        assert service.answers == 0
    finally:
        service.stop()
    back = WhisperStandIn(service.port).start()
    try:
        wait_for(engine.reprobe.back.is_set)
        assert heard(engine, "go back") == ["go back"] and back.answers == 1 and engine.using_service
    finally:
        back.stop()


def test_a_service_slower_than_the_timeout_falls_back_with_the_turn(whisper: WhisperStandIn) -> None:
    engine, lines = recognizer(whisper.uri, timeout_s=2.0)
    whisper.delay_s = 30.0
    try:
        assert heard(engine, "yes") == ["yes"]
        assert len(lines) == 1 and "no Transcript within 2 s" in lines[0]
    finally:
        whisper.delay_s = 0.0
    wait_for(engine.reprobe.back.is_set)  # it answers Describe in time: back on the next turn
    engine.primary.timeout_s = PATIENT_S  # type: ignore[attr-defined]  # the fault is shown; now be patient
    assert heard(engine, "no") == ["no"] and engine.using_service and "back" in lines[-1]


def test_a_port_that_does_not_speak_wyoming_is_one_line() -> None:
    other = NotWyoming()
    try:
        engine, lines = recognizer(other.uri)
        assert heard(engine, "stop") == ["stop"]
        assert len(lines) == 1 and "does not speak the Wyoming protocol" in lines[0]
        synth_lines: list[str] = []
        speaker = FallbackSynthesizer(WyomingSynthesizer(other.uri, 1.0), SpeechWorker,
                                      Reprobe(other.uri, 1.0, first_delay_s=0.05), synth_lines.append)
        assert speaker.synthesize("hello there").pcm and len(synth_lines) == 1
        speaker.close()
        engine.close()
    finally:
        other.stop()


def test_voice_service_dropped_then_back() -> None:
    service = PiperStandIn().start()
    lines: list[str] = []
    speaker = FallbackSynthesizer(WyomingSynthesizer(service.uri, PATIENT_S), SpeechWorker,
                                  Reprobe(service.uri, PATIENT_S, first_delay_s=0.05, max_delay_s=0.2), lines.append)
    port = service.port
    try:
        assert speaker.synthesize("one").pcm and service.answers == 1 and lines == []
        service.stop()
        assert speaker.synthesize("two").pcm and len(lines) == 1 and "Voice service problem" in lines[0]
        service = PiperStandIn(port).start()
        wait_for(speaker.reprobe.back.is_set)
        assert speaker.synthesize("three").pcm and service.answers == 1 and "back" in lines[-1]
    finally:
        speaker.close()
        service.stop()

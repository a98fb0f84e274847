"""Issue 12, spoken: held-out-style danger statements, synthesised by espeak-ng voices no tuning used
(tests/safety_spoken6.py's held-out voices), heard through the real front end and pocketsphinx in a real
check-in over a real store: the safety message is said, the SafetyEvent keeps the category and not the
words; an everyday answer in the same voice does not stop the check-in.

Statements are listed safety phrasings in a new voice: the spoken catch rate of free sentences is far lower
(dialogs/README.md, spoken figures) and is a bench figure, not a test.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from safety_helpers import TextListener, journal_bytes, library, settings
from safety_spoken6 import HELD_OUT_VOICES

from assistant import pipeline
from assistant.audio.base import ListenRequest
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.dialog.library import Line
from assistant.listener import Listener
from assistant.sessions import new_checkin, run_session
from assistant.simulate import voices
from assistant.store.records import SafetyEvent
from assistant.store.store import Store

START = datetime(2026, 1, 11, 19, 0, tzinfo=timezone(timedelta(hours=-5)))


def _spoken_checkin(directory: Path, first_answer: str, voice: tuple[str, int, int]) -> tuple[str, list[str]]:
    """A check-in whose first free answer is `first_answer` spoken in `voice`; every later turn is silent."""
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    name, pitch, rate = voice
    clip = voices.speak(first_answer, voice=name, rate=rate, pitch=pitch)
    asked: list[str] = []

    def answer(request: ListenRequest) -> bytes:
        asked.append(request.kind)
        return clip if asked.count("free") == 1 and request.kind == "free" else b""

    clock = VirtualClock(START)
    source = ScriptedSource(clock=clock, on_begin=answer)
    said: list[Line] = []
    with Store.open(directory) as store:
        conv = pipeline.conversation(Listener(source, PocketsphinxRecognizer(), clock), said.append, clock,
                                     settings(), library(), store, max_turns=12)
        final = run_session(conv, new_checkin(store, library(), settings(), clock))
    return final, [line.dialog_id for line in said]


KNOWN_MISSES = {"i want to hurt myself", "i might hurt myself"}
"""Measured missed in this voice: the sentinel grammar's garbage loop wins over the phrase (dialogs/README.md,
spoken figures). Strict: the test fails when one starts to be caught, so the list is kept true."""


def _danger_phrasings() -> list[object]:
    """The spoken safety phrasings of tests/test_safety_speech.py that typed text stops at once (danger tier)."""
    from test_safety_speech import ROBUST

    detector = pipeline.interpreter().danger
    return [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="known held-out miss"))
            if p in KNOWN_MISSES else p for p in ROBUST if detector.assess(p) == "danger"]


def _typed_categories(directory: Path, statement: str) -> list[str]:
    clock = VirtualClock(START)
    with Store.open(directory) as store:
        conv = pipeline.conversation(TextListener([statement]), [].append, clock, settings(), library(), store)
        run_session(conv, new_checkin(store, library(), settings(), clock))
        return [e.category for e in store.query(SafetyEvent)]


@pytest.mark.parametrize("statement", _danger_phrasings())
def test_a_spoken_danger_statement_in_a_new_voice_stops_the_checkin(tmp_path: Path, statement: str) -> None:
    final, ids = _spoken_checkin(tmp_path / "store", statement, HELD_OUT_VOICES[0])
    assert final == "safety"
    assert ids.count("safety.message") == 1
    with Store.open(tmp_path / "store") as store:  # the same record as the typed statement leaves
        assert [e.category for e in store.query(SafetyEvent)] == _typed_categories(tmp_path / "typed", statement)
    assert statement.encode() not in journal_bytes(tmp_path / "store")


def test_a_spoken_everyday_answer_in_a_new_voice_does_not_stop(tmp_path: Path) -> None:
    final, ids = _spoken_checkin(tmp_path / "store", "i appreciated the flowers you brought", HELD_OUT_VOICES[0])
    assert final != "safety" and "safety.message" not in ids
    with Store.open(tmp_path / "store") as store:
        assert not store.query(SafetyEvent)

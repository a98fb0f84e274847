"""Danger heard in the idle listen is asked about, not the full stop (Interpreter.decide_unaddressed).

Real pipeline: espeak-ng voice -> VAD-gated Listener -> pocketsphinx -> the companion, the real store on disk.
Typed danger in the same idle listen still gets the resources at once.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from speech_fixtures import synthesize

from assistant import paths
from assistant import pipeline as build
from assistant.audio.base import ListenRequest
from assistant.audio.convert import silence
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.listener import Listener
from assistant.listening import Heard, Listening
from assistant.safety import safety_earlier_today
from assistant.schedule.companion import CALM_QUESTION, Companion
from assistant.schedule.scheduler import Scheduler
from assistant.store.records import SafetyEvent
from assistant.store.store import Store
from assistant.stt.base import Utterance
from assistant.typed_io import TypedListener

UTC = timezone.utc
START = datetime(2026, 5, 20, 19, 0, tzinfo=UTC)


def spoken(replies: list[str | None], clock: VirtualClock) -> tuple[Listener, list[str]]:
    """A listener hearing `replies` in turn, spoken by espeak-ng (None: a second of silence)."""
    queue, steps = iter(replies), []
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    def supply(request: ListenRequest) -> bytes:
        steps.append(request.step)
        text = next(queue, None)
        return synthesize(text) if text else silence(1.0)

    source = ScriptedSource(clock=clock, on_begin=supply)
    return Listener(source, PocketsphinxRecognizer(), clock, silence_timeout_s=3.0), steps


def companion(listener: Listening, clock: VirtualClock, store: Store) -> tuple[Companion, list[Line]]:
    said: list[Line] = []
    settings = Settings()
    conversation = build.conversation(listener, said.append, clock, settings, DialogLibrary.load(seed=0), store)
    return Companion(conversation, DialogLibrary.load(seed=0), store, settings, clock,
                     Scheduler.from_settings(store, clock, settings.schedule, "UTC"),
                     IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), UTC), said


def events(store: Store) -> list[SafetyEvent]:
    return [r for r in store.query(SafetyEvent) if isinstance(r, SafetyEvent)]


def test_spoken_danger_in_idle_is_asked_about_and_yes_gives_the_resources(tmp_path: Path) -> None:
    clock = VirtualClock(START)
    listener, steps = spoken(["i want to kill myself", "yes"], clock)
    with Store.open(tmp_path / "store") as store:
        idle, said = companion(listener, clock, store)
        assert idle.idle_once(5.0) == "safety"
        ids = [line.dialog_id for line in said]
        assert ids == ["always_on.danger_check", "safety.message"]
        assert "988" in said[-1].text
        assert steps == ["idle", "safety_check"]
        assert [(e.activity, e.category) for e in events(store)] == [("idle", "self_harm")]
        assert safety_earlier_today(store, clock.now())


def test_spoken_danger_in_idle_then_silence_says_nothing_more_and_records_nothing(tmp_path: Path) -> None:
    clock = VirtualClock(START)
    listener, steps = spoken(["i want to kill myself", None], clock)
    with Store.open(tmp_path / "store") as store:
        idle, said = companion(listener, clock, store)
        assert idle.idle_once(5.0) == CALM_QUESTION
        assert [line.dialog_id for line in said] == ["always_on.danger_check"]
        assert steps == ["idle", "safety_check"]
        assert events(store) == []
        assert not safety_earlier_today(store, clock.now())


def test_spoken_danger_in_idle_then_no_gets_a_gentle_line_and_no_record(tmp_path: Path) -> None:
    clock = VirtualClock(START)
    listener, _ = spoken(["i want to kill myself", "no"], clock)
    with Store.open(tmp_path / "store") as store:
        idle, said = companion(listener, clock, store)
        assert idle.idle_once(5.0) == CALM_QUESTION
        assert [line.dialog_id for line in said] == ["always_on.danger_check", "always_on.danger_check_no"]
        assert events(store) == []


def test_typed_danger_in_idle_gives_the_resources_at_once(tmp_path: Path) -> None:
    clock = VirtualClock(START)
    typed = TypedListener(clock, io.StringIO("I want to kill myself\n"), io.StringIO())
    with Store.open(tmp_path / "store") as store:
        idle, said = companion(typed, clock, store)
        assert idle.idle_once(5.0) == "safety"
        assert [line.dialog_id for line in said] == ["safety.message"]
        assert [(e.activity, e.category) for e in events(store)] == [("idle", "self_harm")]


def test_the_interpreter_asks_about_heard_danger_and_stops_for_typed_danger() -> None:
    interpreter = build.interpreter()
    intents = ("time_out", "help", "safety")

    def heard(text: str, pcm: bytes) -> Heard:
        return Heard(Utterance(text, 0.9, 0.0, 1.0), 0.0, 1.0, pcm)

    audio = silence(1.0)
    for text in ("i want to kill myself", "he hit me", "i feel unsafe"):
        decision = interpreter.decide_unaddressed(heard(text, audio), "command", intents)
        assert (decision.intent, decision.danger) == ("safety", "ambiguous"), text
    typed = interpreter.decide_unaddressed(heard("i want to kill myself", b""), "command", intents)
    assert (typed.intent, typed.danger) == ("safety", "danger")
    assert interpreter.decide_unaddressed(heard("i need a time out", audio), "command", intents).intent == "time_out"
    assert interpreter.decide_unaddressed(None, "command", intents).reason == "silence"



def test_help_line_answering_an_invitation_gives_the_numbers_and_records_nothing(tmp_path: Path) -> None:
    """The quiet path works in the companion's own questions too: the numbers in a few words, no safety record."""
    clock = VirtualClock(START)
    typed = TypedListener(clock, io.StringIO("help line\n"), io.StringIO())
    with Store.open(tmp_path / "store") as store:
        idle, said = companion(typed, clock, store)
        idle.confirm_then_dispatch("read_agreement")
        assert [line.dialog_id for line in said] == ["always_on.confirm_read_agreement", "safety.help_line"]
        assert events(store) == [] and not safety_earlier_today(store, clock.now())

"""The real pipeline: espeak-ng partners -> VAD-gated Listener -> pocketsphinx -> companion / review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from speech_fixtures import synthesize

from assistant import paths, sessions
from assistant import pipeline as build
from assistant.activities.registry import SessionContext
from assistant.audio.base import ListenRequest
from assistant.audio.convert import silence
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.listener import Listener
from assistant.schedule.companion import Companion
from assistant.schedule.scheduler import Scheduler
from assistant.store.records import AgreementVersion, Appreciation
from assistant.store.store import Store

UTC = timezone.utc


def pipeline(replies: Callable[[ListenRequest], str | None]) -> tuple[VirtualClock, Listener, list[Line]]:
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    clock = VirtualClock(datetime(2026, 5, 20, 23, 0, tzinfo=UTC))

    def supply(request: ListenRequest) -> bytes:
        text = replies(request)
        return synthesize(text) if text else silence(1.0)

    source = ScriptedSource(clock=clock, on_begin=supply)
    listener = Listener(source, PocketsphinxRecognizer(), clock, silence_timeout_s=3.0)
    return clock, listener, []


def test_spoken_activation_phrase_starts_the_appreciation_and_answers_are_kept(tmp_path: Path) -> None:
    answers = iter(["appreciation", "thank you for the coffee this morning", "you listened to me today"])
    clock, listener, said = pipeline(lambda request: next(answers, None))
    store = Store.open(tmp_path / "store")
    settings = Settings()
    conversation = build.conversation(listener, said.append, clock, settings, DialogLibrary.load(seed=0), store)
    companion = Companion(conversation, DialogLibrary.load(seed=0), store, settings, clock,
                          Scheduler.from_settings(store, clock, settings.schedule, "UTC"),
                          IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), UTC)
    assert companion.idle_once(5.0) == "appreciation"
    assert companion.sessions_run == [("appreciation", "completed")]
    records = [r for r in store.query(Appreciation) if isinstance(r, Appreciation)]
    assert [r.partner for r in records] == ["Alex", "Sam"]
    assert all(r.text and not r.skipped for r in records)
    assert listener.frames_decoded > 0


def test_idle_silence_is_not_decoded(tmp_path: Path) -> None:
    clock, listener, said = pipeline(lambda request: None)
    store = Store.open(tmp_path / "store")
    settings = Settings()
    companion = Companion(build.conversation(listener, said.append, clock, settings, DialogLibrary.load(), store),
                          DialogLibrary.load(),
                          store, settings, clock, Scheduler.from_settings(store, clock, settings.schedule, "UTC"),
                          IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), UTC)
    assert companion.idle_once(1.0) is None
    assert listener.frames_decoded == 0
    assert companion.sessions_run == []


def test_spoken_agreement_review_removes_one_item_with_both_yeses(tmp_path: Path) -> None:
    answers = iter(["keep", "remove", "no", "yes", "yes"])  # no new item; both agree to the removal
    clock, listener, said = pipeline(lambda request: next(answers, None))
    store = Store.open(tmp_path / "store")
    store.update_agreement(["We share our plans by six.", "Phones stay face up."], "add", clock.now().isoformat())
    conversation = build.conversation(listener, said.append, clock, Settings(), DialogLibrary.load(seed=0), store)
    final = sessions.run_session(conversation, sessions.new_session(
        "agreement_review", SessionContext(store, DialogLibrary.load(seed=0), Settings(), clock)))
    assert final == "completed"
    versions = store.query(AgreementVersion)
    assert [v.items for v in versions] == [("We share our plans by six.", "Phones stay face up."),
                                          ("We share our plans by six.",)]

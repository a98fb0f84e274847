"""A danger phrase said while the assistant speaks (barge-in), heard over what is left of its own voice: the line
stops and the calm question is asked (never the full stop at once); "yes" gives the resources, "no" goes on
gently with nothing of the words kept. Real espeak-ng voices, front end, pocketsphinx, conversation and store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safety_helpers import journal_bytes
from speech_fixtures import TRAIL_S, synthesize

from assistant import pipeline
from assistant.audio.convert import write_wav
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.listening import Heard
from assistant.simulate.runner import SimulationResult, simulate
from assistant.simulate.scenario import load_scenario
from assistant.store.records import SafetyEvent, StepAnswer
from assistant.store.store import Store
from assistant.stt.base import Utterance

RESIDUE_DB = -12.0
"""Our own line under the partner, as an unconverged echo canceller leaves it (the room trials: 3-5 dB of
cancellation where it had not converged; the raw line reaches the microphone at about -3 dB)."""


def _partner_over_own_voice(text: str, path: Path) -> None:
    """`text` by a partner, mixed over the boundaries question as the microphone hears its residue."""
    line = DialogLibrary.load(seed=0).render("checkin.boundaries").text
    partner = np.frombuffer(synthesize(text, voice="en-us+f3"), dtype="<i2").astype(np.float64)
    spoken = len(partner) - int(TRAIL_S * 16000)  # the residue stops with the partner: the line was cut there
    own = np.frombuffer(synthesize(line, voice="en-us+m3"), dtype="<i2").astype(np.float64)[:spoken]
    mixed = partner.copy()
    mixed[:len(own)] += own * 10 ** (RESIDUE_DB / 20)
    write_wav(path, np.clip(mixed, -32768, 32767).astype("<i2").tobytes())


def _run(tmp_path: Path, said: str, answer: str) -> tuple[SimulationResult, Path]:
    _partner_over_own_voice(said, tmp_path / "partner.wav")
    (tmp_path / "scenario.yaml").write_text(
        "activity: checkin\npartners: [Alex, Sam]\nturns:\n"
        "  - {wav: partner.wav, during: speech, at_step: boundaries}\n"
        f"  - {{say: \"{answer}\", at_step: safety_check, voice: en-us+f3}}\n"
        "answers: {yes_no: \"yes\", rating: \"four\", free: \"we talked about it calmly\", choice: \"keep\", "
        "ready: \"ready\"}\n")
    store = tmp_path / "store"
    result = simulate(load_scenario(tmp_path / "scenario.yaml"), tmp_path / "out", Settings(),
                      base_dir=tmp_path, engine="pocketsphinx", store_dir=store)
    return result, store


def _records(store: Path, kind: type) -> list:
    with Store.open(store) as opened:
        return [r for r in opened.query(kind) if isinstance(r, kind)]


def _asked_about(result: SimulationResult) -> tuple[list[str], int]:
    """The dialog ids said and where the calm question is, once the one barge-in was heard as danger to ask about."""
    assert result.conversation is not None
    (event,) = result.conversation.barge_in.events
    assert (event.intent, event.danger) == ("safety", "ambiguous")
    ids = result.transcript.said()
    return ids, ids.index("safety.check_question")


def test_clear_danger_over_our_voice_is_asked_about_and_yes_gives_the_resources(tmp_path: Path) -> None:
    result, store = _run(tmp_path, "i want to die", "yes")
    ids, at = _asked_about(result)
    assert ids[at - 1] == "checkin.boundaries" and "safety.message" in ids[at + 1:]
    assert result.final_state == "safety"
    assert len(_records(store, SafetyEvent)) == 1


def test_an_ambiguous_phrase_over_our_voice_answered_no_goes_on_and_keeps_nothing(tmp_path: Path) -> None:
    result, store = _run(tmp_path, "i'm scared of him", "no")
    ids, at = _asked_about(result)
    assert ids[at + 1:at + 3] == ["safety.check_continue", "checkin.boundaries"]  # the cut step, said again
    assert "safety.message" not in ids and result.final_state == "completed"
    assert not _records(store, SafetyEvent) and _records(store, StepAnswer)
    assert b"scared" not in journal_bytes(store)
    assert not any("scared" in turn.text for turn in result.transcript.turns)


def test_under_our_voice_both_danger_tiers_are_the_calm_question_and_commands_stay_commands() -> None:
    interpreter = pipeline.interpreter()

    def under_voice(text: str) -> tuple[str | None, str]:
        heard = Heard(Utterance(text=text, confidence=0.9, start=0.0, end=1.0), 0.0, 1.0)
        decision = interpreter.decide_under_voice(heard, "barge_in", ("time_out", "stop", "safety"))
        return decision.intent, decision.danger

    assert interpreter.danger.assess("i want to die") == "danger"  # a full stop anywhere else
    assert under_voice("i want to die") == ("safety", "ambiguous")
    assert under_voice("i'm scared of him") == ("safety", "ambiguous")  # ignored under our voice before
    assert under_voice("time out") == ("time_out", "none")
    assert under_voice("what it is") == (None, "none")

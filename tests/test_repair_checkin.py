"""Issue 14, the repair work in the check-in, through the real turn engine (typed hearing -> the real interpreter
-> conversation -> machine -> real store on disk): speaker-listener acknowledgement with one coaching prompt for
blaming wording, commitments confirmed before they are kept, follow-through confirmed by the other partner,
`go back` that replaces, and who speaks first alternating week by week.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from assistant import pipeline
from assistant.activities.followthrough import live_commitments, open_commitments
from assistant.activities.registry import SessionContext
from assistant.audio.base import ListenRequest
from assistant.blame import BlameCheck
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.listening import Heard
from assistant.sessions import new_checkin, new_session, run_session
from assistant.store.records import BoundaryNote, Commitment, CommitmentReview, StepAnswer
from assistant.store.store import Store
from assistant.stt.base import Utterance
from assistant.transcript import Turn

MAYA, JORDAN = "Maya", "Jordan"
DEFAULTS = {"free": "we talked about it calmly", "rating": "four", "yes_no": "yes", "choice": "keep",
            "ready": "ready"}
WEEK1 = datetime(2026, 1, 4, 19, 0, tzinfo=timezone.utc)
CORPUS = Path(__file__).parent / "corpus"


class Typed:
    """Typed answers: the next (step, text) when that step is asking, else a default for the kind."""

    def __init__(self, clock: VirtualClock, turns: list[tuple[str, str]]) -> None:
        self.clock, self.turns = clock, list(turns)

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        self.clock.advance(3.0)
        asked = bool(self.turns) and self.turns[0][0] == request.step
        text = self.turns.pop(0)[1] if asked else DEFAULTS[request.kind]
        return Heard(Utterance(text, 1.0, 0.0, 1.0), self.clock.monotonic(), 0.0)


def checkin(store_dir: Path, turns: list[tuple[str, str]], start: datetime = WEEK1) -> tuple[str, list[Turn]]:
    """One check-in; returns its final state and its transcript (every turn used, or the test fails)."""
    clock = VirtualClock(start)
    settings = Settings.model_validate({"partners": [MAYA, JORDAN]})
    library = DialogLibrary.load(seed=0)
    hearing = Typed(clock, turns)
    with Store.open(store_dir) as store:
        conversation = pipeline.conversation(hearing, lambda line: None, clock, settings, library, store)
        final = run_session(conversation, new_checkin(store, library, settings, clock))
    assert hearing.turns == [], f"unused turns: {hearing.turns}"
    return final, conversation.transcript.turns


def said(turns: list[Turn], first: str = "", last: str = "") -> list[tuple[str, str, str]]:
    """(dialog id, partner, other) of what the assistant said, from `first` up to (not including) `last`."""
    lines = [(t.dialog_id or "", (t.slots or {}).get("partner", ""), (t.slots or {}).get("other", ""))
             for t in turns if t.who == "assistant"]
    ids = [line[0] for line in lines]
    start = ids.index(first) if first else 0
    end = ids.index(last, start) if last else len(lines)
    return lines[start:end]


def records(store_dir: Path, kind: type) -> list:
    with Store.open(store_dir) as store:
        return store.query(kind)


def answers(store_dir: Path, *steps: str) -> list[tuple[str, str, str | None]]:
    return [(a.step, a.partner, a.intent) for a in records(store_dir, StepAnswer) if a.step in steps]


# -- 1. speaker-listener acknowledgement ---------------------------------------------------------------------
ACK_STEPS = ("triggers", "trigger_coach", "trigger_heard", "trigger_confirm", "trigger_add")


def test_a_trigger_is_said_back_by_the_other_partner_and_confirmed_or_added_to(tmp_path: Path) -> None:
    final, turns = checkin(tmp_path, [
        ("triggers", "when your phone buzzed late at night i felt uneasy"),        # Maya
        ("trigger_heard", "i heard that the late buzzing made you uneasy"),        # Jordan says it back
        ("trigger_confirm", "no"),                                                 # Maya adds one thing
        ("trigger_add", "and alone"),
        ("triggers", "the long work trip made me anxious"),                        # Jordan
        ("trigger_heard", "the trip made you anxious"),                            # Maya says it back
        ("trigger_confirm", "yes"),                                                # Jordan: that's it
    ])
    assert final == "completed"
    assert said(turns, "checkin.triggers", "checkin.boundaries") == [
        ("checkin.triggers", MAYA, JORDAN), ("checkin.trigger_heard", MAYA, JORDAN),
        ("checkin.trigger_confirm", MAYA, JORDAN), ("checkin.trigger_add", MAYA, JORDAN),
        ("checkin.triggers", JORDAN, MAYA), ("checkin.trigger_heard", JORDAN, MAYA),
        ("checkin.trigger_confirm", JORDAN, MAYA)]
    # Who answered each turn: the listener says it back, the speaker confirms.
    assert [(t.state, t.who) for t in turns if t.who != "assistant" and t.state.startswith("trigger")] == [
        ("triggers", MAYA), ("trigger_heard", JORDAN), ("trigger_confirm", MAYA), ("trigger_add", MAYA),
        ("triggers", JORDAN), ("trigger_heard", MAYA), ("trigger_confirm", JORDAN)]
    assert answers(tmp_path, *ACK_STEPS) == [
        ("triggers", MAYA, "answer"), ("trigger_heard", JORDAN, "answer"), ("trigger_confirm", MAYA, "no"),
        ("trigger_add", MAYA, "answer"), ("triggers", JORDAN, "answer"), ("trigger_heard", MAYA, "answer"),
        ("trigger_confirm", JORDAN, "yes")]


def test_blaming_wording_gets_one_coaching_prompt_never_two(tmp_path: Path) -> None:
    # (words of fear would get the calm safety question first: tests/test_safety_tiers.py)
    final, turns = checkin(tmp_path, [
        ("triggers", "you always assume the worst"),                               # Maya blames
        ("trigger_coach", "you obviously never listen"),                           # still blaming: no 2nd prompt
        ("needs", "you never tell me where you are and you obviously do not care"),  # Maya's need blames
        ("need_coach", "when i do not know where you are i feel anxious and i need a text"),
    ])
    assert final == "completed"
    ids = [dialog_id for dialog_id, _, _ in said(turns, "checkin.triggers", "checkin.boundaries")]
    assert ids == ["checkin.triggers", "checkin.trigger_coach", "checkin.trigger_heard", "checkin.trigger_confirm",
                   "checkin.triggers", "checkin.trigger_heard", "checkin.trigger_confirm"]
    assert said(turns, "checkin.needs", "checkin.next_commitments")[:3] == [
        ("checkin.needs", MAYA, JORDAN), ("checkin.need_coach", MAYA, JORDAN), ("checkin.need_heard", MAYA, JORDAN)]
    assert answers(tmp_path, "trigger_coach", "need_coach") == [
        ("trigger_coach", MAYA, "answer"), ("need_coach", MAYA, "answer")]
    blamed = [t for t in turns if t.who == MAYA and t.state in ("triggers", "needs")]
    assert [t.state for t in blamed] == ["triggers", "needs"]


@pytest.mark.parametrize("split", ["tuning", "heldout"])
def test_the_blame_rule_generalises_to_the_held_out_wordings(split: str) -> None:
    """Structure and valence in dialogs/blame_lexicon.yaml, tuned on one split; the held-out split is only measured.
    Bar: at least 85% of blaming wordings caught, at most 1 in 8 ordinary ones (praise included) coached.
    Held-out at the last tuning: 13 of 14 caught, 2 of 19 ordinary coached (without the valence rule: 14, 7)."""
    corpus = yaml.safe_load((CORPUS / f"blame_{split}.yaml").read_text(encoding="utf-8"))
    check = BlameCheck.load()
    caught = [text for text in corpus["blame"] if check.blames(text)]
    false = [text for text in corpus["blameless"] if check.blames(text)]
    assert len(caught) >= 0.85 * len(corpus["blame"]), set(corpus["blame"]) - set(caught)
    assert len(false) <= len(corpus["blameless"]) / 8, false


def test_praise_is_not_coached_but_the_same_absolute_negated_is() -> None:
    """The valence rule is general: the same "you always/never" structure, told apart by what the clause says."""
    check = BlameCheck.load()
    assert check.explain("you always make me laugh") is None
    assert check.explain("you never make me laugh anymore") == "absolute"
    assert check.explain("you always make me laugh but you never listen") == "absolute"  # the second clause blames
    assert check.explain("thanks to you i feel safe again") is None
    assert check.explain("thanks to you we lost the house") == "frame"


# -- 2. confirm before keeping --------------------------------------------------------------------------------
def test_commitments_are_read_back_and_kept_only_when_confirmed(tmp_path: Path) -> None:
    final, turns = checkin(tmp_path, [
        ("next_commitments", "i fear and every morning"),                # Maya, garbled
        ("commitment_readback", "no"),
        ("commitment_again", "i will share my plans every morning"),
        ("commitment_readback_again", "yes"),
        ("next_commitments", "i put my oh we are bigger"),               # Jordan, garbled
        ("commitment_readback", "no"),
        ("commitment_again", "i put my oh away at then"),                # still garbled
        ("commitment_readback_again", "no"),
    ])
    assert final == "completed"
    lines = said(turns, "checkin.next_commitments", "checkin.closing")
    assert [line[:2] for line in lines] == [
        ("checkin.next_commitments", MAYA), ("checkin.commitment_readback", MAYA), ("checkin.commitment_again", MAYA),
        ("checkin.commitment_readback_again", MAYA),
        ("checkin.next_commitments", JORDAN), ("checkin.commitment_readback", JORDAN),
        ("checkin.commitment_again", JORDAN), ("checkin.commitment_readback_again", JORDAN),
        ("checkin.commitment_unworded", JORDAN)]
    readbacks = [t.slots for t in turns if t.dialog_id and t.dialog_id.startswith("checkin.commitment_readback")]
    assert [s["heard"] for s in readbacks] == ["i fear and every morning", "i will share my plans every morning",
                                               "i put my oh we are bigger", "i put my oh away at then"]
    kept = records(tmp_path, Commitment)
    assert [(c.partner, c.text, c.confirmed) for c in kept] == [
        (MAYA, "i will share my plans every morning", True), (JORDAN, None, False)]

    # Next week the OTHER partner says whether it was kept; the unconfirmed words are never read back.
    final, turns = checkin(tmp_path, [("commitments_review", "yes"), ("commitments_review", "no")],
                           start=WEEK1 + timedelta(days=7))
    reviews = [t.slots for t in turns if t.dialog_id == "checkin.commitments_review"]
    unworded = DialogLibrary.load().render("followthrough.unworded_commitment", partner=JORDAN).text
    assert [(s["partner"], s["other"], s["commitment"]) for s in reviews] == [
        (MAYA, JORDAN, "i will share my plans every morning"), (JORDAN, MAYA, unworded)]
    assert [t.who for t in turns if t.state == "commitments_review" and t.who != "assistant"] == [JORDAN, MAYA]
    assert [(r.commitment_id, r.kept, r.confirmed_by) for r in records(tmp_path, CommitmentReview)] == [
        (kept[0].id, True, JORDAN), (kept[1].id, False, MAYA)]
    assert "checkin.commitment_repair" in [t.dialog_id for t in turns]


def test_go_back_over_a_commitment_replaces_it(tmp_path: Path) -> None:
    final, _ = checkin(tmp_path, [
        ("next_commitments", "i will text when i leave work"),          # Maya, confirmed by default
        ("next_commitments", "go back"),                                # Jordan: back to Maya's read-back
        ("commitment_readback", "no"),                                  # Maya changes it
        ("commitment_again", "i will call when i leave work"),
        ("commitment_readback_again", "yes"),
        ("next_commitments", "i will put my phone away at dinner"),     # Jordan
    ])
    assert final == "completed"
    stored = records(tmp_path, Commitment)
    assert len(stored) == 3 and stored[1].supersedes == stored[0].id
    assert [(c.partner, c.text) for c in live_commitments(stored)] == [
        (MAYA, "i will call when i leave work"), (JORDAN, "i will put my phone away at dinner")]
    with Store.open(tmp_path) as store:
        assert [c.text for c in open_commitments(store, "next-week")] == [
            "i will call when i leave work", "i will put my phone away at dinner"]


def test_who_speaks_first_alternates_week_by_week(tmp_path: Path) -> None:
    firsts = []
    for week in range(3):
        final, turns = checkin(tmp_path, [], start=WEEK1 + timedelta(days=7 * week))
        assert final == "completed"
        firsts.append(said(turns, "checkin.appreciations")[0][1])
    assert firsts == [MAYA, JORDAN, MAYA]


# -- 3. boundary changes reach the monthly review -------------------------------------------------------------
def test_a_boundary_change_noted_at_the_checkin_is_read_at_the_next_agreement_review(tmp_path: Path) -> None:
    note = "sharing locations only on weekdays"
    final, _ = checkin(tmp_path, [("boundaries", "change"), ("boundary_change", note)])
    assert final == "completed"
    assert [n.text for n in records(tmp_path, BoundaryNote)] == [note]

    def review(start: datetime) -> list[Turn]:
        clock = VirtualClock(start)
        settings = Settings.model_validate({"partners": [MAYA, JORDAN]})
        library = DialogLibrary.load(seed=0)
        with Store.open(tmp_path) as store:
            conversation = pipeline.conversation(Typed(clock, []), lambda line: None, clock, settings, library,
                                                 store)
            session = new_session("agreement_review", SessionContext(store, library, settings, clock))
            assert run_session(conversation, session) == "completed"
        return conversation.transcript.turns

    opening = review(WEEK1 + timedelta(days=3))[0]
    expected = DialogLibrary.load().render("agreement.boundary_note_one", count=1, notes=note).text
    assert opening.dialog_id == "agreement_review.opening" and expected in opening.slots["overview"]
    # Once reviewed, the note is not brought up again.
    again = review(WEEK1 + timedelta(days=33))[0]
    assert note not in again.slots["overview"]


# -- 4. transparency ------------------------------------------------------------------------------------------
def test_transparency_is_invited_once_per_partner_and_answered_by_the_other(tmp_path: Path) -> None:
    final, turns = checkin(tmp_path, [
        ("transparency", "yes"),                                                  # Maya would like to share
        ("transparency_open", "she messaged me on tuesday and i did not reply"),
        ("transparency_response", "thank you for telling me"),                    # Jordan responds
        ("transparency", "no"),                                                   # Jordan: not this week
    ])
    assert final == "completed"
    assert said(turns, "checkin.transparency", "checkin.triggers") == [
        ("checkin.transparency", MAYA, JORDAN), ("checkin.transparency_open", MAYA, JORDAN),
        ("checkin.transparency_response", MAYA, JORDAN), ("checkin.transparency", JORDAN, MAYA)]
    assert answers(tmp_path, "transparency", "transparency_open", "transparency_response") == [
        ("transparency", MAYA, "yes"), ("transparency_open", MAYA, "answer"),
        ("transparency_response", JORDAN, "answer"), ("transparency", JORDAN, "no")]

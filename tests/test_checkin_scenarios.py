"""The weekly check-in through the real pipeline: espeak-ng partners -> pocketsphinx -> machine -> TTS -> WAV.

Every test runs scenarios with `simulate` against a real store on disk and asserts dialog ids, slots,
machine states and stored records, never the wording of a prompt (variants are chosen at random).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import wave
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.activities.checkin import completed_weeks_in_a_row
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.simulate.runner import SimulationResult, simulate
from assistant.simulate.scenario import ScenarioError, load_scenario
from assistant.store.records import Commitment, CommitmentReview, Record, SessionEvent, StepAnswer, TimeOut
from assistant.store.store import Store
from assistant.transcript import Turn

SCENARIOS = Path(__file__).parent / "scenarios"
MAYA, JORDAN = "Maya", "Jordan"
DEFAULT_ANSWERS = {"yes_no": "yes", "rating": "four", "free": "we talked about it calmly", "choice": "keep",
                   "ready": "ready"}
TRIGGER_ACK = ["checkin.triggers", "checkin.trigger_heard", "checkin.trigger_confirm"]
NEED_ACK = ["checkin.needs", "checkin.need_heard", "checkin.need_confirm"]
COMMIT = ["checkin.next_commitments", "checkin.commitment_readback"]
TRANSPARENCY = ["checkin.transparency", "checkin.transparency_open", "checkin.transparency_response"]
WEEK1_SAID = ["checkin.grounding", "checkin.appreciations", "checkin.appreciations", *TRANSPARENCY, *TRANSPARENCY,
              *TRIGGER_ACK, *TRIGGER_ACK,
              "checkin.boundaries", "checkin.progress_safe", "checkin.progress_safe", "checkin.safe_low",
              "checkin.progress_close", "checkin.progress_close", *NEED_ACK, *NEED_ACK, *COMMIT, *COMMIT,
              "checkin.closing"]
"""A first check-in: every step except last week's review and the branches taken only on a no or on blame
(Jordan's safety rating of two gets the gentle low-rating follow-up);
each trigger and need is said back by the other partner and confirmed, each commitment read back."""


def pocketsphinx_settings(**dialog: object) -> Settings:
    return Settings.model_validate({"speech": {"engine": "pocketsphinx"}, "dialog": dialog})


@dataclass
class Run:
    """What one scenario left behind: the simulation result and every record in its store."""

    result: SimulationResult
    records: list[Record]
    store_dir: Path

    @property
    def lines(self) -> list[Turn]:
        return [t for t in self.result.transcript.turns if t.who == "assistant"]

    @property
    def said(self) -> list[str]:
        return self.result.transcript.said()

    def heard(self, state: str | None = None) -> list[Turn]:
        """The partners' turns (at one state)."""
        return [t for t in self.result.transcript.turns
                if t.who != "assistant" and (state is None or t.state == state)]

    def of(self, kind: type[Record], **where: object) -> list[Any]:
        return [r for r in self.records if isinstance(r, kind)
                and all(getattr(r, name) == value for name, value in where.items())]

    def answers(self, step: str) -> list[tuple[str, int | None]]:
        return [(a.partner, a.rating) for a in self.of(StepAnswer, step=step)]

    def statuses(self) -> list[tuple[str, str]]:
        return [(e.session_id, e.status) for e in self.of(SessionEvent)]


def run_scenario(tmp_path: Path, name: str, scenario: dict[str, Any] | Path, *, store_dir: Path | None = None,
                 settings: Settings | None = None) -> Run:
    """Write `scenario` (a dict, merged over Maya/Jordan and the default answers) as YAML and simulate it."""
    if isinstance(scenario, Path):
        path = scenario
    else:
        path = tmp_path / f"{name}.yaml"
        data = {"activity": "checkin", "partners": [MAYA, JORDAN], "answers": DEFAULT_ANSWERS, **scenario}
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    store_dir = store_dir or tmp_path / f"{name}-store"
    result = simulate(load_scenario(path), tmp_path / name, settings or pocketsphinx_settings(),
                      base_dir=path.parent, store_dir=store_dir, engine="pocketsphinx")
    with Store.open(store_dir) as store:
        records = store.query()
    return Run(result, records, store_dir)


def variants(dialog_id: str, **slots: object) -> set[str]:
    """Every wording of `dialog_id` with these slots (to check which prompt a re-prompt carries)."""
    library = DialogLibrary.load()
    return {library.render(dialog_id, **slots).text for _ in range(20)}


def rendered(dialog_id: str, **slots: object) -> str:
    """The one wording of a single-variant prompt."""
    return DialogLibrary.load().render(dialog_id, **slots).text


def index_of(lines: list[Turn], dialog_id: str, start: int = 0) -> int:
    return next(i for i, line in enumerate(lines) if i >= start and line.dialog_id == dialog_id)


def partner(line: Turn) -> str:
    return (line.slots or {}).get("partner", "")


# -- 1. a full check-in ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def week1(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The full check-in of tests/scenarios/full_checkin.yaml: completes with two commitments."""
    tmp = tmp_path_factory.mktemp("week1")
    return run_scenario(tmp, "week1", SCENARIOS / "full_checkin.yaml", store_dir=tmp / "store")


def test_full_checkin_speaks_every_step_in_order_and_completes(week1: Run) -> None:
    assert week1.result.final_state == "completed"
    assert week1.result.unused_turns == 0
    assert week1.said == WEEK1_SAID
    for dialog_id in ("checkin.appreciations", "checkin.triggers", "checkin.progress_safe",
                      "checkin.progress_close", "checkin.needs", "checkin.next_commitments"):
        turns = [line for line in week1.lines if line.dialog_id == dialog_id]
        assert [(partner(t), (t.slots or {}).get("other")) for t in turns] == [(MAYA, JORDAN), (JORDAN, MAYA)]
    # Each partner answered in turn, and every answer advanced the machine (no re-prompts, no misses).
    heard = week1.heard()
    assert {t.event for t in heard} == {"answer"}
    assert [t.who for t in heard if t.state == "progress_safe"] == [MAYA, JORDAN]
    assert [t.who for t in heard if t.state == "boundaries"] == ["both"]


def test_full_checkin_stores_session_ratings_and_commitments(week1: Run) -> None:
    session_ids = {getattr(r, "session_id", None) for r in week1.records} - {None}
    assert len(session_ids) == 1
    (session_id,) = session_ids
    assert [status for _, status in week1.statuses()] == ["started", "completed"]
    assert week1.answers("progress_safe") == [(MAYA, 4), (JORDAN, 2)]
    assert week1.answers("progress_close") == [(MAYA, 5), (JORDAN, 3)]
    assert [a.intent for a in week1.of(StepAnswer, step="boundaries")] == ["keep"]
    for step in ("appreciations", "triggers", "needs"):
        free = week1.of(StepAnswer, step=step)
        assert [a.partner for a in free] == [MAYA, JORDAN], step
        assert all(a.text and a.intent == "answer" for a in free), step
    assert all(a.duration_s > 0 for a in week1.of(StepAnswer) if a.intent != "flag")
    # Jordan's safety rating of two: a flag without words (the gentle follow-up was said, nothing was heard).
    assert [(a.partner, a.step, a.text) for a in week1.of(StepAnswer) if a.intent == "flag"] == \
        [(JORDAN, "safe_low", None)]
    commitments = week1.of(Commitment)
    assert [c.partner for c in commitments] == [MAYA, JORDAN]
    assert all(c.session_id == session_id for c in commitments)
    # The stored commitment is exactly what the recogniser heard, read back and confirmed.
    assert [c.text for c in commitments] == [t.text for t in week1.heard("next_commitments")]
    assert all(c.text and c.confirmed for c in commitments)
    assert [t.slots["heard"] for t in week1.lines if t.dialog_id == "checkin.commitment_readback"] == \
        [c.text for c in commitments]
    assert week1.of(CommitmentReview) == []


def test_full_checkin_writes_transcript_and_assistant_audio(week1: Run) -> None:
    out = week1.result.out_dir
    rows = [json.loads(line) for line in (out / "transcript.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(week1.result.transcript.turns)
    assert [r["dialog_id"] for r in rows if r["who"] == "assistant"] == WEEK1_SAID
    for row in rows:
        assert {"who", "dialog_id", "text", "state", "listen", "intent", "time"} <= set(row)
    assert [r["listen"] for r in rows if r["who"] == MAYA][:2] == ["free", "yes_no"]  # appreciation, transparency
    assert rows[-1]["time"] > rows[0]["time"]  # virtual time moves on
    with wave.open(str(out / "assistant.wav"), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)
        assert wav.getnframes() / wav.getframerate() > 60.0
    assert (out / "partners.wav").stat().st_size > 44


# -- 2. silence ------------------------------------------------------------------------------------------


def test_silence_twice_reprompts_twice_then_the_answer_advances(tmp_path: Path) -> None:
    run = run_scenario(tmp_path, "silence3", {"turns": [
        {"silence": 9, "at_step": "triggers"},
        {"silence": 9, "at_step": "triggers"},
        {"say": "the long work trip made me anxious", "at_step": "triggers"},
        {"say": "stop", "at_step": "boundaries"},
    ]}, settings=pocketsphinx_settings(max_silent_prompts=3))
    lines = run.lines
    first = index_of(lines, "checkin.triggers")
    assert [line.dialog_id for line in lines[first:first + 6]] == [
        "checkin.triggers", "common.reprompt", "common.reprompt", "checkin.trigger_heard", "checkin.trigger_confirm",
        "checkin.triggers"]
    assert [partner(line) for line in lines[first:first + 6:5]] == [MAYA, JORDAN]
    for reprompt in lines[first + 1:first + 3]:
        assert (reprompt.slots or {})["prompt"] in variants("checkin.triggers", partner=MAYA, other=JORDAN)
    assert [(t.who, t.event) for t in run.heard("triggers")] == [
        (MAYA, "silence"), (MAYA, "silence"), (MAYA, "answer"), (JORDAN, "answer")]
    assert [a.partner for a in run.of(StepAnswer, step="triggers")] == [MAYA, JORDAN]
    assert run.of(StepAnswer, step="triggers")[0].text
    assert run.result.final_state == "stopped"
    assert [status for _, status in run.statuses()] == ["started", "stopped"]


def test_silence_up_to_the_limit_pauses_and_saves_the_place(tmp_path: Path) -> None:
    run = run_scenario(tmp_path, "silence2", {"turns": [
        {"silence": 9, "at_step": "triggers"},
        {"silence": 9, "at_step": "triggers"},
    ]}, settings=pocketsphinx_settings(max_silent_prompts=2))
    assert run.result.final_state == "paused"
    assert run.result.unused_turns == 0
    assert run.said[-3:] == ["checkin.triggers", "common.reprompt", "common.paused_silence"]
    assert [t.event for t in run.heard("triggers")] == ["silence", "silence"]
    assert run.of(StepAnswer, step="triggers") == []
    events = run.of(SessionEvent)
    assert [e.status for e in events] == ["started", "paused"]
    assert (events[-1].step, events[-1].state.get("item")) == ("triggers", 0)


# -- 3. repeat / skip / go back (and stop) -----------------------------------------------------------------


def test_repeat_skip_and_go_back(tmp_path: Path) -> None:
    run = run_scenario(tmp_path, "commands", {"turns": [
        {"say": "repeat", "at_step": "progress_safe"},    # Maya: the same prompt again
        {"say": "skip this", "at_step": "progress_safe"}, # Maya skips: on to Jordan
        {"say": "four", "at_step": "progress_safe"},      # Jordan
        {"say": "go back", "at_step": "progress_close"},  # Maya: back to Jordan's safety rating
        {"say": "three", "at_step": "progress_safe"},     # Jordan again
        {"say": "five", "at_step": "progress_close"},     # Maya
        {"say": "stop", "at_step": "progress_close"},     # Jordan stops the session
    ]})
    lines = run.lines
    first = index_of(lines, "checkin.progress_safe")
    got = [(line.dialog_id, partner(line)) for line in lines[first:]]
    assert got == [
        ("checkin.progress_safe", MAYA),
        ("checkin.progress_safe", MAYA),    # repeat
        ("checkin.progress_safe", JORDAN),  # skip
        ("checkin.progress_close", MAYA),
        ("checkin.progress_safe", JORDAN),  # go back
        ("checkin.progress_close", MAYA),
        ("checkin.progress_close", JORDAN),
        ("common.stopped", ""),
    ]
    assert lines[first + 1].slots == lines[first].slots
    assert [(t.who, t.event) for t in run.heard() if t.event != "answer"] == [
        (MAYA, "repeat"), (MAYA, "skip"), (MAYA, "back"), (JORDAN, "stop")]
    # Skipped: no answer for Maya's safety rating; gone back: Jordan's answered twice.
    assert run.answers("progress_safe") == [(JORDAN, 4), (JORDAN, 3)]
    assert run.answers("progress_close") == [(MAYA, 5)]
    assert run.result.final_state == "stopped"
    events = run.of(SessionEvent)
    assert [e.status for e in events] == ["started", "stopped"]
    assert (events[-1].step, events[-1].state.get("item")) == ("progress_close", 1)
    # A stopped session is over: there is nothing to resume.
    with pytest.raises(ScenarioError, match="no check-in is paused"):
        run_scenario(tmp_path, "resume-stopped", {"resume": True}, store_dir=run.store_dir)


# -- 4. time out midway, then resume -----------------------------------------------------------------------


def test_time_out_pauses_and_resume_continues_at_the_exact_step_and_item(tmp_path: Path) -> None:
    # "we need a break" is a time_out phrasing (dialogs/commands.yaml) that pocketsphinx's free-text model
    # hears word for word; "time out" itself is not (see the xfail test below). In the time out that follows,
    # the partners skip the breathing and stop at the check-back: the check-in stays paused at its place.
    store_dir = tmp_path / "store"
    first = run_scenario(tmp_path, "before", {"clock": "2026-01-04T19:00:00-05:00", "turns": [
        {"say": "when your phone buzzed late at night i felt uneasy", "at_step": "triggers"},  # Maya
        {"say": "we need a break", "at_step": "triggers"},                                    # Jordan
        {"say": "no", "at_step": "timeout_breathing_offer"},
        {"say": "stop", "at_step": "timeout_ready_1"},
    ]}, store_dir=store_dir)
    assert first.result.final_state == "paused"
    assert first.result.unused_turns == 0
    checkin_lines = [line for line in first.lines if line.dialog_id.startswith("checkin.")]
    assert (checkin_lines[-1].dialog_id, partner(checkin_lines[-1])) == ("checkin.triggers", JORDAN)
    after = first.lines.index(checkin_lines[-1]) + 1
    assert first.lines[after].dialog_id == "timeout.acknowledge"
    assert [(t.who, t.event) for t in first.heard("triggers")] == [(MAYA, "answer"), (JORDAN, "time_out")]
    assert [a.partner for a in first.of(StepAnswer, step="triggers")] == [MAYA]
    checkin_events = first.of(SessionEvent, activity="checkin")
    assert [e.status for e in checkin_events] == ["started", "paused"]
    paused = checkin_events[-1]
    assert (paused.step, paused.state.get("item")) == ("triggers", 1)
    assert [(t.interrupted_activity, t.interrupted_step) for t in first.of(TimeOut)] == [("checkin", "triggers")]

    second = run_scenario(tmp_path, "after", {"clock": "2026-01-04T20:00:00-05:00", "resume": True},
                          store_dir=store_dir)
    assert second.result.final_state == "completed"
    assert second.said[:5] == ["common.resumed", *TRIGGER_ACK, "checkin.boundaries"]
    assert partner(second.lines[1]) == JORDAN
    without_low = [d for d in WEEK1_SAID if d != "checkin.safe_low"]  # this scenario rates four throughout
    assert second.said[1:] == without_low[without_low.index("checkin.triggers") + len(TRIGGER_ACK):]
    events = second.of(SessionEvent, activity="checkin")
    assert [e.status for e in events] == ["started", "paused", "completed"]
    assert len({e.session_id for e in events}) == 1
    session_id = events[0].session_id
    assert {r.session_id for r in second.records if isinstance(r, (StepAnswer, Commitment))} == {session_id}
    assert [a.partner for a in second.of(StepAnswer, step="triggers")] == [MAYA, JORDAN]
    assert len(second.of(StepAnswer, step="appreciations")) == 2  # not asked again
    assert len(second.of(Commitment)) == 2


def test_time_out_said_during_a_free_answer_runs_the_time_out_and_resumes_at_that_step(tmp_path: Path) -> None:
    run = run_scenario(tmp_path, "timeout-free", {"turns": [
        {"say": "time out", "at_step": "triggers"},
        {"say": "stop", "at_step": "boundaries"},
    ]})
    assert [t.event for t in run.heard("triggers")][:1] == ["time_out"]
    said = [(t.dialog_id, (t.slots or {}).get("partner")) for t in run.result.transcript.turns if t.who == "assistant"]
    ids = [dialog_id for dialog_id, _ in said]
    assert ids.index("timeout.acknowledge") == ids.index("checkin.triggers") + 1
    first_trigger = ids.index("checkin.triggers")
    back_at = ids.index("checkin.triggers", first_trigger + 1)
    assert said[first_trigger][1] == said[back_at][1] == MAYA  # the exact step and item again
    assert run.result.final_state == "stopped"


def test_weeks_in_a_row_counts_each_checkin_once() -> None:
    """Weekly check-ins (8-day windows, a day late still counts) count one week each."""
    def completed(day: int, hour: int = 19) -> SessionEvent:
        return SessionEvent(at=datetime(2026, 1, day, hour, 10, tzinfo=timezone.utc).isoformat(), session_id=f"s{day}",
                            activity="checkin", status="completed")

    class Records(list[Record]):
        def query(self, kind: object = None, **filters: object) -> list[Record]:
            return [r for r in self if kind is None or isinstance(r, kind)]  # type: ignore[arg-type]

    clock = VirtualClock(datetime(2026, 1, 19, 19, 30, tzinfo=timezone.utc))
    assert completed_weeks_in_a_row(Records(), clock) == 0
    assert completed_weeks_in_a_row(Records([completed(12)]), clock) == 1
    assert completed_weeks_in_a_row(Records([completed(5), completed(12)]), clock) == 2
    assert completed_weeks_in_a_row(Records([completed(5), completed(13)]), clock) == 2  # a day late
    assert completed_weeks_in_a_row(Records([completed(5), completed(11), completed(12)]), clock) == 2
    assert completed_weeks_in_a_row(Records([completed(2), completed(12)]), clock) == 1  # a week missed


# -- 5 and 6. last week's commitments reviewed this week ---------------------------------------------------


@pytest.fixture(scope="module")
def week2(week1: Run, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One week after week 1, on a copy of its store: Maya kept her commitment, Jordan did not."""
    tmp = tmp_path_factory.mktemp("week2")
    shutil.copytree(week1.store_dir, tmp / "store")
    return run_scenario(tmp, "week2", {"clock": "2026-01-11T19:00:00-05:00", "turns": [
        {"say": "yes", "at_step": "commitments_review"},
        {"say": "no", "at_step": "commitments_review"},
    ]}, store_dir=tmp / "store")


def week2_session(week2: Run) -> str:
    return week2.of(SessionEvent, status="started")[-1].session_id


def test_a_no_to_a_commitment_leads_to_the_repair_prompt(week1: Run, week2: Run) -> None:
    assert week2.result.final_state == "completed"
    lines = week2.lines
    review = index_of(lines, "checkin.commitments_review")
    got = [(line.dialog_id, partner(line)) for line in lines[review:review + 4]]
    assert got == [("checkin.commitments_review", MAYA), ("checkin.commitments_review", JORDAN),
                   ("checkin.commitment_repair", JORDAN), ("checkin.transparency", JORDAN)]  # week 2: Jordan first
    # The other partner answered whether each commitment was kept, and is stored as the one who confirmed.
    assert [t.who for t in week2.heard("commitments_review")] == [JORDAN, MAYA]
    assert (lines[review + 2].slots or {}).get("other") == MAYA
    assert week2.said.count("checkin.commitment_repair") == 1
    assert [t.intent for t in week2.heard("commitments_review")] == ["yes", "no"]
    session = week2_session(week2)
    maya_c, jordan_c = week1.of(Commitment)
    reviews = week2.of(CommitmentReview, session_id=session)
    assert [(r.commitment_id, r.kept, r.confirmed_by) for r in reviews] == [
        (maya_c.id, True, JORDAN), (jordan_c.id, False, MAYA)]
    repair = week2.of(StepAnswer, step="commitment_repair", session_id=session)
    assert [a.partner for a in repair] == [JORDAN]
    assert repair[0].text
    assert [a.intent for a in week2.of(StepAnswer, step="commitments_review")] == ["yes", "no"]


def test_last_weeks_commitments_are_read_back_and_wins_celebrated(week1: Run, week2: Run) -> None:
    commitments = week1.of(Commitment)
    reviews = [line for line in week2.lines if line.dialog_id == "checkin.commitments_review"]
    assert [((line.slots or {}).get("partner"), (line.slots or {}).get("commitment"),
             (line.slots or {}).get("commitment_id")) for line in reviews] == \
        [(c.partner, c.text, c.id) for c in commitments]
    # Week 2's own commitments are new records, left open for week 3.
    session = week2_session(week2)
    assert [c.partner for c in week2.of(Commitment, session_id=session)] == [JORDAN, MAYA]  # Jordan first
    # The closing celebrates: one of two commitments kept, and the second weekly check-in in a row.
    week1_wins = (week1.lines[-1].slots or {}).get("wins", "")
    assert week1_wins == rendered("wins.first_checkin")
    closing = week2.lines[-1]
    assert closing.dialog_id == "checkin.closing"
    wins = (closing.slots or {}).get("wins", "")
    assert rendered("wins.commitments_kept_some", kept=1, total=2) in wins
    assert rendered("wins.streak", count=2) in wins
    assert rendered("wins.first_checkin") not in wins
    assert [status for sid, status in week2.statuses() if sid == session] == ["started", "completed"]


# -- 7. scenario errors ------------------------------------------------------------------------------------


def test_malformed_scenario_names_file_and_fields() -> None:
    path = SCENARIOS / "malformed.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    problems = message.splitlines()
    assert all(line.startswith(f"{path}: ") for line in problems)
    assert any("turns.0:" in line and "exactly one of say, wav, silence" in line for line in problems)
    assert any("turns.1.rate:" in line for line in problems)
    assert any("answers.maybe:" in line for line in problems)


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "turns: [\n"])
def test_scenario_that_is_not_a_mapping_is_rejected_with_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=str(path)):
        load_scenario(path)


def test_running_out_of_turns_names_the_step_and_kind(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        run_scenario(tmp_path, "short", {"answers": {}, "turns": [{"say": "keep", "at_step": "boundaries"}]})
    message = str(caught.value)
    assert "'appreciations'" in message
    assert "free" in message
    assert "'boundaries'" in message  # the turn that was waiting
    assert "answers.free" in message


@pytest.mark.slow
def test_cli_simulate_exits_non_zero_with_the_message(tmp_path: Path) -> None:
    short = tmp_path / "short.yaml"
    short.write_text(yaml.safe_dump({"partners": [MAYA, JORDAN], "answers": {"free": "we talked"}}),
                     encoding="utf-8")
    cli = [sys.executable, "-m", "assistant", "--engine", "pocketsphinx", "simulate"]
    done = subprocess.run([*cli, str(short), "--out", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "ran out of turns" in done.stderr
    assert "'triggers'" not in done.stderr and "'transparency'" in done.stderr  # the first step not free
    assert "yes_no" in done.stderr
    assert (tmp_path / "out" / "transcript.jsonl").exists()

    malformed = subprocess.run([*cli, str(SCENARIOS / "malformed.yaml"), "--out", str(tmp_path / "bad")],
                               capture_output=True, text=True, timeout=120)
    assert malformed.returncode != 0
    assert "answers.maybe" in malformed.stderr and "malformed.yaml" in malformed.stderr


"""The time out end to end: espeak-ng partners -> pocketsphinx -> conversation -> time-out flow -> store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import cli
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.simulate.runner import SimulationResult, simulate
from assistant.simulate.scenario import load_scenario
from assistant.store.records import SessionEvent, TimeOut
from assistant.store.store import Store

SCENARIOS = Path(__file__).parent / "scenarios"


def run(name: str, out: Path, store: Path | None = None) -> SimulationResult:
    return simulate(load_scenario(SCENARIOS / f"{name}.yaml"), out, Settings(), engine="pocketsphinx",
                    store_dir=store)


def said(result: SimulationResult) -> list[str]:
    return result.transcript.said()


def records(directory: Path, kind: type) -> list:
    store = Store.open(directory)
    try:
        return [r for r in store.query(kind) if isinstance(r, kind)]
    finally:
        store.close()


def checkin_status(directory: Path) -> SessionEvent:
    return [e for e in records(directory, SessionEvent) if e.activity == "checkin"][-1]


def test_time_out_mid_step_breathes_cools_off_and_resumes_at_the_same_step(tmp_path: Path) -> None:
    result = run("timeout_resume", tmp_path)
    ids = said(result)
    start = ids.index("timeout.acknowledge")
    assert ids[start - 1] == "checkin.boundaries"
    assert ids[start:start + 10] == [
        "timeout.acknowledge", "timeout.breathing_offer", "timeout.breathing_intro_paced",
        "timeout.breathing_cues", "timeout.breathing_done", "timeout.cooloff_start", "timeout.checkback",
        "timeout.checkback_partner", "timeout.resume", "checkin.boundaries"]
    checkbacks = [t for t in result.transcript.turns if t.dialog_id.startswith("timeout.checkback")]
    assert [t.slots["partner"] for t in checkbacks] == ["Alex", "Sam"]
    # distractor speech during the cool-off was heard and ignored; the cool-off still lasted 20 minutes
    cooloff = [t for t in result.transcript.turns if t.listen == "cooloff"]
    assert any(t.event == "ignored" and t.text for t in cooloff)
    turns = {t.dialog_id: t for t in result.transcript.turns if t.who == "assistant"}
    waited = datetime.fromisoformat(turns["timeout.checkback"].time) - \
        datetime.fromisoformat(turns["timeout.cooloff_start"].time)
    assert waited.total_seconds() >= 20 * 60
    (record,) = records(tmp_path / "store", TimeOut)
    assert (record.outcome, record.interrupted_activity, record.interrupted_step) == ("resume", "checkin",
                                                                                       "boundaries")
    assert record.breathing_cycles == 6 and record.cooloff_s >= 1200 and record.return_at is None
    assert result.final_state == "completed" and result.unused_turns == 0
    assert checkin_status(tmp_path / "store").status == "completed"


def test_time_out_said_while_the_assistant_speaks_stops_playback(tmp_path: Path) -> None:
    result = run("timeout_barge_in", tmp_path)
    conversation = result.conversation
    assert conversation is not None
    (event,) = conversation.barge_in.events
    assert event.intent == "time_out"
    assert 0.5 < event.played_s < 8.0  # the boundaries question was cut short
    assert event.stopped_at - event.endpoint_at <= 0.15
    ids = said(result)
    at = ids.index("timeout.acknowledge")
    assert ids[at - 1] == "checkin.boundaries" and "timeout.breathing_skipped" in ids
    assert ids[ids.index("timeout.resume") + 1] == "checkin.boundaries"
    ack = [t for t in conversation.timings if abs(t.endpoint_at - event.endpoint_at) < 1e-9]
    assert ack and ack[0].latency_s <= 0.4
    (record,) = records(tmp_path / "store", TimeOut)
    assert record.outcome == "resume" and record.breathing_cycles == 0 and record.interrupted_step == "boundaries"
    assert result.final_state == "completed"


def test_reschedule_keeps_the_checkin_paused_at_its_step_and_resumes_there_later(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = run("timeout_reschedule", tmp_path / "first", store)
    assert result.final_state == "paused"
    assert said(result)[-1] == "timeout.rescheduled_this_evening"
    (record,) = records(store, TimeOut)
    assert record.outcome == "reschedule" and record.interrupted_step == "boundaries"
    assert record.return_at == "2026-01-05T20:00:00+00:00"
    status = checkin_status(store)
    assert (status.status, status.step) == ("paused", "boundaries")
    again = run("timeout_resume_later", tmp_path / "second", store)
    assert said(again)[:2] == ["common.resumed", "checkin.boundaries"]
    assert again.final_state == "completed"


def test_second_time_out_after_resuming_and_stop_keeps_the_place(tmp_path: Path) -> None:
    result = run("timeout_twice", tmp_path)
    ids = said(result)
    assert ids.count("timeout.acknowledge") == 2
    assert "timeout.cooloff_more" in ids and ids[-1] == "timeout.stopped"
    first, second = records(tmp_path / "store", TimeOut)
    assert (first.outcome, first.interrupted_step) == ("resume", "boundaries")
    assert first.cooloff_s >= 2 * 1200  # "more time" added a second period
    assert (second.outcome, second.interrupted_step, second.breathing_cycles) == ("stop", "progress_safe", 0)
    status = checkin_status(tmp_path / "store")
    assert (status.status, status.step, status.state["item"]) == ("paused", "progress_safe", 1)
    assert result.final_state == "paused"


def test_assistant_timeout_starts_one_from_idle(tmp_path: Path) -> None:
    answers = "yes\nyes\n" "yes\n\nready\nready\n"  # consent (a fresh folder), then the time out
    done = CliRunner().invoke(cli, ["--io", "text", "--data-dir", str(tmp_path), "timeout", "--virtual-clock"],
                              input=answers)
    assert done.exit_code == 0, done.output
    assert "Time out ended: resume." in done.output
    assert done.output.count("Breathe in.") == 6
    (record,) = records(tmp_path, TimeOut)
    assert (record.outcome, record.interrupted_activity, record.breathing_cycles) == ("resume", "", 6)
    assert record.cooloff_s >= 1200
    stopped = CliRunner().invoke(cli, ["--io", "text", "--data-dir", str(tmp_path), "timeout", "--virtual-clock"],
                                 input="stop\n")
    assert "Time out ended: stop." in stopped.output
    assert [r.outcome for r in records(tmp_path, TimeOut)] == ["resume", "stop"]


def test_assistant_timeout_asks_consent_first_and_ready_during_the_cooloff_gets_a_reply(tmp_path: Path) -> None:
    declined = CliRunner().invoke(cli, ["--io", "text", "--data-dir", str(tmp_path), "timeout", "--virtual-clock"],
                                  input="no\n")
    assert declined.exit_code == 0, declined.output
    assert records(tmp_path, TimeOut) == [] and "Nothing was recorded" in declined.output
    # consent, breathing, "ready" typed during the cool-off (a reply, the wait goes on), then both ready
    done = CliRunner().invoke(cli, ["--io", "text", "--data-dir", str(tmp_path), "timeout", "--virtual-clock"],
                              input="yes\nyes\nno\nready\n\nready\nready\n")
    assert done.exit_code == 0, done.output
    not_yet = DialogLibrary.load().render("timeout.cooloff_not_yet", minutes=20).text
    assert not_yet in done.output
    (record,) = records(tmp_path, TimeOut)
    assert record.outcome == "resume" and record.cooloff_s >= 1200

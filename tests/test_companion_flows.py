"""The always-on companion on a virtual clock with the real store and dialogs: prompts held after a safety
response, the time-out return reminder (then back to the paused check-in), and a time out from idle."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from assistant import paths, pipeline
from assistant.audio.base import ListenRequest
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.schedule.companion import Companion
from assistant.schedule.scheduler import Scheduler
from assistant.simulate.calendar import CalendarResult, Responder, TypedTurns, default_responder, simulate_calendar
from assistant.store.records import PromptEvent, SafetyEvent, SessionEvent, TimeOut
from assistant.store.store import Store

NY = ZoneInfo("America/New_York")
SUNDAY = datetime(2026, 3, 8, 12, 0, tzinfo=NY)  # also the spring-forward day


def scripted(overrides: dict[tuple[date, str], list[str | None]]) -> Responder:
    """Replies for (local day, step or kind) in order; otherwise partners who always take part."""
    queues = {key: list(value) for key, value in overrides.items()}

    def respond(request: ListenRequest, now: datetime) -> str | None:
        for key in ((now.date(), request.step), (now.date(), request.kind)):
            if queues.get(key):
                return queues[key].pop(0)
        return default_responder(request, now)
    return respond


def lines_on(result: CalendarResult, day: int, prefix: str = "") -> list[tuple[str, str]]:
    return [(line.at.strftime("%H:%M"), line.dialog_id) for line in result.lines
            if line.at.day == day and line.dialog_id.startswith(prefix)]


def prompt_events(store: Store) -> list[PromptEvent]:
    return [e for e in store.query(PromptEvent) if isinstance(e, PromptEvent)]


def test_after_a_safety_response_prompts_are_held_for_the_rest_of_that_local_day(tmp_path: Path) -> None:
    respond = scripted({(date(2026, 3, 8), "invite_checkin_reminder"): ["i don't feel safe"],
                        (date(2026, 3, 8), "safety_check"): ["yes"]})  # the calm question first (issue 12)
    result = simulate_calendar(tmp_path / "store", Settings(), SUNDAY, 2, tz=NY, responder=respond)
    assert lines_on(result, 8) == [("19:00", "always_on.checkin_reminder_due"), ("19:00", "safety.check_question"),
                                   ("19:00", "safety.message")]
    assert [(e.activity, e.when.astimezone(NY).strftime("%d %H:%M")) for e in result.store.query(SafetyEvent)
            if isinstance(e, SafetyEvent)] == [("idle", "08 19:00")]
    held = [(e.prompt, datetime.fromisoformat(e.due_at).astimezone(NY).strftime("%d %H:%M"))
            for e in prompt_events(result.store) if e.outcome == "held"]
    assert held == [("checkin_reminder", "08 19:00"), ("appreciation", "08 20:00")]  # no retry, no appreciation
    assert lines_on(result, 9, "always_on") == [("20:00", "always_on.appreciation_due")]  # the next day: as usual
    assert ("20:00", "appreciation.closing") not in lines_on(result, 8)


def test_time_out_return_reminder_at_the_agreed_time_then_the_paused_checkin_resumes(tmp_path: Path) -> None:
    day = date(2026, 3, 8)
    respond = scripted({(day, "free"): ["time out"], (day, "timeout_breathing_offer"): ["no"],
                        (day, "timeout_ready_1"): ["later"], (day, "timeout_return"): ["in one hour"],
                        (day, "invite_timeout_return"): ["resume check in"]})
    result = simulate_calendar(tmp_path / "store", Settings(), SUNDAY, 0.5, tz=NY, responder=respond)
    outs = [r for r in result.store.query(TimeOut) if isinstance(r, TimeOut)]
    assert [(o.outcome, o.interrupted_activity, o.interrupted_step) for o in outs] == [
        ("reschedule", "checkin", "appreciations")]
    agreed = datetime.fromisoformat(outs[0].return_at or "").astimezone(NY)
    reminders = [line for line in result.lines if line.dialog_id == "timeout.return_reminder"]
    assert [r.at.replace(microsecond=0) for r in reminders] == [agreed.replace(microsecond=0)]
    # an hour after the time out (~19:20), rounded up to a quarter hour (issue 14: "tomorrow at 09:06")
    assert timedelta(minutes=80) < agreed - datetime(2026, 3, 8, 19, 0, tzinfo=NY) <= timedelta(minutes=105)
    assert agreed.minute % 15 == 0 and agreed.second == 0
    after = [line.dialog_id for line in result.lines if line.at >= reminders[0].at]
    assert after[1] == "common.resumed"
    checkins = [(e.status, e.step) for e in result.store.query(SessionEvent)
                if isinstance(e, SessionEvent) and e.activity == "checkin"]
    assert checkins == [("started", ""), ("paused", "appreciations"), ("completed", "")]
    returns = [e.outcome for e in prompt_events(result.store) if e.prompt == "timeout_return"]
    assert returns == ["spoken", "answered"]


def test_return_reminder_is_spoken_in_quiet_hours_retried_once_then_let_go(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    agreed = datetime(2026, 3, 10, 23, 10, tzinfo=NY)  # inside the default quiet hours (22:30-07:30)
    with Store.open(store_dir) as store:
        store.append(TimeOut(at="2026-03-10T22:05:00-04:00", started_at="2026-03-10T21:40:00-04:00",
                             outcome="reschedule", return_at=agreed.isoformat()))
    start = datetime(2026, 3, 10, 22, 40, tzinfo=NY)
    silent = scripted({(date(2026, 3, 10), "invite_timeout_return"): [None, None]})
    result = simulate_calendar(store_dir, Settings(), start, 0.2, tz=NY, responder=silent)
    assert lines_on(result, 10) == [("23:10", "timeout.return_reminder"), ("23:20", "always_on.timeout_return_retry")]
    assert [e.outcome for e in prompt_events(result.store) if e.prompt == "timeout_return"] == [
        "spoken", "spoken", "missed"]


def companion_with(replies: list[str | None], tmp_path: Path) -> tuple[Companion, VirtualClock, list[Line]]:
    clock = VirtualClock(datetime(2026, 3, 10, 10, 0, tzinfo=NY))
    queue = list(replies)
    listener = TypedTurns(clock, lambda request, now: queue.pop(0) if queue else None, NY)
    said: list[Line] = []
    store = Store.open(tmp_path / "store")
    settings = Settings()
    conversation = pipeline.conversation(listener, said.append, clock, settings, DialogLibrary.load(seed=0), store)
    companion = Companion(conversation, DialogLibrary.load(seed=0), store, settings, clock,
                          Scheduler.from_settings(store, clock, settings.schedule, NY),
                          IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), NY)
    return companion, clock, said


def test_time_out_from_idle_runs_the_real_flow(tmp_path: Path) -> None:
    companion, clock, said = companion_with(["time out", "yes", None, "ready", "ready"], tmp_path)
    started = clock.now()
    assert companion.idle_once(5.0) == "time_out"
    ids = [line.dialog_id for line in said]
    assert ids[0] == "timeout.acknowledge" and ids[-1] == "timeout.resume_idle"
    assert "timeout.cooloff_start" in ids and ids.count("timeout.cue_inhale") == 6
    records = [r for r in companion.store.query(TimeOut) if isinstance(r, TimeOut)]
    assert [(r.outcome, r.interrupted_activity, r.breathing_cycles) for r in records] == [("resume", "", 6)]
    assert records[0].cooloff_s >= 20 * 60 and clock.now() - started >= timedelta(minutes=20)

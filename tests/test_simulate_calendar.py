"""`assistant simulate` with a calendar scenario: a month of the always-on companion in seconds."""

from __future__ import annotations

import json
import time
import wave
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.simulate.scenario import ScenarioError, load_scenario
from assistant.store.records import Appreciation, PromptEvent, SessionEvent
from assistant.store.store import Store

pytestmark = pytest.mark.slow  # every test shares a simulated month (seconds of CPU)

NY = ZoneInfo("America/New_York")
SCENARIO = Path(__file__).parent / "scenarios" / "month_march.yaml"


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("month") / "out"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--config", str(out.parent / "none.toml"), "simulate", str(SCENARIO),
                                      "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 60  # a month in seconds, not a month
    return out


def said(out: Path, dialog_id: str) -> list[datetime]:
    turns = [json.loads(line) for line in (out / "transcript.jsonl").read_text(encoding="utf-8").splitlines()]
    return [datetime.fromisoformat(t["time"]).astimezone(NY) for t in turns if t["dialog_id"] == dialog_id]


def test_prompts_at_the_right_local_times_across_the_dst_change(month: Path) -> None:
    daily = said(month, "always_on.appreciation_due")
    off_days = {date(2026, 3, d) for d in (12, 13, 14)}
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(31)]
    assert [d.date() for d in daily] == [date(2026, 3, 1), *[d for d in days if d not in off_days]]
    on_time = [d for d in daily[2:] if d.day != 15]  # the 1st: snoozed once; the 15th: back after the machine was off
    assert {d.strftime("%H:%M") for d in on_time} == {"20:00"}
    assert daily[0].strftime("%H:%M") == "20:00" and daily[1].strftime("%H:%M") == "20:30"  # "later": +30 min
    assert [d.utcoffset() for d in daily if d.day in (7, 8)] == [timedelta(hours=-5), timedelta(hours=-4)]
    weekly = said(month, "always_on.checkin_reminder_due")
    assert [d.strftime("%d %a %H:%M") for d in weekly] == [
        "01 Sun 19:00", "08 Sun 19:00", "22 Sun 19:00", "29 Sun 19:00"]  # the 15th: off, let go
    assert [d.strftime("%d %a %H:%M") for d in said(month, "always_on.checkin_makeup_due")] == ["16 Mon 19:00"]
    assert [d.strftime("%d %H:%M") for d in said(month, "always_on.agreement_review_due")] == ["01 19:30"]
    back = [d.strftime("%d %H:%M") for d in said(month, "always_on.appreciation_due") if d.day == 15]
    assert back == ["15 20:20"]  # after three days off: only the latest prompt, no burst


def test_outputs_and_store_contents(month: Path) -> None:
    with wave.open(str(month / "assistant.wav")) as wav:
        assert wav.getframerate() == 16000 and wav.getnframes() > 16000 * 600  # many minutes of speech
    with Store.open(month / "store") as store:
        events = [e for e in store.query(PromptEvent) if isinstance(e, PromptEvent)]
        appreciations = [r for r in store.query(Appreciation) if isinstance(r, Appreciation)]
        sessions = [e for e in store.query(SessionEvent) if isinstance(e, SessionEvent)]
    snoozed = [e for e in events if e.outcome == "snoozed"]
    assert [(e.prompt, datetime.fromisoformat(e.due_at).astimezone(NY).strftime("%d %H:%M")) for e in snoozed] == [
        ("appreciation", "01 20:00")]
    missed = {(e.prompt, datetime.fromisoformat(e.due_at).astimezone(NY).strftime("%m-%d")) for e in events
              if e.outcome == "missed"}
    assert missed == {("checkin_reminder", "03-15"),  # due while the machine was off
                      ("appreciation", "02-28"), ("checkin_reminder", "02-22"), ("agreement_review", "02-01"),
                      ("checkin_makeup", "02-23")}  # before the first boot: let go, not spoken
    assert {a.when.astimezone(NY).date() for a in appreciations} == {
        date(2026, 3, 1) + timedelta(days=i) for i in range(31) if i + 1 not in (12, 13, 14)}
    assert [a.partner for a in appreciations[:4]] == ["Alex", "Sam", "Alex", "Sam"]
    completed = {(e.activity, e.when.astimezone(NY).day) for e in sessions if e.status == "completed"}
    # the 15th was missed (machine off): offered again on Monday the 16th and done then (issue 14)
    assert {day for activity, day in completed if activity == "checkin"} == {1, 8, 16, 22, 29}
    assert {day for activity, day in completed if activity == "agreement_review"} == {1}


def test_calendar_scenario_fields_are_validated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("activity: calendar\ntimezone: Moon/Base\nmachine_off:\n  - from: 2026-03-02T10:00:00\n"
                   "    to: 2026-03-01T10:00:00\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(bad)
    message = str(caught.value)
    assert "timezone: 'Moon/Base' is not a known time zone" in message
    assert "machine_off.0: `to` must come after `from`" in message
    assert load_scenario(SCENARIO).days == 31

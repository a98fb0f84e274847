"""The export / forget / report commands on a real store (the report's own tests: test_report*.py)."""

from __future__ import annotations

import json
import os
import stat
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.store import Store
from assistant.store.migrations import CURRENT_SCHEMA
from assistant.store.records import (
    Appreciation,
    Commitment,
    CommitmentReview,
    Record,
    SessionEvent,
    StepAnswer,
    TimeOut,
)

pytestmark = pytest.mark.usefixtures("private_umask")

TODAY = date(2026, 3, 4)  # a Wednesday


def on(day: date, hour: int = 19) -> str:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc).isoformat()


def history() -> list[Record]:
    records: list[Record] = []
    ratings_by_week = [2, 2, 3, 3, 4, 4, 4, 5]  # eight Sundays, improving
    for week, rating in enumerate(ratings_by_week):
        day = TODAY - timedelta(days=3 + 7 * (7 - week))
        sid = f"c{week}"
        records.append(SessionEvent(at=on(day), session_id=sid, activity="checkin", status="started"))
        records += [StepAnswer(at=on(day), session_id=sid, activity="checkin", step="rating", partner=p,
                               rating=rating) for p in ("Alex", "Sam")]
        if week < 7:  # the last check-in was paused, not completed
            records.append(SessionEvent(at=on(day, 20), session_id=sid, activity="checkin",
                                        status="completed"))
    commitment = Commitment(at=on(TODAY - timedelta(days=10)), session_id="c6", partner="Sam", text="call")
    records.append(commitment)
    records += [CommitmentReview(at=on(TODAY - timedelta(days=3)), session_id="c7", commitment_id=f"x{n}",
                                 kept=n != 0) for n in range(4)]  # 3 of 4 kept
    # x0 is marked again later, as kept: the later review wins
    records.append(CommitmentReview(at=on(TODAY), session_id="c7", commitment_id="x0", kept=True))
    for days_ago, minutes in ((1, 20.0), (2, 30.0), (12, 25.0)):
        started = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), timezone.utc)
        ended = started + timedelta(minutes=minutes)
        records.append(TimeOut(at=ended.isoformat(), started_at=started.isoformat(), cooloff_s=minutes * 60,
                               outcome="resume"))
    for days_ago in (1, 2, 3, 5):  # yesterday..3 days ago in a row, then a gap
        day = TODAY - timedelta(days=days_ago)
        records.append(Appreciation(at=on(day), partner="Alex", prompt_id="daily"))
    skipped_day = TODAY - timedelta(days=4)
    records.append(Appreciation(at=on(skipped_day), partner="Sam", prompt_id="daily", skipped=True))
    return records


def test_matplotlib_is_not_imported_by_the_store_or_cli() -> None:
    import subprocess

    code = ("import sys, assistant.cli, assistant.store, assistant.report, assistant.report.text\n"
            "print('matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "no-config.toml"))
    directory = tmp_path / "data"
    with Store.open(directory) as store:
        store.append_many(history())
    return directory


def invoke(data_dir: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], input=input, catch_exceptions=False)


def test_cli_export(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    result = invoke(data_dir, "export", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["records"]) == len(history()) and document["schema"] == CURRENT_SCHEMA
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert f"Wrote {len(history())} records" in result.output


def test_cli_forget_needs_confirmation(data_dir: Path) -> None:
    result = invoke(data_dir, "forget", input="n\n")
    assert result.exit_code == 0 and "permanently deletes" in result.output  # N: a calm line, exit 0 (issue 14)
    assert "Nothing was deleted" in result.output and "Aborted" not in result.output
    assert (data_dir / "store.jsonl").exists()
    result = invoke(data_dir, "forget", input="y\n")
    assert result.exit_code == 0 and "everything is deleted" in result.output
    assert list(data_dir.iterdir()) == []


def test_cli_forget_yes_skips_the_question(data_dir: Path) -> None:
    result = invoke(data_dir, "forget", "--yes")
    assert result.exit_code == 0 and "Continue?" not in result.output
    assert list(data_dir.iterdir()) == []
    assert "Nothing is stored" in invoke(data_dir, "forget", "--yes").output


def test_cli_report_text_and_html(data_dir: Path, tmp_path: Path) -> None:
    result = invoke(data_dir, "report", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert "You completed 7 check-ins together" in result.output and "3 days in a row" in result.output
    page = tmp_path / "report.html"
    result = invoke(data_dir, "report", "--html", str(page), "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "<script" not in html  # ratings and time outs charts, no scripts
    assert stat.S_IMODE(os.stat(page).st_mode) == 0o600


def test_cli_shows_recovery_notices_and_refuses_newer_stores(data_dir: Path) -> None:
    path = data_dir / "store.jsonl"
    path.write_bytes(path.read_bytes() + b"not json at all\n")
    result = invoke(data_dir, "report")
    assert result.exit_code == 0 and "The store file was damaged" in result.output
    path.write_text('{"app":"couples-companion","schema":9}\n')
    result = invoke(data_dir, "export", "-")
    assert result.exit_code == 1 and "newer version (schema 9)" in result.output

"""Issue 16 (growth with history): `assistant report` over years of history says what the slow way says.

The fast way is the real command in its own process: snapshot plus the journal's tail, only the kinds the
report reads, the cyclic collector paused, ratings grouped once. The slow way decodes every record from the
journal alone (no snapshot) and collects and renders them in this process. Three years stand in for fifty:
the same generator the bench uses, large enough that the store keeps a snapshot and records follow it.
"""

from __future__ import annotations

import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from store_helpers import no_traceback, run_cli

from assistant.report import Words, collect, render_text
from assistant.store import Store, snapshot
from assistant.store.records import SafetyEvent

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
from history_gen import real_use  # noqa: E402 - the bench's own generator of years of real use

pytestmark = pytest.mark.usefixtures("private_umask")
ZONE = "America/New_York"


def years_with_a_tail(directory: Path) -> datetime:
    """Three years of real use with a snapshot, then a month (and a safety response) appended after it."""
    history = real_use(3)
    with Store.open(directory) as store:
        store.append_many(history)
    Store.open(directory).close()  # the first full read writes the snapshot
    assert (directory / snapshot.SNAPSHOT).exists()
    tail = real_use(1, start_year=2029)[:200]
    last = datetime.fromisoformat(tail[-1].at)
    with Store.open(directory) as store:
        store.append_many(tail)
        store.append(SafetyEvent(at=(last - timedelta(days=3)).isoformat(), activity="checkin",
                                 category="self_harm"))
    return last


def slow_report(directory: Path, today: str, since: str | None) -> str:
    """Every record decoded from the journal alone (a copy without the snapshot), collected and rendered."""
    plain = directory.parent / "plain"
    shutil.copytree(directory, plain)
    (plain / snapshot.SNAPSHOT).unlink()
    words = Words()
    with Store.open(plain) as store:
        records = store.query()
    history = collect(records, datetime.fromisoformat(today).date(), ZoneInfo(ZONE), ("Alex", "Sam"),
                      unnamed=words.text("partner_unnamed"),
                      since=datetime.fromisoformat(since).date() if since else None)
    assert history.records > 3000 and history.ratings and history.thanks and history.safety_days
    rated = [r.measure for r in history.ratings]
    assert sorted(history.measures) == sorted(set(rated))  # grouped once: each measure and series, nothing lost
    for partner in history.partners:
        for measure in history.measures:
            assert history.series(partner, measure) == [r for r in history.ratings
                                                        if (r.partner, r.measure) == (partner, measure)]
    return render_text(history, words)


@pytest.mark.parametrize("since", [None, "2027-06-01"])
def test_the_report_of_years_equals_the_slow_report_of_every_record(tmp_path: Path, since: str | None) -> None:
    directory = tmp_path / "data"
    last = years_with_a_tail(directory)
    today = (last + timedelta(days=1)).date().isoformat()
    result = run_cli(directory, "report", "--today", today, *(["--since", since] if since else []),
                     env={"TZ": ZONE})
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert result.stdout == slow_report(directory, today, since)
    assert "2029" in result.stdout  # the tail after the snapshot is in the period

"""Issue 16 (growth with history): `assistant report` reads only the kinds the report looks at, and says the same.

Behaviour, not time: the report's facts from `report_records` equal those from every record, and the snapshot
rows decoded are counted by kind (prompt events, 40% of a long history, are never decoded whole).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from report_history import TODAY, write_history
from store_helpers import count_decoded

from assistant.report import collect
from assistant.report.reading import report_records
from assistant.store import Store, snapshot
from assistant.store.records import Consent, PromptEvent

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
from history_gen import real_use  # noqa: E402 - the bench's own generator of years of real use

pytestmark = pytest.mark.usefixtures("private_umask")
ZONE = ZoneInfo("Europe/Paris")


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Snapshot rows built into records, by kind."""
    return count_decoded(monkeypatch)


def a_year_with_consent_first(directory: Path) -> date:
    """A year of real use after the couple's consent (the first record, days before any prompt); a snapshot."""
    consent = datetime(2025, 12, 20, 18, 0, tzinfo=timezone.utc)
    history = real_use(1)
    with Store.open(directory) as store:
        store.append(Consent(at=consent.isoformat(), partners=("Alex", "Sam")))
        store.append_many(history)
    Store.open(directory).close()  # the first full read writes the snapshot
    assert (directory / snapshot.SNAPSHOT).exists()
    return datetime.fromisoformat(history[-1].at).date() + timedelta(days=1)


@pytest.mark.parametrize("since", [None, date(2026, 3, 1)])
def test_the_report_from_its_kinds_equals_the_report_from_every_record(tmp_path: Path, since: date | None,
                                                                       decoded: Counter[str]) -> None:
    today = a_year_with_consent_first(tmp_path)
    decoded.clear()
    with Store.open(tmp_path) as store:
        fast = collect(report_records(store), today, ZONE, ("Alex", "Sam"), since=since)
        assert decoded[PromptEvent.KIND] <= 1  # only the first prompt event, for the period's start
        full = collect(store.query(), today, ZONE, ("Alex", "Sam"), since=since)
    assert replace(fast, records=full.records) == full and fast.records > 0  # `records`: how many were read
    assert fast.start == (since or date(2025, 12, 20))  # the consent starts the period
    assert fast.ratings and fast.thanks and fast.timeouts and fast.commitments


def test_the_check_in_history_reports_the_same(tmp_path: Path) -> None:
    write_history(tmp_path)
    zone = ZoneInfo("America/New_York")
    with Store.open(tmp_path) as store:
        fast, full = collect(report_records(store), TODAY, zone), collect(store.query(), TODAY, zone)
    assert replace(fast, records=full.records) == full and fast.records > 0

"""Issue 16 (growth with history): the companion's idle tick reads only recent records, so it costs the same in
year fifty as in year one.

Behaviour, not time: every record the store's index hands out (and every snapshot row it decodes) is counted
by kind while the real Companion ticks over a real store holding years of history shaped like real use
(scripts/history_gen.py), on a virtual clock.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assistant import paths, pipeline
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.schedule.companion import Companion
from assistant.schedule.scheduler import Scheduler
from assistant.simulate.calendar import TypedTurns
from assistant.store import Store, kinds, snapshot
from assistant.store.records import Record, SafetyEvent, SessionEvent

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
from history_gen import ZONE, real_use  # noqa: E402 - the bench's own generator of years of real use

pytestmark = pytest.mark.usefixtures("private_umask")
WINDOW = timedelta(days=41)
"""The longest look back any idle read needs (the scheduler's 40 days of prompts), plus a day."""
TICKS = 3


class Reads:
    """Records handed out by the store's index and snapshot rows decoded, per kind."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.handed: Counter[str] = Counter()
        self.decoded: Counter[str] = Counter()
        index = kinds.KindIndex
        for name in ("records", "since"):
            monkeypatch.setattr(index, name, self._counting(getattr(index, name)))
        real_latest, real_all, real_build = index.latest, index.all, kinds._build

        def latest(this: kinds.KindIndex, kind: str) -> Record | None:
            self.handed[kind] += 1
            return real_latest(this, kind)

        def every(this: kinds.KindIndex) -> list[Record]:
            records = real_all(this)
            self.handed.update(record.KIND for record in records)
            return records

        def build(kind: str, rows: list[list[object]]) -> tuple[list[Record], list[int]]:
            self.decoded[kind] += len(rows)
            return real_build(kind, rows)

        monkeypatch.setattr(index, "latest", latest)
        monkeypatch.setattr(index, "all", every)
        monkeypatch.setattr(kinds, "_build", build)

    def _counting(self, real):  # type: ignore[no-untyped-def]
        def counted(this: kinds.KindIndex, kind: str, *args: object) -> list[Record]:
            records: list[Record] = real(this, kind, *args)
            self.handed[kind] += len(records)
            return records

        return counted

    def clear(self) -> None:
        self.handed.clear()
        self.decoded.clear()


def history_store(directory: Path, years: int) -> tuple[list[Record], datetime]:
    """A store with `years` of real use and a current snapshot (as the previous session left it); a time three
    hours after its last record (23:00, in quiet hours: an idle tick then speaks nothing)."""
    history = real_use(years)
    with Store.open(directory) as store:
        store.append_many(history)
    Store.open(directory).close()  # the first full read writes the snapshot
    assert (directory / snapshot.SNAPSHOT).exists()
    return history, datetime.fromisoformat(history[-1].at) + timedelta(hours=3)


def tick_reads(tmp_path: Path, years: int, reads: Reads) -> tuple[Counter[str], Counter[str], list[Record], datetime]:
    """Counts of what `TICKS` idle ticks of the real Companion (tick, then when to look again) read."""
    history, now = history_store(tmp_path / f"{years}y", years)
    clock = VirtualClock(now)
    said: list[Line] = []
    settings = Settings()
    with Store.open(tmp_path / f"{years}y") as store:
        listener = TypedTurns(clock, lambda request, at: None, ZONE)
        conversation = pipeline.conversation(listener, said.append, clock, settings, DialogLibrary.load(seed=0),
                                             store)
        companion = Companion(conversation, DialogLibrary.load(seed=0), store, settings, clock,
                              Scheduler.from_settings(store, clock, settings.schedule, ZONE),
                              IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), ZONE)
        reads.clear()
        for _ in range(TICKS):
            assert companion.tick() is False  # quiet hours: nothing said
            assert companion.scheduler.seconds_until_next() > 0
            clock.advance(5.0)
    assert said == []
    return Counter(reads.handed), Counter(reads.decoded), history, now


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    monkeypatch.setattr(snapshot, "CHUNK", 100)  # small chunks: decoding the history whole would show
    return Reads(monkeypatch)


def test_an_idle_tick_reads_only_recent_records_and_the_same_in_year_four_as_in_year_one(
        tmp_path: Path, reads: Reads) -> None:
    handed_1, decoded_1, _, _ = tick_reads(tmp_path, 1, reads)
    handed_4, decoded_4, history, now = tick_reads(tmp_path, 4, reads)
    recent = Counter(r.KIND for r in history if r.when >= now - WINDOW)
    assert handed_4, "the tick read nothing: the counting no longer sees the store's reads"
    for kind, count in handed_4.items():  # each tick may ask again, but only for the recent records
        assert count <= TICKS * 2 * recent[kind], (kind, count, recent[kind])
    for kind, count in decoded_4.items():  # only the newest snapshot chunks are decoded
        assert count <= recent[kind] + 2 * snapshot.CHUNK, (kind, count, recent[kind])
    assert abs(sum(handed_4.values()) - sum(handed_1.values())) <= 0.25 * sum(handed_1.values())
    assert sum(decoded_4.values()) <= sum(decoded_1.values()) + 4 * snapshot.CHUNK


def test_a_safety_response_today_still_holds_the_prompts_with_years_of_history(tmp_path: Path,
                                                                               reads: Reads) -> None:
    """Reading only the recent records must not lose today's safety response (nor see yesterday's)."""
    directory = tmp_path / "store"
    _, now = history_store(directory, 1)
    with Store.open(directory) as store:
        store.append(SessionEvent(at=(now - timedelta(days=1)).isoformat(), session_id="old", activity="checkin",
                                  status="safety"))
        from assistant.safety import safety_earlier_today

        assert not safety_earlier_today(store, now.astimezone(ZONE))
        store.append(SafetyEvent(at=(now - timedelta(minutes=30)).isoformat(), activity="idle"))
        assert safety_earlier_today(store, now.astimezone(ZONE))
        assert reads.handed[SessionEvent.KIND] < 50

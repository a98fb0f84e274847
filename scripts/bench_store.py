"""Store benchmark: append latency, open time with ten years of history, and TinyDB side by side.

`run(results)` adds its numbers to `results`; `main()` prints them as JSON.
"""

from __future__ import annotations

import functools
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from assistant.store import Store
from assistant.store.codec import to_dict
from assistant.store.records import (
    Appreciation,
    Commitment,
    CommitmentReview,
    Record,
    SessionEvent,
    StepAnswer,
    TimeOut,
)

_LOGGER = logging.getLogger(__name__)
APPENDS = 1000
STEPS = ("opening", "went_well", "rating", "issue")
START = datetime(2016, 1, 3, 19, 0, tzinfo=timezone.utc)


GOALS = {"store_append_p99_ms": ("<=", 5), "store_open_10y_ms": ("<=", 200)}
"""Goals shown beside this section's figures by scripts/bench."""
def ten_years(years: int = 10) -> list[Record]:
    """Per ten years: ~520 weekly check-ins with answers, 3,650 appreciations, 1,000 time outs (~12,000)."""
    records: list[Record] = []
    previous: list[Commitment] = []
    for week in range(52 * years):
        at = START + timedelta(weeks=week)
        sid = f"checkin-{week}"

        def iso(minutes: float, base: datetime = at) -> str:
            return (base + timedelta(minutes=minutes)).isoformat()

        records.append(SessionEvent(at=iso(0), session_id=sid, activity="checkin", status="started"))
        for n, step in enumerate(STEPS):
            for p, partner in enumerate(("Alex", "Sam")):
                records.append(StepAnswer(at=iso(n * 4 + p), session_id=sid, activity="checkin", step=step,
                                          partner=partner, rating=(week + n + p) % 5 + 1, duration_s=12.5,
                                          text="We had a calmer week and talked before dinner most days."))
        records += [CommitmentReview(at=iso(20), session_id=sid, commitment_id=c.id, kept=week % 3 != 0)
                    for c in previous]
        previous = [Commitment(at=iso(22 + p), session_id=sid, partner=partner, text="A walk on Sunday.")
                    for p, partner in enumerate(("Alex", "Sam"))]
        records += previous
        records.append(SessionEvent(at=iso(30), session_id=sid, activity="checkin", status="completed"))
    for day in range(365 * years):
        at = START + timedelta(days=day, hours=1)
        records.append(Appreciation(at=at.isoformat(), partner=("Alex", "Sam")[day % 2], prompt_id="daily",
                                    text="Thank you for making coffee this morning.", skipped=day % 17 == 0))
    for n in range(100 * years):
        at = START + timedelta(hours=n * 87.6)
        records.append(TimeOut(at=(at + timedelta(minutes=24)).isoformat(), started_at=at.isoformat(),
                               breathing_cycles=6, cooloff_s=1200.0 + n % 600, outcome="resume"))
    records.sort(key=lambda r: r.at)
    return records


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000.0


def bench_append(directory: Path, records: list[Record]) -> list[float]:
    """Milliseconds per `Store.append` (each fsynced)."""
    store = Store.open(directory)
    try:
        return [_timed(functools.partial(store.append, record)) for record in records]
    finally:
        store.close()


def bench_tinydb(path: Path, records: list[Record]) -> list[float]:
    """Milliseconds per TinyDB `insert` of the same records (its default JSONStorage, no fsync)."""
    from tinydb import TinyDB

    with TinyDB(path) as db:
        table = db.table("records")
        def insert(record: Record) -> None:
            table.insert(to_dict(record))

        return [_timed(functools.partial(insert, record)) for record in records]


def bench_open(directory: Path, history: list[Record], repeats: int = 5) -> tuple[float, float]:
    """(first open incl. the daily backup, median of later opens) in ms, with `history` stored."""
    store = Store.open(directory)
    store.append_many(history)
    store.close()
    for backup in directory.glob("store.jsonl.bak*"):
        backup.unlink()
    first = _timed(lambda: Store.open(directory).close())
    later = [_timed(lambda: Store.open(directory).close()) for _ in range(repeats)]
    return first, statistics.median(later)


def run(results: dict) -> None:
    """Add store numbers to `results` (milliseconds unless named otherwise)."""
    history = ten_years()
    sample = history[:APPENDS]
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        ours = bench_append(Path(tmp) / "ours", sample)
        theirs = bench_tinydb(Path(tmp) / "tinydb.json", sample)
        first, later = bench_open(Path(tmp) / "history", history)
        size = (Path(tmp) / "history" / "store.jsonl").stat().st_size
    results.update({
        "store_append_p50_ms": round(_percentile(ours, 0.50), 3),
        "store_append_p99_ms": round(_percentile(ours, 0.99), 3),
        "store_append_total_ms": round(sum(ours), 1),
        "tinydb_insert_p50_ms": round(_percentile(theirs, 0.50), 3),
        "tinydb_insert_p99_ms": round(_percentile(theirs, 0.99), 3),
        "tinydb_insert_total_ms": round(sum(theirs), 1),
        "tinydb_over_store_total_ratio": round(sum(theirs) / sum(ours), 2),
        "store_open_10y_records": len(history),
        "store_open_10y_bytes": size,
        "store_open_10y_first_ms": round(first, 1),
        "store_open_10y_ms": round(later, 1),
        "store_goal_append_p99_ok": _percentile(ours, 0.99) <= 5.0,
        "store_goal_open_ok": later <= 200.0,
    })


def main() -> None:
    """Print the numbers as JSON."""
    results: dict = {}
    run(results)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

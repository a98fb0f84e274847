"""Store benchmark: costs that must stay flat from 1 to 50 years of history, and TinyDB side by side.

Every figure is min/median/max of `REPEATS` runs on a warm page cache; its key names what its clock includes.
`run(results)` adds the numbers to `results`; `main()` prints them as JSON (`--years 1,10,50`).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from history_gen import real_use

from assistant.store import Store
from assistant.store.codec import to_dict
from assistant.store.records import Appreciation, Record

APPENDS = 300
REWRITE = 1001
"""Records appended before each `report_after_rewrite` run: more than the snapshot's REFRESH_AFTER."""
REPEATS = 5
YEARS = (1, 10, 50)


GOALS = {
    "store_append_p99_ms.50y": ("<=", 5), "store_open_ms.50y.median": ("<=", 200),
    "report_ms.50y.median": ("<=", 500),
}
"""Goals shown beside this section's figures by scripts/bench."""
def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000.0


def _spread(values: list[float], digits: int = 1) -> dict[str, float]:
    return {"min": round(min(values), digits), "median": round(statistics.median(values), digits),
            "max": round(max(values), digits)}


def bench_append(directory: Path, records: list[Record]) -> list[float]:
    """Milliseconds per `Store.append` (each fsynced) into the store at `directory`."""
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


def idle_tick(store: Store, now: datetime) -> None:
    """The store reads of one idle tick, through the code the companion runs (Companion.tick, then
    seconds_until_next): today's safety responses, then the scheduler's plan twice (settle and when to look
    again: 40 days of prompts, 30 hours of time outs), on a clock stopped at `now`."""
    from assistant.clock import VirtualClock
    from assistant.config import ScheduleSettings
    from assistant.safety import safety_earlier_today
    from assistant.schedule.scheduler import Scheduler

    scheduler = Scheduler.from_settings(store, VirtualClock(now), ScheduleSettings(), now.tzinfo)
    safety_earlier_today(store, now)
    scheduler.plan()
    scheduler.plan()


def report_process_ms(directory: Path, today: date) -> tuple[float, float]:
    """`python -m assistant --data-dir D report --today DAY`, process start to exit (imports, open, report,
    print), and the CPU time (user + system) the process used (less swayed by a busy machine than the wall).
    `today`: the history's last day, so the report covers all of it, as the couple would see it then."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}  # as installed:
    env["ASSISTANT_CONFIG"] = str(directory.parent / "no-config.toml")  # bytecode cached after the first run
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "--data-dir", str(directory), "report",
                    "--today", today.isoformat()], env=env, check=True, stdout=subprocess.DEVNULL)
    wall = (time.perf_counter() - start) * 1000.0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0


def warm_process_ms(directory: Path) -> tuple[float, float]:
    """`assistant run`'s warm-up (`run_cmds.warm_report`, as its background thread runs it once listening, the
    companion's store open): wall ms, and the CPU ms of the `report` process it starts."""
    from assistant.cli import AppContext
    from assistant.cli.run_cmds import warm_report
    from assistant.config import load_settings

    os.environ["ASSISTANT_CONFIG"] = str(directory.parent / "no-config.toml")  # as report_process_ms
    app = AppContext(settings=load_settings(), io="text", config_path=None)
    with Store.open(directory) as store:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        thread = threading.Thread(target=warm_report, args=(app, store))  # it lowers its own thread's priority
        wall = _timed(lambda: (thread.start(), thread.join()))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0


def report_in_process(directory: Path, today: date, how: str) -> None:
    """Store.open + the report's facts: collect() over every record ("all") or the kinds it reads ("by_kind"),
    or report_history() ("cached": the cached tally of the sealed records plus the rest, as `report` does); the
    store side of `report`, with the cyclic collector paused as `report` pauses it."""
    from assistant.report import collect
    from assistant.report.reading import report_history, report_records
    from assistant.store.kinds import paused_gc

    with paused_gc(), Store.open(directory) as store:
        if how == "cached":
            report_history(store, today, timezone.utc)
        else:
            collect(report_records(store) if how == "by_kind" else store.query(), today, timezone.utc)


def bench_report(directory: Path, now: datetime) -> dict[str, object]:
    """`report` wall times: without its cache (the first report ever, or after the snapshot was rewritten: the
    sealed records folded and the cache written), repeated (cache current), and the first after a write (one
    record appended before each run, outside the clock); the store side in one process."""
    from assistant.report.cache import CACHE

    report_process_ms(directory, now.date())  # bytecode compiled and cached, as after installation
    rebuilt = []
    for _ in range(REPEATS):
        (directory / CACHE).unlink(missing_ok=True)
        rebuilt.append(report_process_ms(directory, now.date()))
    repeated = [report_process_ms(directory, now.date()) for _ in range(REPEATS)]
    warmups, after_run = [], []
    for _ in range(REPEATS):
        (directory / CACHE).unlink(missing_ok=True)
        warmups.append(warm_process_ms(directory))
        after_run.append(report_process_ms(directory, now.date()))
    after_write = []
    for n in range(REPEATS):
        with Store.open(directory) as store:
            store.append(Appreciation(at=(now - timedelta(minutes=n)).isoformat(), partner="Alex", prompt_id="b"))
        after_write.append(report_process_ms(directory, now.date()))
    after_rewrite = []
    for n in range(REPEATS):
        with Store.open(directory) as store:  # enough records that the next open rewrites the snapshot
            store.append_many(Appreciation(at=(now - timedelta(seconds=REWRITE * n + i)).isoformat(), partner="Sam",
                                           prompt_id="b") for i in range(REWRITE))
        Store.open(directory).close()  # the snapshot rewritten further on, outside the clock
        after_rewrite.append(report_process_ms(directory, now.date()))
    rewriting = []
    for n in range(REPEATS):
        with Store.open(directory) as store:  # the report's own open rewrites the snapshot, inside the clock
            store.append_many(Appreciation(at=(now - timedelta(seconds=REWRITE * (n + REPEATS) + i)).isoformat(),
                                           partner="Sam", prompt_id="b") for i in range(REWRITE))
        rewriting.append(report_process_ms(directory, now.date()))
    inproc = {how: [_timed(functools.partial(report_in_process, directory, now.date(), how))
                    for _ in range(REPEATS)] for how in ("all", "by_kind", "cached")}
    runs = {"report_no_cache": rebuilt, "report": repeated, "report_after_run_warmed": after_run,
            "run_report_warmup": warmups, "report_after_write": after_write,
            "report_after_rewrite": after_rewrite, "report_rewriting": rewriting}
    return {**{f"{name}_ms": _spread([wall for wall, _ in times]) for name, times in runs.items()},
            **{f"{name}_cpu_ms": _spread([cpu for _, cpu in times]) for name, times in runs.items()},
            **{f"report_store_side_{how}_ms": _spread(times) for how, times in inproc.items()}}


def bench_years(root: Path, years: int, results: dict) -> None:
    """Open, idle tick, report and append with `years` of history."""
    history = real_use(years)
    directory = root / f"{years}y"
    with Store.open(directory) as store:
        store.append_many(history)
    first = _timed(lambda: Store.open(directory).close())  # full read; writes the snapshot and backup
    opens = [_timed(lambda: Store.open(directory).close()) for _ in range(REPEATS)]
    now = datetime.fromisoformat(history[-1].at) + timedelta(hours=1)
    with Store.open(directory) as store:
        idle_tick(store, now)  # first use decodes the kinds it reads (counted in the open+tick figure)
        ticks = [_timed(functools.partial(idle_tick, store, now)) for _ in range(REPEATS)]

    def open_and_tick() -> None:
        with Store.open(directory) as fresh:
            idle_tick(fresh, now)

    open_tick = [_timed(open_and_tick) for _ in range(REPEATS)]
    reports = bench_report(directory, now)
    appends = bench_append(directory, real_use(1, start_year=2080)[:APPENDS])
    key = f"{years}y"
    figures = {
        "history_records": len(history),
        "journal_bytes": (directory / "store.jsonl").stat().st_size,
        "store_open_first_full_read_ms": round(first, 1),
        "store_open_ms": _spread(opens),
        "store_open_plus_first_tick_ms": _spread(open_tick),
        "idle_tick_ms": _spread(ticks, 3),
        **reports,
        "store_append_p50_ms": round(_percentile(appends, 0.5), 3),
        "store_append_p99_ms": round(_percentile(appends, 0.99), 3),
    }
    for name, value in figures.items():
        results.setdefault(name, {})[key] = value


CLOCKS = {
    "store_open_first_full_read_ms": "Store.open() call to return, first open after the history was written "
                                     "(reads and validates every record, writes snapshot and backup), once",
    "store_open_ms": "Store.open() call to return, warm page cache (snapshot valid, if the store has one)",
    "store_open_plus_first_tick_ms": "Store.open() + one idle tick's reads + close, as a fresh process does",
    "idle_tick_ms": "the store reads of one idle tick through the companion's own code (safety_earlier_today, "
                    "Scheduler.plan twice), store already open (no audio)",
    "report_ms": "`python -m assistant --data-dir D report --today <last day>` wall time, process start to "
                 "exit (interpreter, imports, store open, report of the whole history, print), repeated: its "
                 "cache current (the sealed records' tally read, the records after the snapshot folded in)",
    "report_after_run_warmed_ms": "the same, the first report without a cache (after an install or an update) once "
                                  "`assistant run` warmed it (run_cmds.warm_report, outside the clock)",
    "report_after_run_warmed_cpu_ms": "CPU time of the `report` process, first report after `run` warmed the cache",
    "run_report_warmup_ms": "`assistant run`'s background warm-up, run_cmds.warm_report() call to return (a look "
                            "at the cache's header, then a `report` process at nice 19, output dropped), no cache "
                            "before; the companion's store open",
    "run_report_warmup_cpu_ms": "CPU time of the `report` process that warm-up starts",
    "report_after_write_ms": "the same, the first report after a write (one record appended before each run, "
                             "outside the clock)",
    "report_cpu_ms": "CPU time (user + system) of that `report` process, repeated (cache current)",
    "report_after_write_cpu_ms": "CPU time of the `report` process, first report after a write",
    "report_no_cache_cpu_ms": "CPU time of the `report` process without its cache",
    "report_after_rewrite_ms": f"the same, the first report after the snapshot was rewritten further on ({REWRITE} "
                               "records appended and the store opened once before each run, outside the clock)",
    "report_after_rewrite_cpu_ms": "CPU time of the `report` process, first report after a snapshot rewrite",
    "report_rewriting_ms": f"the same when the report's own open rewrites the snapshot ({REWRITE} records appended "
                           "before each run, outside the clock; the rewrite and the report inside it)",
    "report_rewriting_cpu_ms": "CPU time of the `report` process whose open rewrites the snapshot",
    "report_no_cache_ms": "the same without the report cache (first report ever, or after the snapshot was "
                          "rewritten): every sealed record decoded and folded, the cache written",
    "report_store_side_all_ms": "in one process: Store.open() + query() of every record + collect() (collector "
                                "paused), as `report` did before it read by kind",
    "report_store_side_by_kind_ms": "the same with report_records(): the kinds collect() reads (prompt events, "
                                    "40% of the history, never decoded), no cache",
    "report_store_side_cached_ms": "the same with report_history(): the cached tally of the sealed records plus "
                                   "the records after them, as `report` does",
    "store_append_p50_ms": f"Store.append() call to return incl. fsync, {APPENDS} appends onto the history",
    "store_append_p99_ms": f"Store.append() call to return incl. fsync, {APPENDS} appends onto the history",
}


def run(results: dict, years: tuple[int, ...] = YEARS) -> None:
    """Add store numbers to `results` (milliseconds unless named otherwise)."""
    results["load_average_1min_at_start"] = round(os.getloadavg()[0], 2)
    sample = real_use(1)[:APPENDS]
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        ours = bench_append(Path(tmp) / "ours", sample)
        theirs = bench_tinydb(Path(tmp) / "tinydb.json", sample)
        results.update({
            "store_append_empty_p50_ms": round(_percentile(ours, 0.50), 3),
            "store_append_empty_p99_ms": round(_percentile(ours, 0.99), 3),
            "tinydb_insert_p50_ms": round(_percentile(theirs, 0.50), 3),
            "tinydb_over_store_total_ratio": round(sum(theirs) / sum(ours), 2),
        })
        for n in years:
            bench_years(Path(tmp), n, results)
    results["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    results["clocks"] = {name: clock for name, clock in CLOCKS.items() if name in results}


def main() -> None:
    """Print the numbers as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", default=",".join(map(str, YEARS)))
    args = parser.parse_args()
    results: dict = {}
    run(results, tuple(int(n) for n in args.years.split(",")))
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

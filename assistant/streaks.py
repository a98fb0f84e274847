"""Runs of consecutive calendar days (appreciation streaks), shared by the activity and the report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days, as (first, last), oldest first."""
    found: list[tuple[date, date]] = []
    for one in sorted(set(days)):
        if found and one - found[-1][1] == timedelta(days=1):
            found[-1] = (found[-1][0], one)
        else:
            found.append((one, one))
    return found


def current_run(days: Iterable[date], today: date, *, today_still_open: bool = True) -> tuple[date, date] | None:
    """The run ending today; with `today_still_open`, a run ending yesterday still counts while today has
    no entry yet (the report's view)."""
    latest = today - timedelta(days=1) if today_still_open else today
    for first, last in reversed(runs(day for day in days if day <= today)):
        return (first, last) if last >= latest else None
    return None


def streak(days: Iterable[date], today: date, *, today_still_open: bool = False) -> int:
    """How many consecutive days the current run holds (0 when there is none); see `current_run`."""
    run = current_run(days, today, today_still_open=today_still_open)
    return (run[1] - run[0]).days + 1 if run else 0

"""Runs of consecutive calendar days (appreciation streaks), shared by the activity and the report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days, as (first, last), oldest first (day numbers compared, not dates subtracted:
    fifty years of appreciations are ~8,000 days)."""
    ordinals = sorted({day.toordinal() for day in days})
    found: list[tuple[date, date]] = []
    first = 0
    for index in range(1, len(ordinals) + 1):
        if index == len(ordinals) or ordinals[index] != ordinals[index - 1] + 1:
            found.append((date.fromordinal(ordinals[first]), date.fromordinal(ordinals[index - 1])))
            first = index
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

"""Runs of consecutive calendar days (appreciation streaks), shared by the activity and the report."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta


def streak(days: Collection[date], today: date, *, today_still_open: bool = False) -> int:
    """Consecutive days in `days` ending today. With `today_still_open`, a run ending yesterday still
    counts while today has no entry yet (the report's view); otherwise today must be in `days`."""
    day = today - timedelta(days=1) if today_still_open and today not in days else today
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count

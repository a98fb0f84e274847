"""Times said the way people say them ("9 in the morning", "quarter past 8 in the evening"), from dialog data
(timeout.clock_* and timeout.period_*), and return times rounded to a quarter hour."""

from __future__ import annotations

from datetime import datetime, timedelta

from assistant.dialog.library import DialogLibrary

QUARTER = timedelta(minutes=15)
PERIODS = ((5, "morning"), (12, "afternoon"), (17, "evening"), (22, "night"))
"""From which hour each part of the day starts (before 5: night)."""


def to_quarter(moment: datetime, low: datetime, high: datetime) -> datetime:
    """`moment` rounded up to a quarter hour (never sooner than agreed), or down when that passes `high`."""
    base = moment.replace(minute=0, second=0, microsecond=0)
    steps = -(-(moment - base) // QUARTER)
    rounded = base + steps * QUARTER
    while rounded < low:
        rounded += QUARTER
    while rounded > high:
        rounded -= QUARTER
    return rounded if low <= rounded <= high else moment


def spoken_time(library: DialogLibrary, moment: datetime) -> str:
    """The local wall time of `moment` in words, e.g. "9 in the morning", "quarter past 8 in the evening"."""
    hour, minute = moment.hour, moment.minute
    period = next((name for start, name in reversed(PERIODS) if hour >= start), "night")
    shown = hour % 12 or 12
    names = {0: "clock_on_the_hour", 15: "clock_quarter_past", 30: "clock_half_past", 45: "clock_quarter_to"}
    key = names.get(minute, "clock_minutes")
    if key == "clock_quarter_to":
        shown = (hour + 1) % 12 or 12
    when = library.render(f"timeout.period_{period}").text
    return library.render(f"timeout.{key}", hour=shown, minutes=f"{minute:02d}", period=when).text

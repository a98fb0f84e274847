"""Recurring rules as pure functions: wall-clock times in one time zone, DST-safe, with quiet hours.

All arithmetic and comparisons happen in UTC: Python compares and subtracts two datetimes that share a
tzinfo by their wall-clock fields, which is wrong across a daylight-saving change.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assistant.config import ScheduleSettings

Frequency = Literal["daily", "weekly", "monthly", "once"]
""""once": a one-off prompt (a time out's agreed return); never expanded by `occurrences`."""
MAKEUP_PROMPT = "checkin_makeup"
"""The weekly check-in offered again the day after a missed one (it runs the check-in)."""
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Rule:
    """One recurring prompt."""

    prompt: str
    """Prompt kind, as in PromptEvent.prompt: "appreciation", "checkin_reminder", "agreement_review"."""
    frequency: Frequency
    at: time
    """Local wall-clock time of day."""
    day: int = 0
    """weekly: weekday (0 = Monday); monthly: day of the month (1-28); daily: unused."""
    window: timedelta = timedelta(hours=3)
    """How long after its due time a prompt may still be spoken (later it is let go)."""
    makes_up_for: str = ""
    """A second chance: this rule's occurrence is offered only when the latest earlier occurrence of the
    prompt named here was not answered (e.g. a missed weekly check-in is offered again the next day)."""


def parse_hhmm(text: str) -> time:
    """'20:00' -> time(20, 0)."""
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes))


def rules_from_settings(schedule: ScheduleSettings) -> list[Rule]:
    """The appreciation time(s), the weekly check-in reminder and the monthly agreement review."""
    rules = [Rule("appreciation", "daily", parse_hhmm(at), window=timedelta(hours=2))
             for at in dict.fromkeys(schedule.appreciation_times)]
    checkin_day = WEEKDAYS.index(schedule.checkin_day)
    rules.append(Rule("checkin_reminder", "weekly", parse_hhmm(schedule.checkin_time), checkin_day,
                      window=timedelta(hours=3)))
    rules.append(Rule(MAKEUP_PROMPT, "weekly", parse_hhmm(schedule.checkin_time), (checkin_day + 1) % 7,
                      window=timedelta(hours=3), makes_up_for="checkin_reminder"))
    rules.append(Rule("agreement_review", "monthly", parse_hhmm(schedule.agreement_review_time),
                      schedule.agreement_review_day, window=timedelta(hours=3)))
    return rules


def local_zone(name: str | None = None) -> tzinfo:
    """The configured zone: `name`, else $TZ, else /etc/localtime's zone, else UTC."""
    for candidate in (name, os.environ.get("TZ", "").lstrip(":") or None, _etc_localtime()):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return timezone.utc


def _etc_localtime() -> str | None:
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return None
    _, found, key = target.partition("/zoneinfo/")
    return key if found else None


def utc(moment: datetime) -> datetime:
    """The same instant in UTC (naive times are taken as the machine's local time)."""
    return moment.astimezone(timezone.utc)


def wall(day: date, at: time, tz: tzinfo) -> datetime:
    """`day` at wall-clock `at` in `tz`, as a UTC instant.

    A time skipped by a spring-forward change (02:30) happens at the same offset after the gap (03:30);
    a repeated time at a fall-back change (01:30) happens at its first occurrence.
    """
    return utc(datetime.combine(day, at).replace(tzinfo=tz, fold=0))


def _matches(rule: Rule, day: date) -> bool:
    if rule.frequency == "weekly":
        return day.weekday() == rule.day
    if rule.frequency == "monthly":
        return day.day == rule.day
    return True


def occurrences(rule: Rule, start: datetime, end: datetime, tz: tzinfo) -> Iterator[datetime]:
    """Due instants (UTC) with start <= due < end, in order."""
    low, high = utc(start), utc(end)
    day = low.astimezone(tz).date() - timedelta(days=1)
    while True:
        if _matches(rule, day):
            due = wall(day, rule.at, tz)
            if due >= high:
                return
            if due >= low:
                yield due
        elif wall(day, time(0), tz) >= high:
            return
        day += timedelta(days=1)


def previous_due(rule: Rule, now: datetime, tz: tzinfo) -> datetime | None:
    """The latest due instant <= now (looking back at most 32 days)."""
    found = None
    for due in occurrences(rule, utc(now) - timedelta(days=32), utc(now) + timedelta(microseconds=1), tz):
        found = due
    return found


def next_due(rule: Rule, after: datetime, tz: tzinfo) -> datetime:
    """The first due instant strictly after `after`."""
    start = utc(after) + timedelta(microseconds=1)
    return next(occurrences(rule, start, start + timedelta(days=40), tz))


def in_quiet_hours(moment: datetime, quiet: tuple[str, str], tz: tzinfo) -> bool:
    """True when `moment`'s local time lies in [start, end) (the range may wrap past midnight)."""
    start, end = parse_hhmm(quiet[0]), parse_hhmm(quiet[1])
    local = utc(moment).astimezone(tz).time().replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_end(moment: datetime, quiet: tuple[str, str], tz: tzinfo) -> datetime:
    """When the quiet hours containing `moment` end (UTC); `moment` itself when it is not quiet."""
    if not in_quiet_hours(moment, quiet, tz):
        return utc(moment)
    end = parse_hhmm(quiet[1])
    day = utc(moment).astimezone(tz).date()
    for offset in (0, 1):
        candidate = wall(day + timedelta(days=offset), end, tz)
        if candidate > utc(moment):
            return candidate
    raise AssertionError("quiet hours never end")  # pragma: no cover

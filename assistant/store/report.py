"""How the couple is doing: numbers from the store, and a short, warm text summary."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from assistant.store.records import Appreciation, CommitmentReview, Record, SessionEvent, StepAnswer, TimeOut
from assistant.streaks import streak

_LOGGER = logging.getLogger(__name__)
TREND_WEEKS = 4
"""Ratings trend: the last four weeks with ratings against the four before."""
TREND_STEP = 0.25
"""A change of average rating smaller than this is 'steady'."""


@dataclass(frozen=True)
class Summary:
    """Everything the text and HTML reports show."""

    today: date
    records: int = 0
    checkins_completed: int = 0
    last_checkin: date | None = None
    commitments_reviewed: int = 0
    commitments_kept: int = 0
    rating_weeks: list[tuple[date, float]] = field(default_factory=list)
    """(Monday of the week, average rating) for weeks with ratings, oldest first."""
    rating_trend: str = ""
    """"rising", "steady", "falling", or "" when there are too few weeks to tell."""
    timeout_weeks: list[tuple[date, int]] = field(default_factory=list)
    """(Monday, number of time outs) for every week from the first time out to this week."""
    timeout_minutes: list[float] = field(default_factory=list)
    """Cool-off length of each time out, in minutes."""
    appreciation_days: frozenset[date] = frozenset()
    """Days with at least one appreciation that was not skipped."""
    appreciation_streak: int = 0

    @property
    def kept_percent(self) -> float | None:
        if not self.commitments_reviewed:
            return None
        return 100.0 * self.commitments_kept / self.commitments_reviewed

    @property
    def timeouts(self) -> int:
        return len(self.timeout_minutes)

    @property
    def timeouts_per_week(self) -> float | None:
        return self.timeouts / len(self.timeout_weeks) if self.timeout_weeks else None

    @property
    def average_cooloff_minutes(self) -> float | None:
        return sum(self.timeout_minutes) / len(self.timeout_minutes) if self.timeout_minutes else None


def week_of(day: date) -> date:
    """The Monday starting `day`'s week."""
    return day - timedelta(days=day.weekday())


def summarize(records: Iterable[Record], today: date) -> Summary:
    """Compute the report's numbers (each record's date is taken in the time zone it was written in)."""
    records = list(records)
    completed: dict[str, date] = {}
    reviews: dict[str, bool] = {}
    ratings: dict[date, list[int]] = defaultdict(list)
    timeouts: list[tuple[date, float]] = []
    thanks: set[date] = set()
    for record in records:
        day = record.when.date()
        if isinstance(record, SessionEvent) and record.activity == "checkin" and record.status == "completed":
            completed[record.session_id] = day
        elif isinstance(record, CommitmentReview):
            reviews[record.commitment_id] = record.kept  # a later review of the same commitment wins
        elif isinstance(record, StepAnswer) and record.rating is not None:
            ratings[week_of(day)].append(record.rating)
        elif isinstance(record, TimeOut):
            timeouts.append((day, record.cooloff_s / 60.0))
        elif isinstance(record, Appreciation) and not record.skipped:
            thanks.add(day)
    rating_weeks = [(week, sum(values) / len(values)) for week, values in sorted(ratings.items())]
    return Summary(
        today=today,
        records=len(records),
        checkins_completed=len(completed),
        last_checkin=max(completed.values(), default=None),
        commitments_reviewed=len(reviews),
        commitments_kept=sum(reviews.values()),
        rating_weeks=rating_weeks,
        rating_trend=_trend([avg for _, avg in rating_weeks]),
        timeout_weeks=_weekly_counts([day for day, _ in timeouts], today),
        timeout_minutes=[minutes for _, minutes in timeouts],
        appreciation_days=frozenset(thanks),
        appreciation_streak=streak(thanks, today, today_still_open=True),
    )


def _trend(averages: list[float]) -> str:
    if len(averages) < 2:
        return ""
    recent = averages[-TREND_WEEKS:]
    earlier = averages[-2 * TREND_WEEKS:-TREND_WEEKS]
    if len(averages) <= TREND_WEEKS:
        recent, earlier = averages[len(averages) // 2:], averages[:len(averages) // 2]
    change = sum(recent) / len(recent) - sum(earlier) / len(earlier)
    return "rising" if change >= TREND_STEP else "falling" if change <= -TREND_STEP else "steady"


def _weekly_counts(days: list[date], today: date) -> list[tuple[date, int]]:
    if not days:
        return []
    counts: dict[date, int] = defaultdict(int)
    for day in days:
        counts[week_of(day)] += 1
    week, last = min(counts), max(week_of(today), max(counts))
    weeks = []
    while week <= last:
        weeks.append((week, counts.get(week, 0)))
        week += timedelta(weeks=1)
    return weeks


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _nice(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def render_text(summary: Summary) -> str:
    """A few warm, plain lines."""
    lines = [f"How you two are doing, as of {_nice(summary.today)}", ""]
    if not summary.records:
        lines.append("Nothing has been recorded yet. Your first check-in together will start the story.")
        return "\n".join(lines) + "\n"
    s = summary
    if s.checkins_completed and s.last_checkin:
        lines.append(f"Check-ins: you have completed {_plural(s.checkins_completed, 'check-in')} together, "
                     f"most recently on {_nice(s.last_checkin)}.")
    else:
        lines.append("Check-ins: none completed yet. Whenever you are ready, the weekly check-in is waiting.")
    if s.kept_percent is not None:
        reviewed = _plural(s.commitments_reviewed, "commitment")
        lines.append(f"Commitments: you kept {s.commitments_kept} of the {reviewed} you looked back on "
                     f"({s.kept_percent:.0f}%). Every kept promise rebuilds a little trust.")
    if s.rating_weeks:
        recent = s.rating_weeks[-1][1]
        mood = {"rising": "are rising, which is worth noticing together",
                "falling": "have dipped lately; that is something to talk about gently",
                "steady": "are holding steady", "": "have just started"}[s.rating_trend]
        lines.append(f"Ratings: your weekly ratings {mood} (latest week: {recent:.1f} out of 5).")
    if s.timeouts:
        per_week = s.timeouts_per_week or 0.0
        lines.append(f"Time outs: {_plural(s.timeouts, 'time out')} so far, about {per_week:.1f} a week, "
                     f"with {s.average_cooloff_minutes or 0:.0f} minutes of cool-off on average. "
                     "Pausing when it gets heated is a skill you are practising.")
    if s.appreciation_streak:
        lines.append(f"Appreciations: {_plural(s.appreciation_streak, 'day')} in a row of saying thank you. "
                     "Keep it going tonight.")
    elif s.appreciation_days:
        lines.append("Appreciations: no streak right now; one kind word tonight starts a new one.")
    return "\n".join(lines) + "\n"

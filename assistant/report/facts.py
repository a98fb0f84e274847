"""What the store says, as plain facts with real local dates: the one place records become report data.

Nothing here has words for people; `sections` turns these facts into dialog lines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any, TypeVar

from assistant.store.records import (
    AgreementVersion,
    Appreciation,
    Commitment,
    CommitmentReview,
    Record,
    SafetyEvent,
    SessionEvent,
    StepAnswer,
    TimeOut,
)

_LOGGER = logging.getLogger(__name__)

RATING_STEPS = {"progress_safe": "safety", "progress_close": "closeness"}
"""Check-in rating steps (dialogs/checkin.yaml) -> the measure they rate; other rating steps keep their id."""
THEME_STEPS = {"triggers": "triggers", "needs": "needs", "trigger_coach": "triggers", "need_coach": "needs"}
"""Check-in steps whose answers are counted as themes (their words only when transcripts are kept) -> the theme;
a wording said again after the blame coaching replaces the first one."""
LOW_RATING = 2
"""A rating at or below this is flagged gently with the therapy signpost (the scale is 1 to 5)."""
DayOf = Callable[[datetime], date]
K = TypeVar("K", bound=Record)
SAME_SAFETY_RESPONSE = timedelta(minutes=10)
"""A SafetyEvent and a session ending in `safety` this close together are one response, counted once."""
READS: tuple[type[Record], ...] = (SessionEvent, StepAnswer, Commitment, CommitmentReview, TimeOut, Appreciation,
                                   AgreementVersion, SafetyEvent)
"""The kinds `collect` looks at (keep in step with it): `assistant report` reads only these in full; of any other
kind only the first record, which can start the period."""


@dataclass(frozen=True)
class Rating:
    """One partner's rating of one measure at one check-in."""

    day: date
    partner: str
    measure: str
    """"safety", "closeness", or another rating step's id."""
    value: int
    session_id: str


@dataclass(frozen=True)
class CheckinOutcome:
    """How one check-in session ended (its last status)."""

    day: date
    session_id: str
    status: str
    """"completed", "paused", "stopped", "safety" or "started" (never finished)."""


@dataclass(frozen=True)
class CommitmentFact:
    """A commitment and, when it was looked back on, whether it was marked kept."""

    made: date
    partner: str
    text: str | None
    kept: bool | None = None
    """None: not looked back on yet. Said at the next check-in by the other partner (`confirmed_by`)."""
    reviewed: date | None = None
    confirmed_by: str = ""
    """Who said whether it was kept: the other partner; "" in older records (the maker marked it)."""

    @property
    def by_other(self) -> bool:
        """True when the other partner (not the one who made it) said whether it was kept."""
        return bool(self.confirmed_by) and self.confirmed_by != self.partner


@dataclass(frozen=True)
class TimeOutFact:
    """One time out: when, how it ended, how long the cool-off was timed for."""

    day: date
    ending: str
    """"resume", "reschedule", "stop", or "safety" (a safety response during the time out)."""
    cooloff_minutes: float | None
    """None when no cool-off was timed (ended during the breathing or at the first question)."""


@dataclass(frozen=True)
class ThemeAnswer:
    """One answer to a trigger or need question: who, when; the words only when transcripts are kept."""

    day: date
    step: str
    partner: str
    text: str | None


@dataclass(frozen=True)
class AgreementChange:
    """One version of the written agreement."""

    day: date
    change: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class History:
    """Everything the report shows, for one period ending `today`."""

    today: date
    start: date
    partners: tuple[str, ...]
    """The configured partners first, then any other name found in the records (e.g. before a rename)."""
    records: int = 0
    """How many records the facts were read from (`report` reads only READS in full); 0: nothing recorded yet."""
    checkins: list[CheckinOutcome] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    commitments: list[CommitmentFact] = field(default_factory=list)
    timeouts: list[TimeOutFact] = field(default_factory=list)
    thanks: dict[date, frozenset[str]] = field(default_factory=dict)
    """Day -> partners who said an appreciation that day (skipped ones not counted)."""
    themes: list[ThemeAnswer] = field(default_factory=list)
    agreement: list[AgreementChange] = field(default_factory=list)
    safety_days: list[date] = field(default_factory=list)
    keep_transcripts: bool = True

    def checkins_with(self, status: str) -> list[CheckinOutcome]:
        return [c for c in self.checkins if c.status == status]

    def series(self, partner: str, measure: str) -> list[Rating]:
        return list(self._series.get((partner, measure), ()))

    @cached_property
    def _series(self) -> dict[tuple[str, str], list[Rating]]:
        """(partner, measure) -> its ratings in order: grouped once, not scanned per partner and measure."""
        grouped: dict[tuple[str, str], list[Rating]] = {}
        for rating in self.ratings:
            grouped.setdefault((rating.partner, rating.measure), []).append(rating)
        return grouped

    @cached_property
    def measures(self) -> list[str]:
        rated = {r.measure for r in self.ratings}
        known = [m for m in RATING_STEPS.values() if m in rated]
        return known + sorted(rated - set(known))


def collect(records: Iterable[Record], today: date, tz: tzinfo, partners: tuple[str, ...] = (),
            keep_transcripts: bool = True, unnamed: str = "?", since: date | None = None) -> History:
    """The facts of every record, each dated on its local day in `tz` (the couple's schedule zone).

    The period ends `today` and starts `since` (the agreement as it stood then still counts). A record without a
    partner's name (older stores, tests) is shown under `unnamed` (report.partner_unnamed).
    """

    def who(record: StepAnswer | Appreciation | Commitment) -> str:
        return record.partner or unnamed

    def day(moment: datetime) -> date:
        return moment.astimezone(tz).date()

    dated = [(r, day(r.when)) for r in records]  # each record's local day, computed once
    kept = [(r, d) for r, d in dated if d <= today and (since is None or d >= since or isinstance(r, AgreementVersion))]
    records = [r for r, _ in kept]
    replaced = {r.supersedes for r in records if isinstance(r, (Commitment, CommitmentReview)) and r.supersedes}
    by_kind: dict[type, list[tuple[Any, date]]] = {}  # each kind's records in stored order, "go back"s left out
    for record, when in kept:
        if record.id not in replaced:  # "go back" replaced it: the newer record counts, never both
            by_kind.setdefault(type(record), []).append((record, when))

    def of(kind: type[K]) -> list[tuple[K, date]]:
        return [pair for cls, pairs in by_kind.items() if issubclass(cls, kind) for pair in pairs]

    statuses: dict[str, tuple[date, str]] = {}
    for event, when in of(SessionEvent):
        if event.activity == "checkin":
            statuses[event.session_id] = (statuses.get(event.session_id, (when, ""))[0], event.status)
    ratings: dict[tuple[str, str, str], Rating] = {}
    themes: dict[tuple[str, str, str], ThemeAnswer] = {}
    for answer, when in of(StepAnswer):
        if answer.activity != "checkin":
            continue
        if answer.rating is not None:
            measure = RATING_STEPS.get(answer.step, answer.step)
            ratings[(answer.session_id, who(answer), measure)] = Rating(  # a later answer wins
                when, who(answer), measure, answer.rating, answer.session_id)
        elif answer.step in THEME_STEPS:
            step = THEME_STEPS[answer.step]
            themes[(answer.session_id, step, who(answer))] = ThemeAnswer(  # go back, coaching: the later wins
                when, step, who(answer), answer.text if keep_transcripts else None)
    made = {c.id: c if c.partner else replace(c, partner=unnamed) for c, _ in of(Commitment)}
    reviews = {r.commitment_id: r for r, _ in of(CommitmentReview)}  # a later review of the same one wins
    timeouts = [t for t, _ in of(TimeOut)]
    thanks: dict[date, set[str]] = {}
    for thank, when in of(Appreciation):
        if not thank.skipped:
            thanks.setdefault(when, set()).add(who(thank))
    agreement = [AgreementChange(when, a.change, a.items) for a, when in of(AgreementVersion)]
    safety = safety_moments(records)
    named = {r.partner for r in ratings.values()} | {c.partner for c in made.values()}
    named |= {t.partner for t in themes.values()}
    named |= {p for who in thanks.values() for p in who}
    known = tuple(partners) + tuple(sorted(p for p in named - set(partners) if p))
    dates = [d for _, d in kept]
    return History(
        today=today,
        start=since or min(dates, default=today),
        partners=known,
        records=len(records),
        checkins=sorted((CheckinOutcome(d, sid, status) for sid, (d, status) in statuses.items()),
                        key=lambda c: c.day),
        ratings=sorted(ratings.values(), key=lambda r: r.day),
        commitments=[_commitment(c, reviews.get(c.id), day, keep_transcripts) for c in made.values()],
        timeouts=[_timeout(t, safety, day) for t in timeouts],
        thanks={d: frozenset(who) for d, who in sorted(thanks.items())},
        themes=list(themes.values()),
        agreement=agreement,
        safety_days=[day(moment) for moment in safety],
        keep_transcripts=keep_transcripts,
    )


def safety_moments(records: Iterable[Record]) -> list[datetime]:
    """When a safety response was given: SafetyEvents and sessions ending in `safety`, one per response."""
    moments = sorted(r.when for r in records
                     if isinstance(r, SafetyEvent) or (isinstance(r, SessionEvent) and r.status == "safety"))
    merged: list[datetime] = []
    for moment in moments:
        if not merged or moment - merged[-1] > SAME_SAFETY_RESPONSE:
            merged.append(moment)
    return merged


def _commitment(made: Commitment, review: CommitmentReview | None, day: DayOf, keep: bool) -> CommitmentFact:
    if review is None:
        return CommitmentFact(day(made.when), made.partner, made.text if keep else None)
    return CommitmentFact(day(made.when), made.partner, made.text if keep else None, review.kept,
                          day(review.when), review.confirmed_by)


def _timeout(record: TimeOut, safety: list[datetime], day: DayOf) -> TimeOutFact:
    started = datetime.fromisoformat(record.started_at)
    during = any(started <= moment <= record.when + SAME_SAFETY_RESPONSE for moment in safety)
    ending = "safety" if during or str(record.outcome) == "safety" else str(record.outcome)
    minutes = record.cooloff_s / 60.0 if record.cooloff_s > 0 else None
    return TimeOutFact(day(started), ending, minutes)

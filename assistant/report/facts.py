"""What the store says, as plain facts with real local dates: the one place records become report data.

Nothing here has words for people; `sections` turns these facts into dialog lines.
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from assistant.report.history import (
    RATING_STEPS,
    AgreementChange,
    CheckinOutcome,
    CommitmentFact,
    History,
    Rating,
    ThemeAnswer,
    TimeOutFact,
)
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

THEME_STEPS = {"triggers": "triggers", "needs": "needs", "trigger_coach": "triggers", "need_coach": "needs"}
"""Check-in steps whose answers are counted as themes (their words only when transcripts are kept) -> the theme;
a wording said again after the blame coaching replaces the first one."""
SAME_SAFETY_RESPONSE = timedelta(minutes=10)
"""A SafetyEvent and a session ending in `safety` this close together are one response, counted once."""
_DAY = operator.attrgetter("day")
READS: tuple[type[Record], ...] = (SessionEvent, StepAnswer, Commitment, CommitmentReview, TimeOut, Appreciation,
                                   AgreementVersion, SafetyEvent)
"""The kinds `collect` looks at (keep in step with it): `assistant report` reads only these in full; of any other
kind only the first record, which can start the period."""


def collect(records: Iterable[Record], today: date, tz: tzinfo, partners: tuple[str, ...] = (),
            keep_transcripts: bool = True, unnamed: str = "?", since: date | None = None) -> History:
    """The facts of every record, each dated on its local day in `tz` (the couple's schedule zone).

    The period ends `today` and starts `since` (the agreement as it stood then still counts). A record without a
    partner's name (older stores, tests) is shown under `unnamed` (report.partner_unnamed).
    """
    tally = Tally(tz, keep_transcripts, unnamed, since, until=today)
    tally.add(records)
    return tally.history(today, partners)


@dataclass
class Tally:
    """The facts of records folded in stored order: folding a prefix and then the rest equals folding them all,
    so `report.cache` can keep a tally of the sealed part of the history and fold in only what came after.

    Every field is plain data (dates, strings, numbers, small fact dataclasses); `history` says the period.
    """

    tz: tzinfo
    keep_transcripts: bool = True
    unnamed: str = "?"
    since: date | None = None
    until: date | None = None
    """Records dated after this day are left out (None: none are; a cached tally covers every day it saw)."""
    count: int = 0
    first_day: date | None = None
    last_day: date | None = None
    """The earliest and latest local day of a record folded in."""
    statuses: dict[str, tuple[date, str]] = field(default_factory=dict)
    """Check-in session -> (its first day, its last status)."""
    ratings: dict[tuple[str, str, str], Rating] = field(default_factory=dict)
    themes: dict[tuple[str, str, str], ThemeAnswer] = field(default_factory=dict)
    made: dict[str, CommitmentFact] = field(default_factory=dict)
    """Commitment id -> the commitment as made (not yet reviewed)."""
    reviews: dict[str, tuple[str, bool, date, str]] = field(default_factory=dict)
    """Review id -> (commitment id, kept, day, confirmed_by)."""
    replaced: set[str] = field(default_factory=set)
    """Ids of commitments and reviews a "go back" replaced: the newer record counts, never both."""
    timeouts: list[tuple[str, str, str, float]] = field(default_factory=list)
    """(started_at, at, outcome, cooloff_s) of each time out."""
    thanks: dict[date, set[str]] = field(default_factory=dict)
    agreement: list[AgreementChange] = field(default_factory=list)
    safety: list[str] = field(default_factory=list)
    """When each safety response was given (SafetyEvents, sessions ending in `safety`), ISO times."""

    def add(self, records: Iterable[Record]) -> None:  # noqa: C901 - one branch per kind the report reads
        """Fold in `records` (in stored order) that fall in the period."""
        tz, since, until = self.tz, self.since, self.until
        for record in records:
            when = record.when.astimezone(tz).date()
            if (until is not None and when > until) or (since is not None and when < since
                                                           and not isinstance(record, AgreementVersion)):
                continue
            self.count += 1
            self.first_day = when if self.first_day is None or when < self.first_day else self.first_day
            self.last_day = when if self.last_day is None or when > self.last_day else self.last_day
            if isinstance(record, (Commitment, CommitmentReview)) and record.supersedes:
                self.replaced.add(record.supersedes)
                self.made.pop(record.supersedes, None)
                self.reviews.pop(record.supersedes, None)
            if record.id in self.replaced:
                continue
            if isinstance(record, SessionEvent):
                self._session(record, when)
            elif isinstance(record, StepAnswer):
                self._answer(record, when)
            elif isinstance(record, Commitment):
                self.made[record.id] = CommitmentFact(when, record.partner or self.unnamed,
                                                      record.text if self.keep_transcripts else None)
            elif isinstance(record, CommitmentReview):
                self.reviews[record.id] = (record.commitment_id, record.kept, when, record.confirmed_by)
            elif isinstance(record, TimeOut):
                self.timeouts.append((record.started_at, record.at, str(record.outcome), record.cooloff_s))
            elif isinstance(record, Appreciation):
                if not record.skipped:
                    self.thanks.setdefault(when, set()).add(record.partner or self.unnamed)
            elif isinstance(record, AgreementVersion):
                self.agreement.append(AgreementChange(when, record.change, record.items))
            elif isinstance(record, SafetyEvent):
                self.safety.append(record.at)

    def _session(self, event: SessionEvent, when: date) -> None:
        if event.status == "safety":
            self.safety.append(event.at)
        if event.activity == "checkin":
            self.statuses[event.session_id] = (self.statuses.get(event.session_id, (when, ""))[0], event.status)

    def _answer(self, answer: StepAnswer, when: date) -> None:
        if answer.activity != "checkin":
            return
        who = answer.partner or self.unnamed
        if answer.rating is not None:
            measure = RATING_STEPS.get(answer.step, answer.step)
            self.ratings[(answer.session_id, who, measure)] = Rating(  # a later answer wins
                when, who, measure, answer.rating, answer.session_id)
        elif answer.step in THEME_STEPS:
            step = THEME_STEPS[answer.step]
            self.themes[(answer.session_id, step, who)] = ThemeAnswer(  # go back, coaching: the later wins
                when, step, who, answer.text if self.keep_transcripts else None)

    def history(self, today: date, partners: tuple[str, ...] = ()) -> History:
        """The period's facts, ending `today` (no record folded in may be dated after it)."""
        reviews = {cid: (kept, day, by) for cid, kept, day, by in self.reviews.values()}  # a later review wins
        commitments = [CommitmentFact(made.made, made.partner, made.text, *reviews[cid]) if cid in reviews else made
                       for cid, made in self.made.items()]
        safety = merged_moments(datetime.fromisoformat(at) for at in self.safety)
        named = {r.partner for r in self.ratings.values()} | {c.partner for c in commitments}
        named |= {t.partner for t in self.themes.values()}
        named |= {p for who in self.thanks.values() for p in who}
        return History(
            today=today,
            start=self.since or (self.first_day if self.first_day is not None else today),
            partners=tuple(partners) + tuple(sorted(p for p in named - set(partners) if p)),
            records=self.count,
            checkins=sorted((CheckinOutcome(d, sid, status) for sid, (d, status) in self.statuses.items()),
                            key=_DAY),
            ratings=sorted(self.ratings.values(), key=_DAY),
            commitments=commitments,
            timeouts=[_timeout(*timeout, safety, self.tz) for timeout in self.timeouts],
            thanks={d: frozenset(who) for d, who in sorted(self.thanks.items())},
            themes=list(self.themes.values()),
            agreement=list(self.agreement),
            safety_days=[moment.astimezone(self.tz).date() for moment in safety],
            keep_transcripts=self.keep_transcripts,
        )


def safety_moments(records: Iterable[Record]) -> list[datetime]:
    """When a safety response was given: SafetyEvents and sessions ending in `safety`, one per response."""
    return merged_moments(r.when for r in records
                          if isinstance(r, SafetyEvent) or (isinstance(r, SessionEvent) and r.status == "safety"))


def merged_moments(moments: Iterable[datetime]) -> list[datetime]:
    """The moments in time order, those within SAME_SAFETY_RESPONSE of the one before counted once."""
    merged: list[datetime] = []
    for moment in sorted(moments):
        if not merged or moment - merged[-1] > SAME_SAFETY_RESPONSE:
            merged.append(moment)
    return merged


def _timeout(started_at: str, at: str, outcome: str, cooloff_s: float, safety: list[datetime],
             tz: tzinfo) -> TimeOutFact:
    started, ended = datetime.fromisoformat(started_at), datetime.fromisoformat(at)
    during = any(started <= moment <= ended + SAME_SAFETY_RESPONSE for moment in safety)
    ending = "safety" if during or outcome == "safety" else outcome
    return TimeOutFact(started.astimezone(tz).date(), ending, cooloff_s / 60.0 if cooloff_s > 0 else None)
